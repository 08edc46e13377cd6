/**
 * 我要上报: four short steps on a phone — photos (the camera; where a photo was taken is read on
 * the phone and offered, never taken without asking), the place (the photo's, my location, a tap or
 * drag on the map, or the address search; checked against the managed area at once), the problem
 * (the words, a type suggested from them or browsed by class), an optional phone number — then the
 * tracking code. A retry after a failure sends the same idempotency key, so nothing is sent twice.
 */
import { AimOutlined, CheckCircleFilled, CopyOutlined, PictureOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Alert, Button, Input, Result, Steps, Tag } from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation } from 'react-router';
import { ApiError } from '../../api/client';
import { CityMap } from '../../components/map/CityMap';
import { PlaceSearch } from '../../components/map/PlaceSearch';
import { type PublicPlace, type PublicType, portalApi, type ReportResult } from '../api';
import { saveCode } from '../codes';
import { MAX_PHOTOS, newKey, PhotoPicker, TypeBrowser } from '../parts';
import type { PreparedPhoto } from '../photos';

type Source = 'photo' | 'gps' | 'map' | 'search';
interface Place {
  lng: number;
  lat: number;
  source: Source;
}

/** Digits with an optional +, spaces or dashes between them; 7 to 15 digits (the server's rule). */
const PHONE = /^\+?[0-9][0-9 -]{5,18}[0-9]$/;
const digitsOf = (s: string) => s.replace(/\D/g, '').length;

function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const timer = window.setTimeout(() => setV(value), ms);
    return () => window.clearTimeout(timer);
  }, [value, ms]);
  return v;
}

