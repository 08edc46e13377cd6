/** The header's bell: unread count and the latest notifications, refreshed live from /api/stream. */
import { BellOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Badge, Button, Empty, List, Popover, Space, Typography } from 'antd';
import dayjs from 'dayjs';
import relativeTime from 'dayjs/plugin/relativeTime';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { publicStatusLabel } from '../../../common/public-report.ts';
import { CASE_ACTIONS } from '../../../common/workflow.ts';
import { api } from '../api/client';
import type { NotificationItem, NotificationList } from '../components/case/api';
import { actionLabel, stateLabel } from '../components/case/CaseBits';
import { useCaseEvents } from '../components/case/stream';
import { formatTime } from '../components/format';

dayjs.extend(relativeTime);

const KEY = ['notifications', 'latest'] as const;
const KNOWN: ReadonlySet<string> = new Set(CASE_ACTIONS);

export function NotificationBell() {
  const { t, i18n } = useTranslation();
  const navigate = useNavigate();
  const qc = useQueryClient();
  const [open, setOpen] = useState(false);
  const list = useQuery({
    queryKey: KEY,
    queryFn: () => api.get<NotificationList>('/api/notifications', { pageSize: 10 }),
    refetchInterval: 120_000,
    staleTime: 5_000,
  });
  useCaseEvents(() => void list.refetch(), { debounceMs: 1000 });
  // Repeated warnings of one case count on one entry: the latest is what it says, `count` how often.
  const read = useMutation({
    mutationFn: (id: string) => api.post<void>(`/api/notifications/${id}/read`),
    onSettled: () => void qc.invalidateQueries({ queryKey: KEY }),
  });
  const readAll = useMutation({
    mutationFn: () => api.post<void>('/api/notifications/read-all'),
    onSettled: () => void qc.invalidateQueries({ queryKey: KEY }),
  });
  const unread = list.data?.unread ?? 0;

  const text = (n: NotificationItem) => {
    // About the reader's own report on a case they may not open: its tracking code and public status.
    if (n.kind === 'report.status' && n.params?.trackingCode && n.params.status) {
      return t('notifications.reportStatus', {
        code: n.params.trackingCode,
        status: publicStatusLabel(n.params.status, i18n.language || 'zh-CN'),
      });
    }
    // An early warning (预警) says what rose against which baseline, in the reader's language.
    if (n.kind === 'warning.raised' && n.params?.text) {
      const en = (i18n.language || 'zh-CN').startsWith('en');
      return t('notifications.kind.warning.raised', { text: en ? n.params.text.en : n.params.text.zh });
    }
    const name = n.kind.startsWith('case.') ? n.kind.slice(5) : n.kind;
    const what = KNOWN.has(name)
      ? actionLabel(t, name)
      : t(`case.event.${name}`, { defaultValue: t(`notifications.kind.${name}`, { defaultValue: name }) });
    return t('notifications.item', { code: n.params?.code ?? '', what });
  };

  const content = (
    <div style={{ width: 360 }} data-testid="notification-list">
      <div
        style={{ display: 'flex', justifyContent: 'space-between', alignItems: 'center', marginBottom: 4 }}
      >
        <Typography.Text strong>{t('notifications.title')}</Typography.Text>
        <Button
          type="link"
          size="small"
          disabled={unread === 0}
          loading={readAll.isPending}
          onClick={() => readAll.mutate()}
          data-testid="notifications-read-all"
        >
          {t('notifications.readAll')}
        </Button>
      </div>
      {list.data?.items.length ? (
        <List
          size="small"
          dataSource={list.data.items}
          style={{ maxHeight: 420, overflow: 'auto' }}
          renderItem={(n) => (
            <List.Item
              data-testid="notification-item"
              data-read={!!n.readAt}
              style={{ cursor: 'pointer', padding: '8px 6px', background: n.readAt ? undefined : '#f0f7ff' }}
              onClick={() => {
                if (!n.readAt) read.mutate(n.id);
                setOpen(false);
                if (n.caseId) void navigate(`/cases/${n.caseId}`);
                else if (n.kind === 'warning.raised') void navigate('/warnings');
              }}
            >
              <Space orientation="vertical" size={0} style={{ width: '100%' }}>
                <Space size={6}>
                  {!n.readAt && <Badge status="processing" />}
                  <Typography.Text strong={!n.readAt}>
                    {text(n)}
                    {n.count > 1 && (
                      <span data-testid="notification-repeats">
                        {t('notifications.repeated', { n: n.count })}
                      </span>
                    )}
                  </Typography.Text>
                </Space>
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {n.params?.state ? `${stateLabel(t, n.params.state)} · ` : ''}
                  <span title={formatTime(n.lastAt)}>{dayjs(n.lastAt).fromNow()}</span>
                </Typography.Text>
              </Space>
            </List.Item>
          )}
        />
      ) : (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('notifications.empty')} />
      )}
    </div>
  );

  return (
    <Popover trigger="click" placement="bottomRight" content={content} open={open} onOpenChange={setOpen}>
      <Button type="text" aria-label={t('notifications.title')} data-testid="notification-bell">
        <Badge count={unread} size="small" overflowCount={99} data-testid="notification-count">
          <BellOutlined style={{ fontSize: 17 }} />
        </Badge>
      </Button>
    </Popover>
  );
}
