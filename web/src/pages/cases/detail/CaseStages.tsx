/** The stage clocks of the case: each stage's limit, start, due time (extended or not), status and light. */
import { Table, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import type { CaseStage } from '../../../components/case/api';
import { Countdown, LightBadge, stageLabel } from '../../../components/case/CaseBits';
import { formatTime } from '../../../components/format';
import { timeAmount } from '../../../components/wording';

export function StagesTable({ stages }: { stages: CaseStage[] }) {
  const { t } = useTranslation();
  return (
    <Table<CaseStage>
      size="small"
      rowKey="id"
      pagination={false}
      dataSource={stages}
      data-testid="case-stages"
      locale={{ emptyText: t('case.noStages') }}
      columns={[
        {
          title: t('case.col.stageName'),
          dataIndex: 'stage',
          width: 90,
          render: (s: string) => stageLabel(t, s),
        },
        {
          title: t('case.col.limit'),
          dataIndex: 'limit',
          width: 100,
          render: (l: CaseStage['limit']) => timeAmount(t, l.amount, l.unit),
        },
        { title: t('case.col.startedAt'), dataIndex: 'startedAt', render: (v: string) => formatTime(v) },
        {
          title: t('case.col.dueAt'),
          dataIndex: 'dueAt',
          render: (v: string, s) => (
            <span>
              {formatTime(v)}
              {s.extended && (
                <Tag color="gold" style={{ marginLeft: 4 }}>
                  {t('case.extended')}
                </Tag>
              )}
            </span>
          ),
        },
        {
          title: t('case.col.status'),
          key: 'status',
          width: 170,
          render: (_: unknown, s) =>
            s.stoppedAt ? (
              <span style={{ fontSize: 12 }}>
                {t('case.stageDone')} {formatTime(s.stoppedAt).slice(5, 16)}
              </span>
            ) : s.pausedAt ? (
              <Tag>{t('case.paused')}</Tag>
            ) : (
              <Countdown due={s.dueAt} light={s.light} />
            ),
        },
        {
          title: t('case.col.light'),
          dataIndex: 'light',
          width: 70,
          render: (l: CaseStage['light']) => <LightBadge light={l} />,
        },
      ]}
    />
  );
}
