/**
 * 查询进度: the tracking code (typed, or from this phone's list) opens the report's public view —
 * its status and steps, the citizen's own words, place and photos; once resolved, the photos of the
 * result and the satisfaction rating (once). Nothing about who handled it.
 */
import { RightOutlined } from '@ant-design/icons';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Input, Spin } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import { ApiError } from '../../api/client';
import { formatChina } from '../../components/china-time';
import { CityMap } from '../../components/map/CityMap';
import { portalApi, type RatingResult, type TrackView } from '../api';
import { savedCodes } from '../codes';
import { PhotoStrip, PublicTimeline, StatusTag } from '../parts';

/** What people type for a code: spaces and dashes from a receipt dropped, case ignored. */
const cleanCode = (raw: string) => raw.replace(/[\s-]/g, '').toUpperCase();

export function TrackPage() {
  const { t } = useTranslation();
  const { code } = useParams();
  return (
    <div data-testid="p-track">
      <div className="p-page-head">
        <h1>{t('portal.track.title')}</h1>
      </div>
      <CodeForm initial={code ?? ''} />
      {code ? <Tracked code={cleanCode(code)} /> : <Mine />}
    </div>
  );
}

function CodeForm({ initial }: { initial: string }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [value, setValue] = useState(initial);
  const [tried, setTried] = useState(false);
  const code = cleanCode(value);
  const valid = /^[0-9A-Z]{12}$/.test(code);
  return (
    <form
      className="p-card p-code-form"
      onSubmit={(e) => {
        e.preventDefault();
        setTried(true);
        if (valid) void navigate(`/public/track/${code}`);
      }}
    >
      <label className="p-label" htmlFor="p-code-input">
        {t('portal.track.codeLabel')}
      </label>
      <div className="p-code-row">
        <Input
          id="p-code-input"
          value={value}
          onChange={(e) => setValue(e.target.value)}
          placeholder={t('portal.track.codePlaceholder')}
          maxLength={20}
          autoCapitalize="characters"
          autoComplete="off"
          spellCheck={false}
          aria-invalid={tried && !valid}
          className="p-code-input"
          data-testid="p-code-input"
        />
        <Button type="primary" htmlType="submit" data-testid="p-code-submit">
          {t('portal.track.search')}
        </Button>
      </div>
      {tried && !valid && (
        <p className="p-error" role="alert">
          {t('portal.track.codeInvalid')}
        </p>
      )}
    </form>
  );
}

function Mine() {
  const { t } = useTranslation();
  const mine = savedCodes();
  if (mine.length === 0) return <p className="p-muted p-pad">{t('portal.track.noneSaved')}</p>;
  return (
    <section className="p-card" data-testid="p-track-mine">
      <h2>{t('portal.mine.title')}</h2>
      <ul className="p-list">
        {mine.map((c) => (
          <li key={c.code}>
            <Link to={`/public/track/${c.code}`} className="p-item" data-testid="p-mine-item">
              <span className="p-code">{c.code}</span>
              <span className="p-item-title">{c.title}</span>
              <span className="p-muted">{formatChina(c.at, 'YYYY-MM-DD HH:mm')}</span>
              <RightOutlined className="p-chevron" />
            </Link>
          </li>
        ))}
      </ul>
    </section>
  );
}

function Tracked({ code }: { code: string }) {
  const { t } = useTranslation();
  const view = useQuery({
    queryKey: ['portal', 'track', code],
    queryFn: () => portalApi.track(code),
    retry: false,
    staleTime: 0,
  });
  if (view.isPending) {
    return (
      <div className="p-center">
        <Spin />
      </div>
    );
  }
  if (view.error) {
    const e = view.error;
    return (
      <Alert
        type={e instanceof ApiError && e.status === 404 ? 'warning' : 'error'}
        showIcon
        className="p-alert"
        role="alert"
        data-testid="p-track-error"
        title={
          e instanceof ApiError && e.status === 404
            ? t('portal.track.notFound')
            : e instanceof ApiError && e.status === 0
              ? t('portal.report.networkError')
              : e.message
        }
      />
    );
  }
  return <Report view={view.data} />;
}

