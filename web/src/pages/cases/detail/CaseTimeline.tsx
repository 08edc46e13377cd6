/**
 * The case's history from its events, newest first: what was done, by whom, the state it moved
 * between and what the action carried (reason, note, unit, type, extension, rating, photos).
 */
import { Empty, Timeline, Typography } from 'antd';
import type { TFunction } from 'i18next';
import { CASE_ACTIONS } from '../../../../../common/workflow.ts';
import type { TimelineEntry } from '../../../components/case/api';
import { actionLabel, stateLabel } from '../../../components/case/CaseBits';
import { PhotoThumbs } from '../../../components/case/Photos';
import { formatTime } from '../../../components/format';
import { timeAmount, timelineActor, withColon } from '../../../components/wording';

const KNOWN_ACTIONS: ReadonlySet<string> = new Set(CASE_ACTIONS);

export function eventLabel(t: TFunction, action: string): string {
  const name = action.startsWith('case.') ? action.slice(5) : action;
  if (KNOWN_ACTIONS.has(name)) return actionLabel(t, name);
  return t(`case.event.${name}`, { defaultValue: name });
}

function eventColor(action: string): string {
  if (/stage_overdue|reject|void|return|check_fail|rework|refuse/.test(action)) return 'red';
  if (/stage_warning|urge|extension|parking|escalate/.test(action)) return 'orange';
  if (/close|check_pass|feed_back/.test(action)) return 'green';
  if (/report/.test(action)) return 'gray';
  return 'blue';
}

export function CaseTimeline({
  entries,
  orgNames,
  matterNames,
  t,
}: {
  entries: TimelineEntry[];
  orgNames: Map<string, string>;
  matterNames: Map<string, string>;
  t: TFunction;
}) {
  if (entries.length === 0) return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} />;
  const items = [...entries].reverse().map((e) => {
    const after = (e.after ?? {}) as {
      state?: string;
      input?: {
        note?: string;
        photos?: string[];
        unitId?: string;
        matterType?: string;
        extension?: { amount: number; unit: string };
        rating?: number;
      };
      photos?: string[];
      duplicateOf?: string;
      distanceM?: number;
    };
    const before = (e.before ?? {}) as { state?: string };
    const input = after.input ?? {};
    const photos = input.photos ?? after.photos ?? [];
    const moved = before.state && after.state && before.state !== after.state;
    return {
      key: String(e.id),
      color: eventColor(e.action),
      content: (
        <div data-testid="timeline-entry" data-action={e.action}>
          <div>
            <Typography.Text strong>{eventLabel(t, e.action)}</Typography.Text>
            {moved && (
              <Typography.Text type="secondary" style={{ marginLeft: 8, fontSize: 12 }}>
                {stateLabel(t, before.state!)} → {stateLabel(t, after.state!)}
              </Typography.Text>
            )}
            <span style={{ float: 'right', fontSize: 12, color: 'rgba(0,0,0,0.45)' }}>
              {formatTime(e.at)}
            </span>
          </div>
          <div style={{ fontSize: 12, color: 'rgba(0,0,0,0.55)' }} data-testid="timeline-actor">
            {timelineActor(t, e)}
          </div>
          {e.reason && (
            <div style={{ marginTop: 2 }}>
              <Typography.Text type="secondary">{withColon(t, t('case.field.reason'))}</Typography.Text>
              {e.reason}
            </div>
          )}
          {input.note && (
            <div style={{ marginTop: 2 }}>
              <Typography.Text type="secondary">{withColon(t, t('case.field.note'))}</Typography.Text>
              {input.note}
            </div>
          )}
          {input.unitId && (
            <div style={{ marginTop: 2 }}>
              <Typography.Text type="secondary">{withColon(t, t('case.field.unitId'))}</Typography.Text>
              {orgNames.get(input.unitId) ?? input.unitId}
            </div>
          )}
          {input.matterType && (
            <div style={{ marginTop: 2 }}>
              <Typography.Text type="secondary">{withColon(t, t('case.field.matterType'))}</Typography.Text>
              {input.matterType} {matterNames.get(input.matterType) ?? ''}
            </div>
          )}
          {input.extension && (
            <div style={{ marginTop: 2 }}>
              <Typography.Text type="secondary">{withColon(t, t('case.field.extension'))}</Typography.Text>
              {timeAmount(t, input.extension.amount, input.extension.unit)}
            </div>
          )}
          {input.rating && (
            <div style={{ marginTop: 2 }}>
              <Typography.Text type="secondary">{withColon(t, t('case.field.rating'))}</Typography.Text>
              {'★'.repeat(input.rating)}
            </div>
          )}
          {after.duplicateOf && (
            <div style={{ marginTop: 2 }}>
              <Typography.Text type="secondary">
                {t('case.duplicateOf', { code: after.duplicateOf, m: after.distanceM ?? 0 })}
              </Typography.Text>
            </div>
          )}
          {photos.length > 0 && (
            <div style={{ marginTop: 4 }}>
              <PhotoThumbs ids={photos} size={56} testId="timeline-photos" />
            </div>
          )}
        </div>
      ),
    };
  });
  return <Timeline items={items} data-testid="case-timeline" />;
}
