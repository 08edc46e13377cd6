/**
 * 舆情源: the feeds of online opinion an administrator reaches (the city all, a district admin its
 * district's) — add, edit, switch off, poll now — with how the last poll went: when, its status,
 * the class of error (never the other side's text), posts it brought and the failures in a row.
 */
import { PlusOutlined, ReloadOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import {
  App,
  Button,
  Card,
  Form,
  Input,
  InputNumber,
  Select,
  Space,
  Switch,
  Tag,
  Tooltip,
  Typography,
} from 'antd';
import type { ColumnsType } from 'antd/es/table';
import type { TFunction } from 'i18next';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { useMe } from '../../api/queries';
import type { ListResult } from '../../api/types';
import { DivisionName } from '../../components/case/CaseBits';
import { FormModal, useSave } from '../../components/FormModal';
import { formatTime } from '../../components/format';
import { PageContainer } from '../../components/PageContainer';
import { PagedTable, usePagedList } from '../../components/PagedList';
import { type Feed, POLL_COLOURS, type PollResult } from './api';
import { feedErrorText } from './feed-error';

interface FeedValues {
  name: string;
  url: string;
  districtCode?: string | null;
  pollMinutes: number;
  enabled: boolean;
}

export function FeedsPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [editing, setEditing] = useState<Feed | 'new' | null>(null);
  const list = usePagedList<ListResult<Feed>>({ queryKey: ['opinion', 'feeds'], path: '/api/opinion/feeds' });

  const toggle = useSave({
    mutationFn: (f: Feed) =>
      api.patch<Feed>(`/api/opinion/feeds/${f.id}`, { version: f.version, enabled: !f.enabled }),
    invalidate: ['opinion', 'feeds'],
    refreshOnError: 'conflict',
  });
  const poll = useSave({
    mutationFn: (f: Feed) => api.post<PollResult>(`/api/opinion/feeds/${f.id}/poll`),
    invalidate: ['opinion'],
    onSaved: (r) => {
      if (r.status === 'error')
        void message.error(t('opinionFeeds.pollFailed', { error: feedErrorSentence(t, r.error) }));
      else void message.success(t('opinionFeeds.polled', { n: r.newPosts, linked: r.linked }));
    },
  });

  const columns: ColumnsType<Feed> = [
    { title: t('opinionFeeds.name'), dataIndex: 'name', width: 160, ellipsis: true },
    {
      title: t('opinionFeeds.url'),
      key: 'url',
      ellipsis: true,
      render: (_, f) => (
        <Typography.Text code ellipsis={{ tooltip: f.url }}>
          {f.url}
        </Typography.Text>
      ),
    },
    {
      title: t('opinionFeeds.district'),
      key: 'district',
      width: 100,
      render: (_, f) => (f.districtCode ? <DivisionName code={f.districtCode} /> : t('opinionFeeds.city')),
    },
    {
      title: t('opinionFeeds.interval'),
      key: 'interval',
      width: 90,
      render: (_, f) => t('opinionFeeds.minutes', { n: f.pollMinutes }),
    },
    {
      title: t('opinionFeeds.enabled'),
      key: 'enabled',
      width: 70,
      render: (_, f) => (
        <Switch
          size="small"
          checked={f.enabled}
          loading={toggle.isPending && toggle.variables?.id === f.id}
          onChange={() => toggle.mutate(f)}
          data-testid={`feed-enabled-${f.id}`}
        />
      ),
    },
    {
      title: t('opinionFeeds.lastPoll'),
      key: 'last',
      width: 220,
      render: (_, f) =>
        f.lastStatus ? (
          <Space size={4} wrap>
            <Tag color={POLL_COLOURS[f.lastStatus]} data-testid="feed-status">
              {t(`opinionFeeds.status.${f.lastStatus}`)}
            </Tag>
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {formatTime(f.lastPolledAt)}
            </Typography.Text>
            {f.lastError && <FeedError code={f.lastError} failures={f.failures} />}
          </Space>
        ) : (
          <Typography.Text type="secondary">{t('opinionFeeds.never')}</Typography.Text>
        ),
    },
    { title: t('opinionFeeds.posts'), dataIndex: 'posts', width: 70 },
    {
      title: t('common.actions'),
      key: 'actions',
      width: 150,
      fixed: 'right',
      render: (_, f) => (
        <Space size={0}>
          <Button type="link" size="small" onClick={() => setEditing(f)} data-testid={`feed-edit-${f.id}`}>
            {t('common.edit')}
          </Button>
          <Button
            type="link"
            size="small"
            loading={poll.isPending && poll.variables?.id === f.id}
            onClick={() => poll.mutate(f)}
            data-testid={`feed-poll-${f.id}`}
          >
            {t('opinionFeeds.pollNow')}
          </Button>
        </Space>
      ),
    },
  ];

  return (
    <PageContainer testId="page-opinion-feeds" title={t('opinionFeeds.title')}>
      <Card style={{ marginBottom: 16 }}>
        <Typography.Paragraph type="secondary" style={{ marginTop: 0 }}>
          {t('opinionFeeds.intro')}
        </Typography.Paragraph>
        <Space>
          <Button
            type="primary"
            icon={<PlusOutlined />}
            onClick={() => setEditing('new')}
            data-testid="feed-add"
          >
            {t('opinionFeeds.add')}
          </Button>
          <Button icon={<ReloadOutlined />} onClick={() => void list.query.refetch()}>
            {t('common.refresh')}
          </Button>
        </Space>
      </Card>
      <Card>
        <PagedTable<Feed> list={list} columns={columns} scroll={{ x: 1000 }} data-testid="feeds-table" />
      </Card>
      {editing && <FeedDialog feed={editing === 'new' ? null : editing} onClose={() => setEditing(null)} />}
    </PageContainer>
  );
}

