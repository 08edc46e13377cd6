import { ArrowLeftOutlined, DesktopOutlined, EnvironmentOutlined } from '@ant-design/icons';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Input, InputNumber, Result, Select, Spin, Tag } from 'antd';
import type { TFunction } from 'i18next';
import { type ReactNode, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import type { TimeUnit } from '../../../../common/time-units.ts';
import { DANGER_ACTIONS, type RequiredField, SIDE_ACTIONS } from '../../../../common/workflow.ts';
import { ApiError, detailField } from '../../api/client';
import { EXTENSION_UNITS } from '../../components/case/api';
import { timeUnitLabel } from '../../components/case/CaseBits';
import { formatChina } from '../../components/china-time';
import { type AvailableAction, type CaseDetail, cachedGet, photosOfStep } from '../api';
import { fieldWorkOf, labelPhotos } from '../field';
import { useMobile } from '../MobileApp';
import { submitAction } from '../outbox';
import {
  CaseTimeline,
  DistanceText,
  DueText,
  LabelledPhotos,
  LightDot,
  locationText,
  MatterText,
  NavigateLink,
  PhotoCapture,
  StateTag,
  useMatterNames,
  WorkTag,
} from '../parts';
import { useMyPosition } from '../position';

export const caseKey = (userId: string, id: string) => ['mobile', 'data', 'case', userId, id] as const;

/**
 * A task: the case in short (light, deadline, matter type, place, distance and a way to navigate
 * there), its photos labelled by step, and the actions the server offers the caller on it — an
 * inspector's verify / check / fix on the spot, a unit handler's sign / feed back / return /
 * extension — each with a form of exactly the fields the server says it needs.
 */
export function TaskPage() {
  const { id = '' } = useParams();
  const { t } = useTranslation();
  const navigate = useNavigate();
  const qc = useQueryClient();
  const { me, items } = useMobile();
  const names = useMatterNames(me.user.id);
  const { fix } = useMyPosition(true);
  const q = useQuery({
    queryKey: caseKey(me.user.id, id),
    queryFn: () => cachedGet<CaseDetail>(me.user.id, `/api/cases/${id}`),
  });
  const [chosen, setChosen] = useState<AvailableAction | null>(null);
  const [outcome, setOutcome] = useState<'sent' | 'queued' | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  if (q.isPending) {
    return (
      <div className="m-center">
        <Spin />
      </div>
    );
  }
  if (q.error) return <Alert type="error" showIcon className="m-alert" title={q.error.message} />;
  const d = q.data.data;
  const c = d.case;
  const mine = items.filter((i) => i.kind === 'action' && i.caseId === id);
  // Main actions first, then the side ones (applications), as the transition table places them.
  const offered = [...d.actions].sort(
    (a, b) => Number(SIDE_ACTIONS.has(a.action)) - Number(SIDE_ACTIONS.has(b.action)),
  );
  const actions = offered.filter((a) => onPhone(a));
  const deskOnly = offered.filter((a) => !onPhone(a));
  const photos = labelPhotos(
    d.reports,
    d.timeline.map((e) => ({ action: e.action, photos: photosOfStep(e) })),
  );
  const work = fieldWorkOf(c.state, me.user.roles);
  const extension = c.pending.extension;

  if (outcome) {
    return (
      <Result
        status={outcome === 'sent' ? 'success' : 'info'}
        title={outcome === 'sent' ? t('mobile.task.done') : t('mobile.task.queued')}
        subTitle={c.code}
        data-testid="m-action-result"
        data-outcome={outcome}
        extra={
          <Button
            type="primary"
            size="large"
            className="m-big"
            onClick={() => void navigate('/m/')}
            data-testid="m-back-to-tasks"
          >
            {t('mobile.task.backToList')}
          </Button>
        }
      />
    );
  }

  return (
    <div data-testid="m-task-page" data-case-id={c.id} data-state={c.state}>
      <div className="m-page-head">
        <Button
          type="text"
          icon={<ArrowLeftOutlined />}
          className="m-icon-btn"
          // Back where the task was opened from (the list, a report); to the list when opened directly.
          onClick={() => void ((window.history.state?.idx ?? 0) > 0 ? navigate(-1) : navigate('/m/'))}
          aria-label={t('mobile.back')}
        />
        <h1 className="m-code-title">{c.code}</h1>
      </div>
      {q.data.offline && (
        <Alert
          type="warning"
          showIcon
          className="m-alert"
          title={t('mobile.staleData', { time: formatChina(q.data.at, 'MM-DD HH:mm') })}
        />
      )}
      <section className="m-card">
        <div className="m-item-top">
          <LightDot light={c.light} />
          <WorkTag work={work} />
          <StateTag state={c.state} />
          {extension && (
            <Tag color="gold" data-testid="m-extension-pending">
              {t('mobile.task.extensionPending', {
                amount: extension.amount ?? '',
                unit: extension.unit ? timeUnitLabel(t, extension.unit) : '',
              })}
            </Tag>
          )}
        </div>
        <p className="m-desc" data-testid="m-task-desc">
          {c.description}
        </p>
        <div className="m-row">
          <MatterText code={c.matterCode} names={names} />
        </div>
        <div className="m-row">
          <DueText c={c} />
        </div>
        <div className="m-row m-muted">
          <EnvironmentOutlined /> <span data-testid="m-task-location">{locationText(c, t)}</span>
        </div>
        <div className="m-row m-place-row">
          <DistanceText from={fix} to={c.location} />
          <NavigateLink to={c.location} label={c.code} />
        </div>
        <div className="m-row m-muted">
          {t('mobile.task.reportedAt', { time: formatChina(c.createdAt, 'YYYY-MM-DD HH:mm') })} ·{' '}
          {t(`case.channel.${c.channel}`, { defaultValue: c.channel })}
        </div>
        <a href={`/cases/${c.id}`} className="m-link" data-testid="m-open-desktop">
          <DesktopOutlined /> {t('mobile.task.openDesktop')}
        </a>
      </section>
      {photos.length > 0 && (
        <section className="m-card">
          <h2>{t('mobile.task.photos')}</h2>
          <LabelledPhotos photos={photos} />
        </section>
      )}
      {notice && (
        <Alert
          type="warning"
          showIcon
          closable
          onClose={() => setNotice(null)}
          className="m-alert"
          title={notice}
          data-testid="m-task-notice"
        />
      )}
      {mine.length > 0 && (
        <Alert
          type={mine.some((i) => i.status === 'conflict') ? 'error' : 'info'}
          showIcon
          className="m-alert"
          data-testid="m-task-outbox"
          title={
            mine.some((i) => i.status !== 'pending')
              ? (mine.find((i) => i.error)?.error ?? t('mobile.task.refused'))
              : t('mobile.task.waitingSync')
          }
          action={
            <Link to="/m/outbox">
              <Button size="small">{t('mobile.outbox.open')}</Button>
            </Link>
          }
        />
      )}
      {mine.length === 0 && actions.length > 0 && !chosen && (
        <section className="m-card">
          <h2>{t('mobile.task.actions')}</h2>
          <div className="m-actions">
            {actions.map((a) => (
              <Button
                key={a.action}
                size="large"
                className="m-big"
                // Tone and placement come from the transition table, as on the desktop.
                type={DANGER_ACTIONS.has(a.action) || SIDE_ACTIONS.has(a.action) ? 'default' : 'primary'}
                danger={DANGER_ACTIONS.has(a.action)}
                onClick={() => {
                  setNotice(null);
                  setChosen(a);
                }}
                data-testid={`m-action-${a.action}`}
              >
                {actionName(t, a.action)}
              </Button>
            ))}
          </div>
        </section>
      )}
      {mine.length === 0 && deskOnly.length > 0 && !chosen && (
        <div className="m-muted m-pad" data-testid="m-desk-only">
          {t('mobile.task.deskOnly', { actions: deskOnly.map((a) => actionName(t, a.action)).join('、') })}
        </div>
      )}
      {mine.length === 0 && offered.length === 0 && (
        <div className="m-muted m-pad">{t('mobile.task.noActions')}</div>
      )}
      {chosen && (
        <ActionForm
          action={chosen}
          onCancel={() => setChosen(null)}
          onSubmit={async (values) => {
            const res = await submitAction(
              me.user.id,
              {
                caseId: c.id,
                caseCode: c.code,
                action: chosen.action,
                version: c.version,
                ...values.body,
              },
              values.photos,
            );
            await qc.invalidateQueries({ queryKey: ['mobile', 'data'] });
            setChosen(null);
            setOutcome(res.outcome);
          }}
          onConflict={() => {
            setChosen(null);
            setNotice(t('mobile.task.conflict'));
            void q.refetch();
          }}
        />
      )}
      {d.timeline.length > 0 && (
        <section className="m-card">
          <h2>{t('mobile.task.timeline')}</h2>
          <CaseTimeline timeline={d.timeline} />
        </section>
      )}
    </div>
  );
}

const actionName = (t: TFunction, action: string) =>
  t(`mobile.action.${action}`, { defaultValue: t(`case.action.${action}`, { defaultValue: action }) });

// --- the action form: one field component per required field ---------------------------------------

/** What an action sends besides its version and photos (the outbox keeps the same). */
interface ActionInput {
  reason?: string;
  note?: string;
  extension?: { amount: number; unit: TimeUnit };
}

interface PhoneValues {
  reason: string;
  note: string;
  photos: Blob[];
  extension: { amount: number | null; unit: TimeUnit };
}

interface FieldProps {
  action: AvailableAction;
  values: PhoneValues;
  set: (patch: Partial<PhoneValues>) => void;
  required: boolean;
  /** The message to show under the field (missing, or the server's refusal of it). */
  error: string | null;
}

interface PhoneField {
  Field: (props: FieldProps) => ReactNode;
  /** Whether the value is missing, for a required field. */
  missing: (v: PhoneValues) => boolean;
  /** The locale key of the "missing" message. */
  missingKey: string;
  /** What goes into the request (photos are uploaded and added by the outbox). */
  body: (v: PhoneValues) => ActionInput;
}

/**
 * Every field an action may require (`RequiredField`), and how the phone asks for it: a
 * component, `form` (the form sends it itself: the case version) or `desktop` (a centre's choice
 * the phone does not offer — an action needing one is left to the desktop). Keyed by the union, so
 * a field added to the workflow does not build until the phone says what to do with it.
 */
const PHONE_FIELDS: Readonly<Record<RequiredField, PhoneField | 'form' | 'desktop'>> = {
  version: 'form',
  extension: {
    Field: ExtensionField,
    missing: (v) => !v.extension.amount || v.extension.amount <= 0,
    missingKey: 'mobile.task.extensionRequired',
    body: (v) => ({ extension: { amount: v.extension.amount ?? 0, unit: v.extension.unit } }),
  },
  photos: {
    Field: PhotosField,
    missing: (v) => v.photos.length === 0,
    missingKey: 'mobile.task.photosRequired',
    body: () => ({}),
  },
  reason: {
    Field: ReasonField,
    missing: (v) => v.reason.trim() === '',
    missingKey: 'mobile.task.reasonRequired',
    body: (v) => ({ reason: v.reason.trim() }),
  },
  note: {
    Field: NoteField,
    missing: (v) => v.note.trim() === '',
    missingKey: 'mobile.task.noteRequired',
    body: (v) => (v.note.trim() ? { note: v.note.trim() } : {}),
  },
  unitId: 'desktop',
  matterType: 'desktop',
  filingConditionId: 'desktop',
  targetCaseId: 'desktop',
  rating: 'desktop',
};

/**
 * Fields the phone offers on every action besides those the server requires or offers
 * (`fields`, `optional`): the text of what was done or seen (sent as `note`, the field the
 * desktop's dialogs send), so whatever a field worker does carries their words.
 */
const ALWAYS_OFFERED: readonly RequiredField[] = ['note'];

/** Whether the phone can take the action: every field it needs has a phone component. */
function onPhone(a: AvailableAction): boolean {
  return a.fields.every((f) => PHONE_FIELDS[f] !== 'desktop');
}

function ActionForm({
  action,
  onCancel,
  onSubmit,
  onConflict,
}: {
  action: AvailableAction;
  onCancel: () => void;
  onSubmit: (v: { body: ActionInput; photos: Blob[] }) => Promise<void>;
  onConflict: () => void;
}) {
  const { t } = useTranslation();
  const [values, setValues] = useState<PhoneValues>({
    // An earlier step's words, when the transition table says the form starts with them.
    reason: action.prefill?.reason ?? '',
    note: action.prefill?.note ?? '',
    photos: [],
    extension: { amount: null, unit: EXTENSION_UNITS[0] },
  });
  const [busy, setBusy] = useState(false);
  const [tried, setTried] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [serverErrors, setServerErrors] = useState<Partial<Record<RequiredField, string>>>({});
  const required = new Set(action.fields);
  const offered = new Set<RequiredField>([...action.fields, ...action.optional, ...ALWAYS_OFFERED]);
  const shown = (Object.entries(PHONE_FIELDS) as [RequiredField, PhoneField | 'form' | 'desktop'][]).filter(
    (e): e is [RequiredField, PhoneField] => typeof e[1] === 'object' && offered.has(e[0]),
  );
  const missing = shown.filter(([name, f]) => required.has(name) && f.missing(values));
  const set = (patch: Partial<PhoneValues>) => setValues((v) => ({ ...v, ...patch }));

  const submit = async () => {
    setTried(true);
    setError(null);
    setServerErrors({});
    if (missing.length > 0) return;
    setBusy(true);
    try {
      const body: ActionInput = {};
      for (const [, f] of shown) Object.assign(body, f.body(values));
      await onSubmit({ body, photos: required.has('photos') ? values.photos : [] });
    } catch (e) {
      if (e instanceof ApiError && e.status === 409) {
        onConflict();
        return;
      }
      setError(e instanceof Error ? e.message : String(e));
      if (e instanceof ApiError) {
        const placed: Partial<Record<RequiredField, string>> = {};
        for (const detail of e.details) {
          const f = detailField(detail) as RequiredField | null;
          if (f && shown.some(([name]) => name === f)) placed[f] = detail.message ?? e.message;
        }
        setServerErrors(placed);
      }
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="m-card" data-testid="m-action-form" data-action={action.action}>
      <h2>{actionName(t, action.action)}</h2>
      {error && (
        <Alert
          type="error"
          showIcon
          title={error}
          style={{ marginBottom: 12 }}
          data-testid="m-action-error"
        />
      )}
      {shown.map(([name, { Field, missing: isMissing, missingKey }]) => (
        <Field
          key={name}
          action={action}
          values={values}
          set={set}
          required={required.has(name)}
          error={
            serverErrors[name] ?? (tried && required.has(name) && isMissing(values) ? t(missingKey) : null)
          }
        />
      ))}
      <div className="m-actions">
        <Button
          type="primary"
          size="large"
          className="m-big"
          loading={busy}
          onClick={() => void submit()}
          data-testid="m-action-submit"
        >
          {t('mobile.task.submit')}
        </Button>
        <Button size="large" className="m-big" onClick={onCancel} disabled={busy}>
          {t('mobile.cancel')}
        </Button>
      </div>
    </section>
  );
}

function Label({ text, required }: { text: string; required: boolean }) {
  return (
    <div className="m-label">
      {text}
      {required && <span className="m-req">*</span>}
    </div>
  );
}

function PhotosField({ values, set, required, error }: FieldProps) {
  const { t } = useTranslation();
  return (
    <div className="m-field" data-testid="m-field-photos">
      <Label text={t('mobile.task.photosLabel')} required={required} />
      <PhotoCapture value={values.photos} onChange={(photos) => set({ photos })} />
      {error && <div className="m-error">{error}</div>}
    </div>
  );
}

function ReasonField({ action, values, set, required, error }: FieldProps) {
  const { t } = useTranslation();
  return (
    <div className="m-field" data-testid="m-field-reason">
      <Label
        text={t(`mobile.reasonFor.${action.action}`, {
          defaultValue: t(`case.reasonFor.${action.action}`, { defaultValue: t('mobile.task.reason') }),
        })}
        required={required}
      />
      <Input.TextArea
        value={values.reason}
        onChange={(e) => set({ reason: e.target.value })}
        autoSize={{ minRows: 2, maxRows: 5 }}
        maxLength={1000}
        data-testid="m-action-reason"
      />
      {error && <div className="m-error">{error}</div>}
    </div>
  );
}

function NoteField({ action, values, set, required, error }: FieldProps) {
  const { t } = useTranslation();
  return (
    <div className="m-field" data-testid="m-field-note">
      <Label
        text={t(`mobile.noteFor.${action.action}`, { defaultValue: t('mobile.task.note') })}
        required={required}
      />
      <Input.TextArea
        value={values.note}
        onChange={(e) => set({ note: e.target.value })}
        autoSize={{ minRows: 2, maxRows: 5 }}
        maxLength={2000}
        placeholder={t(`mobile.notePlaceholder.${action.action}`, { defaultValue: '' })}
        data-testid="m-action-note"
      />
      {error && <div className="m-error">{error}</div>}
    </div>
  );
}

function ExtensionField({ values, set, required, error }: FieldProps) {
  const { t } = useTranslation();
  return (
    <div className="m-field" data-testid="m-field-extension">
      <Label text={t('mobile.task.extension')} required={required} />
      <div className="m-coords">
        <InputNumber
          value={values.extension.amount}
          onChange={(v) =>
            set({ extension: { ...values.extension, amount: typeof v === 'number' ? v : null } })
          }
          min={0.5}
          max={1000}
          step={1}
          size="large"
          inputMode="decimal"
          style={{ width: '100%' }}
          placeholder={t('mobile.task.extensionAmount')}
          data-testid="m-extension-amount"
        />
        <Select<TimeUnit>
          value={values.extension.unit}
          onChange={(unit) => set({ extension: { ...values.extension, unit } })}
          size="large"
          options={EXTENSION_UNITS.map((u) => ({ value: u, label: timeUnitLabel(t, u) }))}
          data-testid="m-extension-unit"
        />
      </div>
      {error && <div className="m-error">{error}</div>}
    </div>
  );
}
