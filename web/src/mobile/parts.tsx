/** Small pieces the mobile pages share: lights, state tags, countdowns, photos. */
import { CameraOutlined, CloseOutlined } from '@ant-design/icons';
import { Tag } from 'antd';
import { useEffect, useMemo, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { formatChina } from '../components/china-time';
import type { CaseSummary, Light } from './api';

/** The actions an inspector takes from the mobile app. */
export const INSPECTOR_ACTIONS = [
  'verify_confirm',
  'verify_deny',
  'self_dispose',
  'check_pass',
  'check_fail',
] as const;

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

/** What the inspector is asked to do on a case in this state. */
export function taskKindOf(state: string): 'verify' | 'check' | 'report' | null {
  if (state === 'verifying') return 'verify';
  if (state === 'checking') return 'check';
  if (state === 'reported') return 'report';
  return null;
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

export function Thumb({ id }: { id: string }) {
  return (
    <a href={`/api/photos/${id}`} target="_blank" rel="noreferrer" className="m-thumb" data-testid="m-photo">
      <img src={`/api/photos/${id}/thumb`} alt="" loading="lazy" />
    </a>
  );
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