export function ReportPage() {
  const { t } = useTranslation();
  const location = useLocation();
  const start = (location.state as { at?: { lng: number; lat: number } } | null)?.at;
  const [key, setKey] = useState(newKey);
  const [step, setStep] = useState(0);
  const [photos, setPhotos] = useState<PreparedPhoto[]>([]);
  const [place, setPlace] = useState<Place | null>(start ? { ...start, source: 'map' } : null);
  const [focus, setFocus] = useState(0);
  const [address, setAddress] = useState('');
  const [gps, setGps] = useState<'idle' | 'locating' | 'denied' | 'failed'>('idle');
  const [description, setDescription] = useState('');
  const [type, setType] = useState<PublicType | null>(null);
  const [browsing, setBrowsing] = useState(false);
  const [phone, setPhone] = useState('');
  const [tried, setTried] = useState<Record<number, boolean>>({});
  const [sending, setSending] = useState(false);
  const [sendError, setSendError] = useState<ApiError | null>(null);
  const [done, setDone] = useState<ReportResult | null>(null);

  const photoPlace = photos.find((p) => p.position)?.position ?? null;

  const settled = useDebounced(place, 300);
  const where = useQuery({
    queryKey: ['portal', 'locate', settled?.lng.toFixed(6), settled?.lat.toFixed(6)],
    queryFn: () => portalApi.locate(settled!.lng, settled!.lat),
    enabled: !!settled,
    staleTime: 600_000,
    retry: false,
  });
  // Checked once the point settled and the server answered (a failed check lets the server decide).
  const placeChecked = !!place && settled === place && !where.isFetching && (!!where.data || where.isError);
  const outside = placeChecked && !where.data?.inside;

  const words = useDebounced(description.trim(), 400);
  // The point, when chosen and inside the managed area, rounded so that a small drag asks nothing new.
  const near = placeChecked && !outside && place ? { lng: place.lng, lat: place.lat } : null;
  const nearKey = near ? `${near.lng.toFixed(4)},${near.lat.toFixed(4)}` : '';
  const suggested = useQuery({
    queryKey: ['portal', 'suggest', words, nearKey],
    queryFn: () => portalApi.suggest(words, near),
    enabled: words.length >= 2 && !type,
    staleTime: 600_000,
    retry: false,
  });

  const choose = (p: Place, label?: string) => {
    setPlace(p);
    setFocus((n) => n + 1);
    if (label !== undefined) setAddress(label);
  };

  const locateMe = () => {
    if (!('geolocation' in navigator)) {
      setGps('failed');
      return;
    }
    setGps('locating');
    navigator.geolocation.getCurrentPosition(
      (pos) => {
        setGps('idle');
        choose({ lng: pos.coords.longitude, lat: pos.coords.latitude, source: 'gps' });
      },
      (err) => setGps(err.code === err.PERMISSION_DENIED ? 'denied' : 'failed'),
      { enableHighAccuracy: true, timeout: 20_000, maximumAge: 60_000 },
    );
  };

  const problems: Record<number, string | null> = {
    0: null,
    1: !place ? t('portal.place.required') : outside ? t('portal.place.outside') : null,
    2:
      description.trim().length < 2
        ? t('portal.problem.required')
        : description.length > 1000
          ? t('portal.problem.tooLong')
          : null,
    3:
      phone.trim() && (!PHONE.test(phone.trim()) || digitsOf(phone) < 7 || digitsOf(phone) > 15)
        ? t('portal.contact.phoneInvalid')
        : null,
  };

  const next = () => {
    setTried((x) => ({ ...x, [step]: true }));
    if (problems[step]) return;
    if (step === 1 && !placeChecked) return;
    setStep(step + 1);
    window.scrollTo({ top: 0 });
  };

  const submit = async () => {
    setTried((x) => ({ ...x, 3: true }));
    const first = [1, 2, 3].find((s) => problems[s]);
    if (first !== undefined) {
      setStep(first);
      return;
    }
    setSending(true);
    setSendError(null);
    try {
      const res = await portalApi.report(
        {
          idempotencyKey: key,
          description: description.trim(),
          location: { lng: place!.lng, lat: place!.lat, crs: 'wgs84' },
          ...(address.trim() ? { address: address.trim().slice(0, 200) } : {}),
          ...(type ? { matterCode: type.code } : {}),
          ...(phone.trim() ? { phone: phone.trim() } : {}),
        },
        photos.map((p) => p.blob),
      );
      saveCode({ code: res.trackingCode, at: res.createdAt, title: description.trim().slice(0, 40) });
      setDone(res);
      window.scrollTo({ top: 0 });
    } catch (e) {
      setSendError(e instanceof ApiError ? e : new ApiError(0, 'NETWORK_ERROR', String(e), [], null));
    } finally {
      setSending(false);
    }
  };

  const again = () => {
    setKey(newKey());
    setStep(0);
    setPhotos([]);
    setPlace(null);
    setAddress('');
    setDescription('');
    setType(null);
    setPhone('');
    setTried({});
    setSendError(null);
    setDone(null);
  };

  if (done) return <Done result={done} onAgain={again} />;

  const stepTitles = [
    t('portal.steps.photos'),
    t('portal.steps.place'),
    t('portal.steps.problem'),
    t('portal.steps.contact'),
  ];
  const error = tried[step] ? problems[step] : null;

  return (
    <div data-testid="p-report" data-step={step}>
      <div className="p-page-head">
        <h1>{t('portal.report.title')}</h1>
      </div>
      <Steps
        size="small"
        orientation="horizontal"
        responsive={false}
        current={step}
        className="p-steps"
        items={stepTitles.map((title) => ({ title }))}
      />

      {step === 0 && (
        <section className="p-card" aria-labelledby="p-step-photos">
          <h2 id="p-step-photos">{t('portal.photos.title', { max: MAX_PHOTOS })}</h2>
          <p className="p-muted">{t('portal.photos.hint')}</p>
          <PhotoPicker value={photos} onChange={setPhotos} />
          {photoPlace && (
            <p className="p-note" data-testid="p-photo-has-place">
              <PictureOutlined /> {t('portal.photos.hasPlace')}
            </p>
          )}
        </section>
      )}

      {step === 1 && (
        <section className="p-card" aria-labelledby="p-step-place">
          <h2 id="p-step-place">{t('portal.place.title')}</h2>
          {photoPlace && place?.source !== 'photo' && (
            <Alert
              type="info"
              showIcon
              className="p-alert"
              data-testid="p-photo-place-offer"
              title={t('portal.place.photoOffer')}
              action={
                <Button
                  size="small"
                  type="primary"
                  onClick={() => choose({ ...photoPlace, source: 'photo' })}
                  data-testid="p-use-photo-place"
                >
                  {t('portal.place.usePhoto')}
                </Button>
              }
            />
          )}
          <div className="p-field">
            <label className="p-label" htmlFor="p-place-search">
              {t('portal.place.search')}
            </label>
            <PlaceSearch<PublicPlace>
              search={(q, near) => portalApi.places(q, near)}
              where={(p) =>
                [p.district, p.community].filter(Boolean).join(' · ') +
                (p.inside ? '' : ` · ${t('place.outside')}`)
              }
              near={place}
              placeholder={t('portal.place.searchPlaceholder')}
              testId="p-place-search"
              onChoose={(p) => choose({ lng: p.point.lng, lat: p.point.lat, source: 'search' }, p.name)}
            />
          </div>
          <CityMap
            audience="public"
            marker={place}
            draggable
            onPick={(p) => choose({ ...p, source: 'map' })}
            focusKey={focus}
            height={300}
            zoom={17}
            testId="p-map"
          >
            <Button
              className="p-map-locate"
              icon={<AimOutlined />}
              loading={gps === 'locating'}
              onClick={locateMe}
              data-testid="p-locate-me"
            >
              {t('portal.place.myLocation')}
            </Button>
          </CityMap>
          <p className="p-muted">{t('portal.place.mapHint')}</p>
          {gps === 'denied' && (
            <p className="p-error" role="alert">
              {t('portal.place.gpsDenied')}
            </p>
          )}
          {gps === 'failed' && (
            <p className="p-error" role="alert">
              {t('portal.place.gpsFailed')}
            </p>
          )}
          {place && (
            <div className="p-where" data-testid="p-where" data-inside={placeChecked ? String(!outside) : ''}>
              <Tag>{t(`portal.place.source.${place.source}`)}</Tag>
              {!placeChecked ? (
                <span className="p-muted">{t('portal.place.checking')}</span>
              ) : outside ? (
                <span className="p-error" role="alert">
                  {t('portal.place.outside')}
                </span>
              ) : (
                <span>
                  {[where.data?.district, where.data?.township, where.data?.community]
                    .filter(Boolean)
                    .join(' · ')}
                </span>
              )}
            </div>
          )}
          <div className="p-field">
            <label className="p-label" htmlFor="p-address">
              {t('portal.place.address')}
            </label>
            <Input
              id="p-address"
              value={address}
              maxLength={200}
              onChange={(e) => setAddress(e.target.value)}
              placeholder={t('portal.place.addressPlaceholder')}
              data-testid="p-address"
            />
          </div>
        </section>
      )}

      {step === 2 && (
        <section className="p-card" aria-labelledby="p-step-problem">
          <h2 id="p-step-problem">{t('portal.problem.title')}</h2>
          <div className="p-field">
            <label className="p-label" htmlFor="p-description">
              {t('portal.problem.description')}
              <span className="p-req">*</span>
            </label>
            <Input.TextArea
              id="p-description"
              value={description}
              onChange={(e) => setDescription(e.target.value)}
              autoSize={{ minRows: 4, maxRows: 8 }}
              maxLength={1000}
              showCount
              placeholder={t('portal.problem.placeholder')}
              aria-invalid={!!error}
              data-testid="p-description"
            />
          </div>
          <div className="p-field">
            <div className="p-label">{t('portal.type.title')}</div>
            {type ? (
              <div className="p-chips">
                <span className="p-chip-chosen" data-testid="p-type-chosen" data-code={type.code}>
                  {type.name}
                </span>
                <Button
                  size="small"
                  onClick={() => setType(null)}
                  aria-label={t('portal.type.clear')}
                  data-testid="p-type-clear"
                >
                  {t('portal.type.change')}
                </Button>
              </div>
            ) : (
              <>
                {(suggested.data?.matterTypes.length ?? 0) > 0 && (
                  <div className="p-chips" data-testid="p-suggestions">
                    <span className="p-muted">{t('portal.type.suggested')}</span>
                    {suggested.data!.matterTypes.map((s) => (
                      <button
                        type="button"
                        key={s.code}
                        className="p-chip-btn"
                        onClick={() => setType({ code: s.code, name: s.name, majorCode: s.majorCode })}
                        data-testid="p-suggestion"
                        data-code={s.code}
                      >
                        {s.name}
                      </button>
                    ))}
                  </div>
                )}
                <Button onClick={() => setBrowsing(true)} data-testid="p-type-browse">
                  {t('portal.type.browse')}
                </Button>
                <p className="p-muted">{t('portal.type.optional')}</p>
              </>
            )}
          </div>
          <TypeBrowser open={browsing} onClose={() => setBrowsing(false)} onChoose={setType} />
        </section>
      )}

      {step === 3 && (
        <section className="p-card" aria-labelledby="p-step-contact">
          <h2 id="p-step-contact">{t('portal.contact.title')}</h2>
          <div className="p-field">
            <label className="p-label" htmlFor="p-phone">
              {t('portal.contact.phone')}
            </label>
            <Input
              id="p-phone"
              type="tel"
              inputMode="tel"
              autoComplete="tel"
              value={phone}
              maxLength={20}
              onChange={(e) => setPhone(e.target.value)}
              placeholder={t('portal.contact.phonePlaceholder')}
              aria-invalid={!!error}
              aria-describedby="p-phone-hint"
              data-testid="p-phone"
            />
            <p id="p-phone-hint" className="p-muted">
              {t('portal.contact.phoneHint')}
            </p>
          </div>
          <Summary
            photos={photos.length}
            place={place}
            address={address}
            type={type}
            description={description}
          />
          {sendError && (
            <Alert
              type="error"
              showIcon
              className="p-alert"
              role="alert"
              data-testid="p-send-error"
              data-code={sendError.code}
              title={sendError.status === 0 ? t('portal.report.networkError') : sendError.message}
              description={
                sendError.details
                  .map((d) => d.message)
                  .filter((m): m is string => typeof m === 'string' && m !== sendError.message)
                  .slice(0, 3)
                  .join('；') || undefined
              }
            />
          )}
        </section>
      )}

      {error && (
        <p className="p-error p-pad" role="alert" data-testid="p-step-error">
          {error}
        </p>
      )}
      <div className="p-nav-buttons">
        {step > 0 && (
          <Button size="large" onClick={() => setStep(step - 1)} data-testid="p-back">
            {t('portal.back')}
          </Button>
        )}
        {step < 3 ? (
          <Button
            size="large"
            type="primary"
            onClick={next}
            disabled={step === 1 && !!place && !placeChecked}
            data-testid="p-next"
          >
            {step === 0 && photos.length === 0 ? t('portal.photos.skip') : t('portal.next')}
          </Button>
        ) : (
          <Button
            size="large"
            type="primary"
            loading={sending}
            onClick={() => void submit()}
            data-testid="p-submit"
          >
            {t('portal.report.submit')}
          </Button>
        )}
      </div>
    </div>
  );
}