function Report({ view }: { view: TrackView }) {
  const { t } = useTranslation();
  return (
    <div data-testid="p-track-view" data-status={view.status} data-code={view.trackingCode}>
      <section className="p-card">
        <div className="p-track-head">
          <span className="p-code" data-testid="p-track-code">
            {view.trackingCode}
          </span>
          <StatusTag status={view.status} />
        </div>
        <p className="p-status-text" data-testid="p-status-text">
          {t(`portal.status.${view.status}`)}
        </p>
        {view.merged && <p className="p-note">{t('portal.track.merged')}</p>}
        <dl className="p-summary">
          <dt>{t('portal.track.sentAt')}</dt>
          <dd>{formatChina(view.createdAt, 'YYYY-MM-DD HH:mm')}</dd>
          {view.closedAt && (
            <>
              <dt>{t('portal.track.closedAt')}</dt>
              <dd>{formatChina(view.closedAt, 'YYYY-MM-DD HH:mm')}</dd>
            </>
          )}
          <dt>{t('portal.type.title')}</dt>
          <dd data-testid="p-track-type">{view.matterType?.name ?? t('portal.summary.noType')}</dd>
        </dl>
      </section>

      {view.status === 'resolved' && (
        <section className="p-card" data-testid="p-result">
          <h2>{t('portal.track.result')}</h2>
          {view.afterPhotos.length > 0 ? (
            <PhotoStrip
              code={view.trackingCode}
              ids={view.afterPhotos}
              label={t('portal.track.afterPhoto')}
              testId="p-after-photos"
            />
          ) : (
            <p className="p-muted">{t('portal.track.noAfterPhoto')}</p>
          )}
          <Rating view={view} />
        </section>
      )}

      <section className="p-card">
        <h2>{t('portal.track.progress')}</h2>
        <PublicTimeline steps={view.timeline} />
      </section>

      <section className="p-card">
        <h2>{t('portal.track.yourReport')}</h2>
        <p className="p-summary-text" data-testid="p-track-description">
          {view.description}
        </p>
        {view.address && (
          <p className="p-muted" data-testid="p-track-address">
            {view.address}
          </p>
        )}
        <PhotoStrip
          code={view.trackingCode}
          ids={view.photos}
          label={t('portal.track.ownPhoto')}
          testId="p-own-photos"
        />
        <CityMap audience="public" marker={view.location} height={180} zoom={16} testId="p-track-map" />
      </section>
    </div>
  );
}

const RATINGS: RatingResult[] = ['satisfied', 'basically_satisfied', 'dissatisfied'];

function Rating({ view }: { view: TrackView }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [choice, setChoice] = useState<RatingResult | null>(null);
  const [note, setNote] = useState('');
  const [sending, setSending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  if (view.rating) {
    return (
      <div className="p-rated" data-testid="p-rated" data-result={view.rating.result}>
        {t('portal.rating.yours', { result: t(`portal.rating.${view.rating.result}`) })}
        <span className="p-muted"> · {formatChina(view.rating.at, 'YYYY-MM-DD HH:mm')}</span>
      </div>
    );
  }
  if (!view.canRate) return null;
  const send = async () => {
    if (!choice) {
      setError(t('portal.rating.choose'));
      return;
    }
    setSending(true);
    setError(null);
    try {
      const updated = await portalApi.rate(view.trackingCode, choice, note.trim() || undefined);
      qc.setQueryData(['portal', 'track', view.trackingCode], updated);
    } catch (e) {
      setError(e instanceof ApiError && e.status !== 0 ? e.message : t('portal.report.networkError'));
    } finally {
      setSending(false);
    }
  };
  return (
    <fieldset className="p-rating" data-testid="p-rating">
      <legend>{t('portal.rating.title')}</legend>
      <div className="p-rating-choices">
        {RATINGS.map((r) => (
          <label
            key={r}
            className={`p-rating-choice p-rating-${r} ${choice === r ? 'active' : ''}`}
            data-testid="p-rating-choice"
            data-result={r}
          >
            <input
              type="radio"
              name="p-rating"
              value={r}
              checked={choice === r}
              onChange={() => {
                setChoice(r);
                // The "choose one" message is answered by choosing: it goes with the choice.
                setError(null);
              }}
            />
            <span>{t(`portal.rating.${r}`)}</span>
          </label>
        ))}
      </div>
      <Input.TextArea
        value={note}
        onChange={(e) => setNote(e.target.value)}
        maxLength={500}
        autoSize={{ minRows: 2, maxRows: 5 }}
        placeholder={t('portal.rating.notePlaceholder')}
        aria-label={t('portal.rating.note')}
        data-testid="p-rating-note"
      />
      {error && (
        <p className="p-error" role="alert" data-testid="p-rating-error">
          {error}
        </p>
      )}
      <Button type="primary" loading={sending} onClick={() => void send()} data-testid="p-rating-submit">
        {t('portal.rating.submit')}
      </Button>
    </fieldset>
  );
}
