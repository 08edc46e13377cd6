/** Small pieces the mobile pages share: lights, state tags, countdowns, photos, places, history. */
import { CameraOutlined, CloseOutlined, CompassOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Tag } from 'antd';
import { useEffect, useMemo, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { formatChina } from '../components/china-time';
import { timelineActor, timelineFiling } from '../components/wording';
import { type CaseSummary, fetchMatterTypes, type Light, matterTypesKey, type TimelineEntry } from './api';
import { distanceM, distanceParts, type FieldWork, geoUri, type LabelledPhoto, type Point } from './field';

export function LightDot({ light }: { light: Light | null }) {
  const { t } = useTranslation();
  if (!light) return null;
  return (
    <span
      className={`m-light m-light-${light}`}
      title={t(`mobile.light.${light}`)}
      role="img"
      aria-label={t(`mobile.light.${light}`)}
      data-testid="m-light"
      data-light={light}
    />
  );
}

const STATE_COLOURS: Record<string, string> = {
  reported: 'blue',
  verifying: 'geekblue',
  checking: 'purple',
  pending_filing: 'cyan',
  self_disposed: 'green',
  check_failed: 'red',
  pending_close: 'green',
  closed: 'default',
  rejected: 'default',
  voided: 'default',
  merged: 'default',
};

export function StateTag({ state }: { state: string }) {
  const { t } = useTranslation();
  return (
    <Tag
      color={STATE_COLOURS[state] ?? 'orange'}
      data-testid="m-state"
      data-state={state}
      style={{ marginInlineEnd: 0 }}
    >
      {t(`mobile.state.${state}`, { defaultValue: t(`case.state.${state}`, { defaultValue: state }) })}
    </Tag>
  );
}

const WORK_COLOURS: Record<FieldWork['kind'], string> = {
  verify: 'geekblue',
  check: 'purple',
  dispose: 'orange',
  report: 'blue',
};

/** What the caller is asked to do on the case (核实 / 核查 / 处置 / own report). */
export function WorkTag({ work }: { work: FieldWork | null }) {
  const { t } = useTranslation();
  if (!work) return null;
  return (
    <Tag color={WORK_COLOURS[work.kind]} data-testid="m-task-kind" data-kind={work.kind}>
      {t(`mobile.taskKind.${work.kind}`)}
    </Tag>
  );
}

/** Matter type names by code, from the list kept for offline use. */
export function useMatterNames(userId: string): ReadonlyMap<string, string> {
  const types = useQuery({
    queryKey: matterTypesKey(userId),
    queryFn: () => fetchMatterTypes(userId),
    staleTime: 3600_000,
  });
  return useMemo(() => new Map((types.data?.data.items ?? []).map((ty) => [ty.code, ty.name])), [types.data]);
}

/** The case's matter type: its name (and code), or "not classified yet". */
export function MatterText({ code, names }: { code: string | null; names: ReadonlyMap<string, string> }) {
  const { t } = useTranslation();
  return (
    <span className="m-matter" data-testid="m-matter" data-code={code ?? ''}>
      {code ? `${names.get(code) ?? t('mobile.matterUnknown')} (${code})` : t('mobile.matterNone')}
    </span>
  );
}

/** How far the case is from the phone, when the phone's position is known. */
export function DistanceText({ from, to }: { from: Point | null; to: Point }) {
  const { t } = useTranslation();
  if (!from) return null;
  const d = distanceParts(distanceM(from, to));
  return (
    <span className="m-distance" data-testid="m-distance">
      {t(`mobile.distance.${d.unit}`, { value: d.value })}
    </span>
  );
}

/** Opens the phone's map or navigation app on the point (a `geo:` URI). */
export function NavigateLink({ to, label }: { to: Point; label?: string }) {
  const { t } = useTranslation();
  return (
    <a href={geoUri(to, label)} className="m-nav-link" data-testid="m-navigate">
      <CompassOutlined /> {t('mobile.navigate')}
    </a>
  );
}

function span(ms: number, t: (k: string, o?: Record<string, unknown>) => string): string {
  const m = Math.max(1, Math.round(Math.abs(ms) / 60_000));
  const d = Math.floor(m / 1440);
  const h = Math.floor((m % 1440) / 60);
  if (d > 0) return t('mobile.span.dh', { d, h });
  if (h > 0) return t('mobile.span.hm', { h, m: m % 60 });
  return t('mobile.span.m', { m });
}

export function DueText({
  c,
  now = Date.now(),
}: {
  c: Pick<CaseSummary, 'currentDueAt' | 'light'>;
  now?: number;
}) {
  const { t } = useTranslation();
  if (!c.currentDueAt) return null;
  const left = new Date(c.currentDueAt).getTime() - now;
  return (
    <span className={`m-due m-due-${c.light ?? 'none'}`} data-testid="m-due">
      {left >= 0
        ? t('mobile.due.left', { time: span(left, t) })
        : t('mobile.due.over', { time: span(left, t) })}
      <span className="m-due-at"> · {formatChina(c.currentDueAt, 'MM-DD HH:mm')}</span>
    </span>
  );
}

export function locationText(
  c: Pick<CaseSummary, 'address' | 'gridId' | 'location'>,
  t: (k: string, o?: Record<string, unknown>) => string,
) {
  const coords = `${c.location.lng.toFixed(6)}, ${c.location.lat.toFixed(6)}`;
  return [c.address, t('mobile.gridLabel', { id: c.gridId }), coords].filter(Boolean).join(' · ');
}

export function Thumb({ id, label, kind }: { id: string; label?: string; kind?: string | null }) {
  return (
    <a
      href={`/api/photos/${id}`}
      target="_blank"
      rel="noreferrer"
      className="m-thumb"
      data-testid="m-photo"
      data-kind={kind ?? ''}
    >
      <img src={`/api/photos/${id}/thumb`} alt={label ?? ''} loading="lazy" />
      {label && (
        <span className={`m-thumb-label m-thumb-label-${kind ?? 'other'}`} data-testid="m-photo-label">
          {label}
        </span>
      )}
    </a>
  );
}

/** A case's photos, each labelled with the step it documents (上报 / 核实 / 处置 / 核查). */
export function LabelledPhotos({ photos }: { photos: readonly LabelledPhoto[] }) {
  const { t } = useTranslation();
  if (photos.length === 0) return null;
  return (
    <div className="m-photos" data-testid="m-photos">
      {photos.map((p) => (
        <Thumb
          key={p.id}
          id={p.id}
          kind={p.kind}
          label={p.kind ? t(`mobile.photoKind.${p.kind}`) : t('mobile.photoKind.other')}
        />
      ))}
    </div>
  );
}

/** The case's history, newest last (the last `max` steps). */
export function CaseTimeline({ timeline, max = 12 }: { timeline: readonly TimelineEntry[]; max?: number }) {
  const { t } = useTranslation();
  if (timeline.length === 0) return null;
  return (
    <ol className="m-timeline" data-testid="m-timeline">
      {timeline.slice(-max).map((e) => {
        const action = e.action.replace(/^case\./, '');
        const filing = timelineFiling(t, e.after);
        return (
          <li key={e.id} data-testid="m-timeline-step" data-action={action}>
            <span className="m-muted">{formatChina(e.at, 'MM-DD HH:mm')}</span>{' '}
            {t(`case.action.${action}`, {
              defaultValue: t(`case.event.${action}`, { defaultValue: e.action }),
            })}
            <span data-testid="m-timeline-actor"> · {timelineActor(t, e)}</span>
            {e.reason ? <div className="m-muted">{e.reason}</div> : null}
            {filing ? (
              <div className="m-muted" data-testid="m-timeline-filing">
                {filing.label}
                {filing.text}
                {filing.urgent ? <span className="m-urgent"> · {filing.urgent}</span> : null}
              </div>
            ) : null}
            {noteOf(e) ? <div className="m-muted m-note">{noteOf(e)}</div> : null}
          </li>
        );
      })}
    </ol>
  );
}

/** The note an action carried (kept in the event's `after.input`), e.g. what a unit did. */
function noteOf(e: TimelineEntry): string | null {
  const input = e.after?.input;
  const note = input && typeof input === 'object' ? (input as { note?: unknown }).note : undefined;
  return typeof note === 'string' && note.trim() ? note : null;
}

/** Shrinks big camera photos (over 2 MB) to a 2048 px JPEG before they are kept and sent. */
export async function shrinkPhoto(file: File): Promise<Blob> {
  if (file.size <= 2 * 1024 * 1024 || typeof createImageBitmap !== 'function') return file;
  try {
    const bmp = await createImageBitmap(file);
    const scale = Math.min(1, 2048 / Math.max(bmp.width, bmp.height));
    const canvas = document.createElement('canvas');
    canvas.width = Math.round(bmp.width * scale);
    canvas.height = Math.round(bmp.height * scale);
    canvas.getContext('2d')?.drawImage(bmp, 0, 0, canvas.width, canvas.height);
    bmp.close();
    const blob = await new Promise<Blob | null>((r) => canvas.toBlob(r, 'image/jpeg', 0.85));
    return blob && blob.size < file.size ? blob : file;
  } catch {
    return file;
  }
}

/** Camera capture (`capture="environment"`) with previews; up to `max` photos. */
export function PhotoCapture({
  value,
  onChange,
  max = 9,
  testId = 'm-photo-input',
}: {
  value: Blob[];
  onChange: (v: Blob[]) => void;
  max?: number;
  testId?: string;
}) {
  const { t } = useTranslation();
  const input = useRef<HTMLInputElement>(null);
  const urls = useMemo(() => value.map((b) => URL.createObjectURL(b)), [value]);
  useEffect(
    () => () => {
      for (const u of urls) URL.revokeObjectURL(u);
    },
    [urls],
  );
  const onFiles = async (files: FileList | null) => {
    if (!files?.length) return;
    const picked = await Promise.all([...files].filter((f) => f.type.startsWith('image/')).map(shrinkPhoto));
    onChange([...value, ...picked].slice(0, max));
    if (input.current) input.current.value = '';
  };
  return (
    <div className="m-photos">
      {urls.map((u, i) => (
        <div key={u} className="m-thumb m-thumb-local" data-testid="m-photo-preview">
          <img src={u} alt="" />
          <button
            type="button"
            className="m-thumb-remove"
            aria-label={t('mobile.photo.remove')}
            onClick={() => onChange(value.filter((_, j) => j !== i))}
          >
            <CloseOutlined />
          </button>
        </div>
      ))}
      {value.length < max && (
        <label className="m-thumb m-photo-add">
          <CameraOutlined style={{ fontSize: 24 }} />
          <span>{t('mobile.photo.take')}</span>
          <input
            ref={input}
            type="file"
            accept="image/*"
            capture="environment"
            multiple
            data-testid={testId}
            onChange={(e) => void onFiles(e.target.files)}
          />
        </label>
      )}
    </div>
  );
}