function FeedDialog({ feed, onClose }: { feed: Feed | null; onClose: () => void }) {
  const { t } = useTranslation();
  const me = useMe();
  const scope = me.data?.scope;
  const all = useQuery({
    queryKey: ['geo', 'divisions', 'district'],
    staleTime: 10 * 60_000,
    queryFn: () =>
      api.get<ListResult<{ code: string; name: string }>>('/api/geo/divisions', {
        level: 'district',
        pageSize: 200,
      }),
  });
  // A district admin's feeds are its district's; the city chooses (none: a city feed).
  const districts = (all.data?.items ?? []).filter(
    (d) => scope?.kind !== 'district' || d.code === scope.districtCode,
  );
  return (
    <FormModal<FeedValues, Feed>
      title={feed ? t('opinionFeeds.edit') : t('opinionFeeds.add')}
      testId="feed-form"
      submitTestId="feed-submit"
      invalidate={['opinion', 'feeds']}
      refreshOnError="conflict"
      success={t('opinionFeeds.saved')}
      onClose={onClose}
      initialValues={
        feed
          ? { ...feed }
          : {
              pollMinutes: 30,
              enabled: true,
              districtCode: scope?.kind === 'district' ? scope.districtCode : null,
            }
      }
      mutationFn={(v) => {
        const body = {
          name: v.name.trim(),
          url: v.url.trim(),
          districtCode: v.districtCode ?? null,
          pollMinutes: v.pollMinutes,
          enabled: v.enabled,
        };
        return feed
          ? api.patch<Feed>(`/api/opinion/feeds/${feed.id}`, { ...body, version: feed.version })
          : api.post<Feed>('/api/opinion/feeds', body);
      }}
    >
      <Form.Item
        name="name"
        label={t('opinionFeeds.name')}
        rules={[{ required: true, whitespace: true, max: 100 }]}
      >
        <Input maxLength={100} data-testid="feed-name" />
      </Form.Item>
      <Form.Item
        name="url"
        label={t('opinionFeeds.url')}
        extra={t('opinionFeeds.urlHint')}
        rules={[{ required: true, whitespace: true, max: 2000 }]}
      >
        <Input maxLength={2000} placeholder="https://" data-testid="feed-url" />
      </Form.Item>
      <Form.Item name="districtCode" label={t('opinionFeeds.district')}>
        <Select
          allowClear={scope?.kind === 'city'}
          placeholder={t('opinionFeeds.city')}
          options={districts.map((d) => ({ value: d.code, label: d.name }))}
          data-testid="feed-district"
        />
      </Form.Item>
      <Space size={24}>
        <Form.Item name="pollMinutes" label={t('opinionFeeds.interval')} rules={[{ required: true }]}>
          <InputNumber min={5} max={1440} addonAfter={t('opinionFeeds.minuteUnit')} />
        </Form.Item>
        <Form.Item name="enabled" label={t('opinionFeeds.enabled')} valuePropName="checked">
          <Switch />
        </Form.Item>
      </Space>
    </FormModal>
  );
}

/** The sentence of a fetch error code, with the code after it (the detail an administrator reports). */
function feedErrorSentence(t: TFunction, code: string | null | undefined): string {
  if (!code) return t('opinionFeeds.error.unknown');
  const e = feedErrorText(code);
  return `${t(e.key, e.values)}（${code}）`;
}

/** A feed's last fetch error: the sentence in the page's language, the code kept as a detail. */
function FeedError({ code, failures }: { code: string; failures: number }) {
  const { t } = useTranslation();
  const e = feedErrorText(code);
  return (
    <Tooltip title={t('opinionFeeds.failures', { n: failures })}>
      <Space size={4} wrap data-testid="feed-error">
        <Typography.Text type="danger" style={{ fontSize: 12 }}>
          {t(e.key, e.values)}
        </Typography.Text>
        <Typography.Text
          type="secondary"
          code
          style={{ fontSize: 11 }}
          title={t('opinionFeeds.errorCode', { code })}
        >
          {code}
        </Typography.Text>
      </Space>
    </Tooltip>
  );
}
