/**
 * What an action's form shows beside its fields, as the server sends it with the action: the
 * application the action decides (the amount and reason asked for) and the deadlines the action
 * sets if taken now (the disposal deadline a dispatch gives the unit, the new due time of an
 * approved extension) — computed by the server the way the action computes them.
 */
import { Alert, Descriptions } from 'antd';
import { useTranslation } from 'react-i18next';
import { formatTime } from '../format';
import { timeAmount } from '../wording';
import type { AvailableAction, CaseSummary } from './api';
import { stageLabel } from './CaseBits';

type Application = NonNullable<AvailableAction['decides']>;

/** The pending application the action approves or refuses: what was asked, why, by whom, when. */
export function DecidedApplication({ c, application }: { c: CaseSummary; application: Application }) {
  const { t } = useTranslation();
  const asked = c.pending[application] as
    | { amount?: number; unit?: string; reason?: string; by?: string; at?: string }
    | undefined;
  if (!asked) return null;
  const items = [
    asked.amount !== undefined && asked.unit
      ? {
          key: 'amount',
          label: t('case.field.extension'),
          children: <span data-testid="decided-amount">{timeAmount(t, asked.amount, asked.unit)}</span>,
        }
      : null,
    {
      key: 'reason',
      label: t(`case.appliedReason.${application}`, { defaultValue: t('case.field.reason') }),
      children: <span data-testid="decided-reason">{asked.reason || '—'}</span>,
    },
    { key: 'by', label: t('case.appliedBy'), children: asked.by ?? '—' },
    { key: 'at', label: t('case.appliedAt'), children: formatTime(asked.at) },
  ].filter((i): i is NonNullable<typeof i> => i !== null);
  return (
    <Descriptions
      size="small"
      bordered
      column={1}
      title={t(`case.pending.${application}`, { defaultValue: application })}
      items={items}
      style={{ marginBottom: 12 }}
      data-testid="decided-application"
      data-application={application}
    />
  );
}

/** The deadlines the action sets if taken now. */
export function ActionClocks({ clocks }: { clocks: AvailableAction['clocks'] }) {
  const { t } = useTranslation();
  return (
    <Alert
      type="info"
      showIcon
      style={{ marginBottom: 12 }}
      data-testid="action-clocks"
      title={clocks.map((k) => (
        <div key={`${k.stage}-${k.kind}`} data-testid="action-clock" data-stage={k.stage} data-due={k.dueAt}>
          {t(`case.clock.${k.kind}`, {
            stage: stageLabel(t, k.stage),
            limit: timeAmount(t, k.limit.amount, k.limit.unit),
            due: formatTime(k.dueAt),
          })}
        </div>
      ))}
    />
  );
}
