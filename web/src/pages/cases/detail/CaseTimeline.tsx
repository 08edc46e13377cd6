/**
 * The case's history from its events, newest first: what was done, by whom, the state it moved
 * between and what the action carried (reason, note, unit, type, extension, rating, photos).
 */
import { Empty, Tag, Timeline, Typography } from 'antd';
import type { TFunction } from 'i18next';
import { auditActionLabelKey } from '../../../../../common/audit-vocabulary.ts';
import {
  CASE_ACTIONS,
  type CaseAction,
  type CaseState,
  decidedApplication,
  ruleFor,
} from '../../../../../common/workflow.ts';
import { noteLabel } from '../../../components/case/ActionFields';
import type { TimelineEntry } from '../../../components/case/api';
import { actionLabel, stateLabel } from '../../../components/case/CaseBits';
import { PhotoThumbs } from '../../../components/case/Photos';
import { formatTime } from '../../../components/format';
import { timeAmount, timelineActor, timelineFiling, withColon } from '../../../components/wording';
import { isSensorNote, SensorNote } from '../../sensors/SensorNote';

const KNOWN_ACTIONS: ReadonlySet<string> = new Set(CASE_ACTIONS);

export function eventLabel(t: TFunction, action: string): string {
  const name = action.startsWith('case.') ? action.slice(5) : action;
  if (KNOWN_ACTIONS.has(name)) return actionLabel(t, name);
  // Other modules' events on the case (a satisfaction, the hotline call a report came from).
  const key = auditActionLabelKey(action);
  if (key?.startsWith('auditAction.')) return t(key, { defaultValue: action });
  return t(`case.event.${name}`, { defaultValue: name });
}

/**
 * The application an approval or refusal decided, as it stood when decided (the event's `before`):
 * which one is the transition table's word (the rule's pending guard), not the action's name.
 */
function decidedOf(
  action: string,
  before: { state?: string; pending?: Record<string, Applied | undefined> },
): { application: string; asked: Applied } | null {
  const name = action.startsWith('case.') ? action.slice(5) : action;
  if (!KNOWN_ACTIONS.has(name) || !before.state) return null;
  const rule = ruleFor(before.state as CaseState, name as CaseAction);
  const application = rule && decidedApplication(rule);
  const asked = application ? before.pending?.[application] : undefined;
  return application && asked ? { application, asked } : null;
}

interface Applied {
  amount?: number;
  unit?: string;
  reason?: string;
}

/**
 * A case forwarded to a department's Open311 server, and what that server said of it: to whom,
 * its request id there, its status and notes (the department's own words, shown as text).
 */
function ForwardDetail({
  after,
  orgNames,
  t,
}: {
  after: unknown;
  orgNames: Map<string, string>;
  t: TFunction;
}) {
  const a = (after ?? {}) as {
    orgId?: string;
    serviceRequestId?: string | null;
    requestToken?: string | null;
    status?: string | null;
    statusNotes?: string | null;
  };
  const line = (label: string, value: string, testId: string) => (
    <div style={{ marginTop: 2 }} data-testid={testId}>
      <Typography.Text type="secondary">{withColon(t, label)}</Typography.Text>
      {value}
    </div>
  );
  return (
    <>
      {a.orgId && line(t('case.forward.to'), orgNames.get(a.orgId) ?? a.orgId, 'timeline-forward-to')}
      {(a.serviceRequestId || a.requestToken) &&
        line(
          t('case.forward.request'),
          a.serviceRequestId ?? a.requestToken ?? '',
          'timeline-forward-request',
        )}
      {a.status &&
        line(
          t('case.forward.status'),
          a.status === 'open' || a.status === 'closed' ? t(`case.forward.${a.status}`) : a.status,
          'timeline-forward-status',
        )}
      {a.statusNotes && line(t('case.forward.notes'), a.statusNotes, 'timeline-forward-notes')}
    </>
  );
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
      /** A note from another part of the platform (`case.note`): a sensor's. */
      note?: unknown;
      /** A satisfaction (satisfaction.record): the reporter's verdict and where it was heard. */
      result?: string;
      source?: string;
      /** A report made on a hotline call (case.report): the call and the line called. */
      origin?: { callId: string; line: string };
      /** A unit's report joined to an open case says it fixed it (case.report_merged): noted only. */
      selfDisposal?: { note: string; photos: string[] };
    };
    const filing = timelineFiling(t, e.after);
    const before = (e.before ?? {}) as { state?: string; pending?: Record<string, Applied | undefined> };
    const decided = decidedOf(e.action, before);
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
            <div style={{ marginTop: 2 }} data-testid="timeline-note">
              <Typography.Text type="secondary">
                {withColon(t, noteLabel(t, e.action.replace(/^case\./, '')))}
              </Typography.Text>
              {input.note}
            </div>
          )}
          {after.selfDisposal && (
            <div style={{ marginTop: 2 }} data-testid="timeline-department-disposal">
              <Typography.Text type="secondary">
                {withColon(t, t('case.field.departmentDisposal'))}
              </Typography.Text>
              {after.selfDisposal.note}
              <PhotoThumbs ids={after.selfDisposal.photos} size={56} testId="timeline-department-photos" />
            </div>
          )}
          {isSensorNote(after.note) && <SensorNote note={after.note} />}
          {filing && (
            <div style={{ marginTop: 2 }} data-testid="timeline-filing">
              <Typography.Text type="secondary">{filing.label}</Typography.Text>
              {filing.text}
              {filing.urgent && (
                <Tag color="volcano" style={{ marginLeft: 6 }}>
                  {filing.urgent}
                </Tag>
              )}
            </div>
          )}
          {decided && (
            <div style={{ marginTop: 2 }} data-testid="timeline-decided">
              <Typography.Text type="secondary">
                {withColon(
                  t,
                  t(`case.applied.${decided.application}`, { defaultValue: decided.application }),
                )}
              </Typography.Text>
              {decided.asked.amount !== undefined && decided.asked.unit
                ? `${timeAmount(t, decided.asked.amount, decided.asked.unit)} · `
                : ''}
              {decided.asked.reason}
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
          {(e.action === 'case.forwarded' || e.action === 'case.forward_status') && (
            <ForwardDetail after={e.after} orgNames={orgNames} t={t} />
          )}
          {e.action === 'satisfaction.record' && after.result && (
            <div style={{ marginTop: 2 }} data-testid="timeline-satisfaction" data-result={after.result}>
              <Tag color={after.result === 'dissatisfied' ? 'red' : 'green'}>
                {t(`callback.result.${after.result}`, { defaultValue: after.result })}
              </Tag>
              <Typography.Text type="secondary">
                {t(`callback.source.${after.source}`, { defaultValue: after.source ?? '' })}
              </Typography.Text>
            </div>
          )}
          {e.action === 'case.report' && after.origin?.line && (
            <div style={{ marginTop: 2 }} data-testid="timeline-hotline-origin">
              <Typography.Text type="secondary">
                {t('hotline.fromLine', { line: after.origin.line })}
              </Typography.Text>
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
