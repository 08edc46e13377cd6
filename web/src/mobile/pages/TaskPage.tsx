import { ArrowLeftOutlined, DesktopOutlined, EnvironmentOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Alert, Button, Input, Result, Spin, Tag } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import { DANGER_ACTIONS, SIDE_ACTIONS } from '../../../../common/workflow.ts';
import { formatChina } from '../../components/china-time';
import { timelineActor } from '../../components/wording';
import { type AvailableAction, type CaseDetail, cachedGet, photosOfStep } from '../api';
import { useMobile } from '../MobileApp';
import { addAction, listItems } from '../outbox';
import {
  DueText,
  INSPECTOR_ACTIONS,
  LightDot,
  locationText,
  PhotoCapture,
  StateTag,
  Thumb,
  taskKindOf,
} from '../parts';

/** A task: the case in short, its photos and place, and the inspector's actions with photos and reason. */
export function TaskPage() {
  const { id = '' } = useParams();
  const { t } = useTranslation();
  const navigate = useNavigate();
  const { me, items, syncNow } = useMobile();
  const q = useQuery({
    queryKey: ['mobile', 'data', 'case', me.user.id, id],
    queryFn: () => cachedGet<CaseDetail>(me.user.id, `/api/cases/${id}`),
  });
  const [chosen, setChosen] = useState<AvailableAction | null>(null);
  const [outcome, setOutcome] = useState<'sent' | 'queued' | null>(null);

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
  const actions = d.actions.filter((a) => (INSPECTOR_ACTIONS as readonly string[]).includes(a.action));
  const photos = [...new Set([...d.reports.flatMap((r) => r.photos), ...d.timeline.flatMap(photosOfStep)])];
  const kind = taskKindOf(c.state);

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
          onClick={() => void navigate('/m/')}
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
          {kind && <Tag color="purple">{t(`mobile.taskKind.${kind}`)}</Tag>}
          <StateTag state={c.state} />
        </div>
        <p className="m-desc" data-testid="m-task-desc">
          {c.description}
        </p>
        <div className="m-row">
          <DueText c={c} />
        </div>
        <div className="m-row m-muted">
          <EnvironmentOutlined /> <span data-testid="m-task-location">{locationText(c, t)}</span>
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
          <div className="m-photos">
            {photos.map((p) => (
              <Thumb key={p} id={p} />
            ))}
          </div>
        </section>
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
                onClick={() => setChosen(a)}
                data-testid={`m-action-${a.action}`}
              >
                {t(`mobile.action.${a.action}`)}
              </Button>
            ))}
          </div>
        </section>
      )}
      {mine.length === 0 && actions.length === 0 && (
        <div className="m-muted m-pad">{t('mobile.task.noActions')}</div>
      )}
      {chosen && (
        <ActionForm
          action={chosen}
          detail={d}
          onCancel={() => setChosen(null)}
          onDone={async (photos, reason, note) => {
            await addAction(
              me.user.id,
              { caseId: c.id, caseCode: c.code, action: chosen.action, version: c.version, reason, note },
              photos,
            );
            await syncNow();
            const left = (await listItems(me.user.id)).filter(
              (i) => i.kind === 'action' && i.caseId === c.id,
            );
            if (left.length === 0) setOutcome('sent');
            else if (left.every((i) => i.status === 'pending')) setOutcome('queued');
            setChosen(null);
          }}
        />
      )}
      {d.timeline.length > 0 && (
        <section className="m-card">
          <h2>{t('mobile.task.timeline')}</h2>
          <ol className="m-timeline">
            {d.timeline.slice(-8).map((e) => (
              <li key={e.id}>
                <span className="m-muted">{formatChina(e.at, 'MM-DD HH:mm')}</span>{' '}
                {t(`case.action.${e.action.replace(/^case\./, '')}`, {
                  defaultValue: t(`case.event.${e.action.replace(/^case\./, '')}`, {
                    defaultValue: e.action,
                  }),
                })}
                <span data-testid="m-timeline-actor"> · {timelineActor(t, e)}</span>
                {e.reason ? <div className="m-muted">{e.reason}</div> : null}
              </li>
            ))}
          </ol>
        </section>
      )}
    </div>
  );
}

function ActionForm({
  action,
  onCancel,
  onDone,
}: {
  action: AvailableAction;
  detail: CaseDetail;
  onCancel: () => void;
  onDone: (photos: Blob[], reason?: string, note?: string) => Promise<void>;
}) {
  const { t } = useTranslation();
  const [photos, setPhotos] = useState<Blob[]>([]);
  const [reason, setReason] = useState('');
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [tried, setTried] = useState(false);
  const needPhotos = action.fields.includes('photos');
  const needReason = action.fields.includes('reason');
  const missingPhotos = needPhotos && photos.length === 0;
  const missingReason = needReason && reason.trim().length === 0;
  const submit = async () => {
    setTried(true);
    if (missingPhotos || missingReason) return;
    setBusy(true);
    try {
      await onDone(photos, needReason ? reason.trim() : undefined, note.trim() || undefined);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section className="m-card" data-testid="m-action-form" data-action={action.action}>
      <h2>{t(`mobile.action.${action.action}`)}</h2>
      <div className="m-field">
        <div className="m-label">
          {t('mobile.task.photosLabel')}
          {needPhotos && <span className="m-req">*</span>}
        </div>
        <PhotoCapture value={photos} onChange={setPhotos} />
        {tried && missingPhotos && <div className="m-error">{t('mobile.task.photosRequired')}</div>}
      </div>
      {needReason && (
        <div className="m-field">
          <div className="m-label">
            {t('mobile.task.reason')}
            <span className="m-req">*</span>
          </div>
          <Input.TextArea
            value={reason}
            onChange={(e) => setReason(e.target.value)}
            autoSize={{ minRows: 2, maxRows: 5 }}
            maxLength={1000}
            data-testid="m-action-reason"
          />
          {tried && missingReason && <div className="m-error">{t('mobile.task.reasonRequired')}</div>}
        </div>
      )}
      <div className="m-field">
        <div className="m-label">{t('mobile.task.note')}</div>
        <Input.TextArea
          value={note}
          onChange={(e) => setNote(e.target.value)}
          autoSize={{ minRows: 1, maxRows: 4 }}
          maxLength={2000}
          data-testid="m-action-note"
        />
      </div>
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
