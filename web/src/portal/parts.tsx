/** Pieces of the portal's pages: photo taking, the type browser, the public steps, a photo strip. */
import { CameraOutlined, CloseOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Drawer, Input, Tag } from 'antd';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { PUBLIC_STATUS_LABELS, type PublicStatus, type PublicStep } from '../../../common/public-report.ts';
import { formatChina } from '../components/china-time';
import { type PublicType, photoUrl, portalApi } from './api';
import { type PreparedPhoto, preparePhoto, UnreadablePhoto } from './photos';

/** A random uuid (v4) from the browser's CSPRNG, also on plain http where randomUUID is missing. */
export function newKey(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export const MAX_PHOTOS = 3;

/** Camera capture (or the gallery) with previews: up to three photos, each prepared for sending. */
export function PhotoPicker({
  value,
  onChange,
}: {
  value: PreparedPhoto[];
  onChange: (v: PreparedPhoto[]) => void;
}) {
  const { t } = useTranslation();
  const input = useRef<HTMLInputElement>(null);
  const [busy, setBusy] = useState(false);
  const urls = useMemo(() => value.map((p) => URL.createObjectURL(p.blob)), [value]);
  useEffect(
    () => () => {
      for (const u of urls) URL.revokeObjectURL(u);
    },
    [urls],
  );
  // What was left out of the last pick, and why: said under the photos, never dropped silently.
  const [left, setLeft] = useState<{ notImages: number; unreadable: number; overLimit: number } | null>(null);
  const onFiles = async (files: FileList | null) => {
    if (!files?.length) return;
    setBusy(true);
    try {
      const all = [...files];
      const images = all.filter((f) => f.type.startsWith('image/') || f.type === '');
      const prepared = await Promise.all(
        images.map((f) =>
          preparePhoto(f).catch((e: unknown) => {
            if (e instanceof UnreadablePhoto) return null;
            throw e;
          }),
        ),
      );
      const picked = prepared.filter((p): p is PreparedPhoto => p !== null);
      const room = Math.max(0, MAX_PHOTOS - value.length);
      onChange([...value, ...picked.slice(0, room)]);
      const notImages = all.length - images.length;
      const unreadable = prepared.length - picked.length;
      const overLimit = Math.max(0, picked.length - room);
      setLeft(notImages || unreadable || overLimit ? { notImages, unreadable, overLimit } : null);
    } finally {
      setBusy(false);
      if (input.current) input.current.value = '';
    }
  };
  return (
    <div className="p-photos" data-testid="p-photos" data-count={value.length}>
      {urls.map((u, i) => (
        <div key={u} className="p-thumb" data-testid="p-photo-preview">
          <img src={u} alt={t('portal.photos.preview', { n: i + 1 })} />
          <button
            type="button"
            className="p-thumb-remove"
            aria-label={t('portal.photos.remove', { n: i + 1 })}
            onClick={() => {
              setLeft(null);
              onChange(value.filter((_, j) => j !== i));
            }}
          >
            <CloseOutlined />
          </button>
        </div>
      ))}
      {left && (
        <div className="p-note p-photos-left" role="status" data-testid="p-photo-left">
          {left.notImages > 0 && <div>{t('portal.photos.notImages', { count: left.notImages })}</div>}
          {left.unreadable > 0 && <div>{t('portal.photos.unreadable', { count: left.unreadable })}</div>}
          {left.overLimit > 0 && (
            <div>{t('portal.photos.overLimit', { count: left.overLimit, max: MAX_PHOTOS })}</div>
          )}
        </div>
      )}
      {value.length < MAX_PHOTOS && (
        <label className="p-thumb p-photo-add" aria-busy={busy}>
          <CameraOutlined style={{ fontSize: 26 }} />
          <span>{busy ? t('portal.photos.reading') : t('portal.photos.take')}</span>
          <input
            ref={input}
            type="file"
            accept="image/*"
            capture="environment"
            multiple
            aria-label={t('portal.photos.take')}
            data-testid="p-photo-input"
            onChange={(e) => void onFiles(e.target.files)}
          />
        </label>
      )}
    </div>
  );
}

/** The enabled matter types by major class, with a filter: a drawer from the bottom. */
export function TypeBrowser({
  open,
  onClose,
  onChoose,
}: {
  open: boolean;
  onClose: () => void;
  onChoose: (type: PublicType) => void;
}) {
  const { t } = useTranslation();
  const [filter, setFilter] = useState('');
  const [major, setMajor] = useState<string | null>(null);
  const types = useQuery({
    queryKey: ['portal', 'types'],
    queryFn: portalApi.types,
    staleTime: 3600_000,
    enabled: open,
  });
  const items = types.data?.items ?? [];
  const words = filter.trim();
  const shown = words
    ? items.filter((ty) => ty.name.includes(words))
    : major
      ? items.filter((ty) => ty.majorCode === major)
      : [];
  return (
    <Drawer
      open={open}
      onClose={onClose}
      placement="bottom"
      size="large"
      title={t('portal.type.browseTitle')}
      data-testid="p-type-browser"
      destroyOnHidden
    >
      <Input.Search
        allowClear
        placeholder={t('portal.type.filter')}
        value={filter}
        onChange={(e) => setFilter(e.target.value)}
        aria-label={t('portal.type.filter')}
        data-testid="p-type-filter"
      />
      {!words && (
        <div className="p-majors" role="tablist" aria-label={t('portal.type.majors')}>
          {(types.data?.majors ?? []).map((m) => (
            <button
              type="button"
              role="tab"
              aria-selected={major === m.code}
              key={m.code}
              className={`p-major ${major === m.code ? 'active' : ''}`}
              onClick={() => setMajor(m.code)}
              data-testid="p-type-major"
              data-code={m.code}
            >
              {m.name}
            </button>
          ))}
        </div>
      )}
      <ul className="p-type-list">
        {shown.map((ty) => (
          <li key={ty.code}>
            <button
              type="button"
              className="p-type-item"
              onClick={() => {
                onChoose(ty);
                onClose();
              }}
              data-testid="p-type-item"
              data-code={ty.code}
            >
              {ty.name}
            </button>
          </li>
        ))}
      </ul>
      {(words || major) && shown.length === 0 && types.isSuccess && (
        <p className="p-muted">{t('portal.type.none')}</p>
      )}
      {!words && !major && <p className="p-muted">{t('portal.type.pickMajor')}</p>}
    </Drawer>
  );
}

const STATUS_CLASS: Record<PublicStatus, string> = {
  submitted: 'blue',
  accepted: 'cyan',
  in_progress: 'gold',
  resolved: 'green',
  declined: 'default',
};

export function StatusTag({ status, testId = 'p-status' }: { status: PublicStatus; testId?: string }) {
  const { i18n } = useTranslation();
  return (
    <Tag color={STATUS_CLASS[status]} data-testid={testId} data-status={status} className="p-status">
      {PUBLIC_STATUS_LABELS[status][i18n.language.startsWith('en') ? 'en' : 'zh']}
    </Tag>
  );
}

/** The public steps of a report, oldest first, each with its China time. */
export function PublicTimeline({ steps }: { steps: readonly { at: string; step: PublicStep }[] }) {
  const { t } = useTranslation();
  return (
    <ol className="p-timeline" data-testid="p-timeline">
      {steps.map((s, i) => (
        <li
          key={`${s.step}-${s.at}`}
          data-testid="p-timeline-step"
          data-step={s.step}
          className={i === steps.length - 1 ? 'last' : ''}
        >
          <span className="p-timeline-dot" aria-hidden />
          <div>
            <div className="p-timeline-what">{t(`portal.step.${s.step}`)}</div>
            <div className="p-muted">{formatChina(s.at, 'YYYY-MM-DD HH:mm')}</div>
          </div>
        </li>
      ))}
    </ol>
  );
}

/** Photos served through the tracking code: thumbnails that open the full picture. */
export function PhotoStrip({
  code,
  ids,
  label,
  testId,
}: {
  code: string;
  ids: readonly string[];
  label: string;
  testId: string;
}) {
  if (ids.length === 0) return null;
  return (
    <div className="p-photos" data-testid={testId}>
      {ids.map((id, i) => (
        <a
          key={id}
          href={photoUrl(code, id)}
          target="_blank"
          rel="noreferrer"
          className="p-thumb"
          data-testid={`${testId}-item`}
        >
          <img src={photoUrl(code, id, true)} alt={`${label} ${i + 1}`} loading="lazy" />
        </a>
      ))}
    </div>
  );
}
