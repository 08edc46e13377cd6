import { useQuery } from '@tanstack/react-query';
import { Drawer, Table, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import type { ListResult } from '../../api/types';
import { useDivisionName } from '../../components/case/CaseBits';
import { formatTime } from '../../components/format';
import { withColon } from '../../components/wording';
import type { HistoryEntry, Rule } from './api';

const FIELDS: (keyof Rule)[] = [
  'unitName',
  'active',
  'note',
  'matterCode',
  'matterMajor',
  'areaLevel',
  'areaCode',
];

function Change({ e }: { e: HistoryEntry }) {
  const { t } = useTranslation();
  const fmt = (v: unknown) => (v === null || v === undefined || v === '' ? '—' : String(v));
  if (!e.before) {
    return (
      <span>
        {FIELDS.filter((f) => e.after?.[f] != null).map((f) => (
          <div key={f}>
            {withColon(t, t(`routing.field.${f}`))}
            {fmt(e.after?.[f])}
          </div>
        ))}
      </span>
    );
  }
  const changed = FIELDS.filter((f) => fmt(e.before?.[f]) !== fmt(e.after?.[f]));
  return (
    <span>
      {changed.map((f) => (
        <div key={f}>
          {withColon(t, t(`routing.field.${f}`))}
          <Tag color="red">{fmt(e.before?.[f])}</Tag>→<Tag color="green">{fmt(e.after?.[f])}</Tag>
        </div>
      ))}
    </span>
  );
}

/** History of one rule (ruleId) or of a district's rules (districtCode), newest first. */
export function HistoryDrawer({
  ruleId,
  districtCode,
  onClose,
}: {
  ruleId?: string;
  districtCode?: string;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const districtName = useDivisionName(ruleId ? undefined : districtCode);
  const url = ruleId ? `/api/routing/rules/${ruleId}/history` : '/api/routing/history';
  const q = useQuery({
    queryKey: ['routing', 'history', ruleId ?? districtCode ?? 'all'],
    queryFn: () =>
      api.get<ListResult<HistoryEntry>>(url, {
        pageSize: 200,
        districtCode: ruleId ? undefined : districtCode,
      }),
  });
  return (
    <Drawer
      open
      width={820}
      onClose={onClose}
      title={
        ruleId
          ? t('routing.ruleHistory')
          : t('routing.districtHistory', { district: districtName ?? districtCode ?? t('common.all') })
      }
      data-testid="routing-history"
    >
      <Table<HistoryEntry>
        size="small"
        rowKey="id"
        loading={q.isFetching}
        dataSource={q.data?.items ?? []}
        pagination={false}
        columns={[
          { title: t('routing.when'), dataIndex: 'at', width: 160, render: formatTime },
          { title: t('routing.who'), dataIndex: 'actorName', width: 120 },
          {
            title: t('routing.action'),
            dataIndex: 'action',
            width: 120,
            render: (a: string) => <Tag>{t(`routing.actions.${a.split('.').pop()}`)}</Tag>,
          },
          {
            title: t('routing.why'),
            dataIndex: 'reason',
            width: 160,
            render: (r: string | null) => r ?? '—',
          },
          { title: t('routing.change'), key: 'change', render: (_, e) => <Change e={e} /> },
          ...(ruleId
            ? []
            : [
                {
                  title: t('routing.rule'),
                  dataIndex: 'ruleId',
                  width: 90,
                  render: (id: string) => (
                    <Typography.Text copyable={{ text: id }}>{id?.slice(0, 8)}</Typography.Text>
                  ),
                },
              ]),
        ]}
      />
    </Drawer>
  );
}