function Summary({
  photos,
  place,
  address,
  type,
  description,
}: {
  photos: number;
  place: Place | null;
  address: string;
  type: PublicType | null;
  description: string;
}) {
  const { t } = useTranslation();
  return (
    <dl className="p-summary" data-testid="p-summary">
      <dt>{t('portal.steps.photos')}</dt>
      <dd>{t('portal.summary.photos', { n: photos })}</dd>
      <dt>{t('portal.steps.place')}</dt>
      <dd>
        {address.trim() ||
          (place ? `${place.lng.toFixed(5)}, ${place.lat.toFixed(5)}` : t('portal.summary.none'))}
      </dd>
      <dt>{t('portal.type.title')}</dt>
      <dd>{type ? type.name : t('portal.summary.noType')}</dd>
      <dt>{t('portal.problem.description')}</dt>
      <dd className="p-summary-text">{description.trim()}</dd>
    </dl>
  );
}

function Done({ result, onAgain }: { result: ReportResult; onAgain: () => void }) {
  const { t } = useTranslation();
  const [copied, setCopied] = useState(false);
  const spaced = useMemo(() => result.trackingCode.replace(/(.{4})(?=.)/g, '$1 '), [result.trackingCode]);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(result.trackingCode);
      setCopied(true);
    } catch {
      setCopied(false);
    }
  };
  return (
    <Result
      status="success"
      icon={<CheckCircleFilled />}
      title={result.replayed ? t('portal.done.again') : t('portal.done.title')}
      subTitle={result.merged ? t('portal.done.merged') : t('portal.done.next')}
      data-testid="p-done"
      extra={
        <div className="p-done">
          <div className="p-muted">{t('portal.done.code')}</div>
          <output className="p-code-big" data-testid="p-tracking-code" data-code={result.trackingCode}>
            {spaced}
          </output>
          <p className="p-muted">{t('portal.done.keep')}</p>
          <div className="p-nav-buttons">
            <Button icon={<CopyOutlined />} onClick={() => void copy()} data-testid="p-copy-code">
              {copied ? t('portal.done.copied') : t('portal.done.copy')}
            </Button>
            <Link to={`/public/track/${result.trackingCode}`}>
              <Button type="primary" data-testid="p-track-now">
                {t('portal.done.track')}
              </Button>
            </Link>
          </div>
          <Button type="link" onClick={onAgain} data-testid="p-report-again">
            {t('portal.done.another')}
          </Button>
        </div>
      }
    />
  );
}
