import { AimOutlined, EditOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Alert, Button, Input, InputNumber, Result, Tag } from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { suggestTypes } from '../../../../common/suggest.ts';
import { fetchMatterTypes, type GeoLookup, type MatterType, mapi, matterTypesKey } from '../api';
import { useMobile } from '../MobileApp';
import { addReport, listItems, listSent, newId } from '../outbox';
import { PhotoCapture } from '../parts';

interface Place {
  lng: number;
  lat: number;
  accuracy: number | null;
  source: 'gps' | 'manual';
}

type GpsState = { kind: 'idle' } | { kind: 'locating' } | { kind: 'error'; message: string };

/** 上报: description, optional type, GPS position (WGS84, accuracy shown) or typed coordinates, camera photos. */
export function ReportPage() {
  const { t } = useTranslation();
  const { me, syncNow, online } = useMobile();
  const [key, setKey] = useState(newId);
  const [description, setDescription] = useState('');
  const [matter, setMatter] = useState<MatterType | null>(null);
  const [photos, setPhotos] = useState<Blob[]>([]);
  const [place, setPlace] = useState<Place | null>(null);
  const [gps, setGps] = useState<GpsState>({ kind: 'idle' });
  const [manual, setManual] = useState(false);
  const [manualLng, setManualLng] = useState<number | null>(null);
  const [manualLat, setManualLat] = useState<number | null>(null);
  const [tried, setTried] = useState(false);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<{
    sent: boolean;
    caseCode?: string | null;
    trackingCode?: string;
  } | null>(null);

  const types = useQuery({
    queryKey: matterTypesKey(me.user.id),
    queryFn: () => fetchMatterTypes(me.user.id),
    staleTime: 3600_000,
  });
  const suggestions = useMemo(
    () => (matter ? [] : suggestTypes(description, types.data?.data.items ?? [])),
    [description, types.data, matter],
  );

  const locate = () => {
    if (!('geolocation' in navigator)) {
      setGps({ kind: 'error', message: t('mobile.report.gpsUnsupported') });
      setManual(true);
      return;
    }
    setGps({ kind: 'locating' });
    navigator.geolocation.getCurrentPosition(
      (pos) => {
        setGps({ kind: 'idle' });
        setManual(false);
        setPlace({
          lng: pos.coords.longitude,
          lat: pos.coords.latitude,
          accuracy: Number.isFinite(pos.coords.accuracy) ? pos.coords.accuracy : null,
          source: 'gps',
        });
      },
      (err) => {
        setGps({
          kind: 'error',
          message:
            err.code === err.PERMISSION_DENIED ? t('mobile.report.gpsDenied') : t('mobile.report.gpsFailed'),
        });
        setManual(true);
      },
      { enableHighAccuracy: true, timeout: 20_000, maximumAge: 30_000 },
    );
  };
  // biome-ignore lint/correctness/useExhaustiveDependencies: locate once when the form opens
  useEffect(() => {
    locate();
  }, [key]);

  useEffect(() => {
    if (!manual) return;
    if (manualLng !== null && manualLat !== null)
      setPlace({ lng: manualLng, lat: manualLat, accuracy: null, source: 'manual' });
    else setPlace(null);
  }, [manual, manualLng, manualLat]);

  const where = useQuery({
    queryKey: ['mobile', 'lookup', place?.lng.toFixed(6), place?.lat.toFixed(6)],
    queryFn: () => mapi.get<GeoLookup>('/api/geo/lookup', { lng: place?.lng, lat: place?.lat, crs: 'wgs84' }),
    enabled: !!place && online,
    retry: false,
    staleTime: 600_000,
  });

  const missingDescription = description.trim().length < 2;
  const submit = async () => {
    setTried(true);
    if (missingDescription || !place) return;
    setBusy(true);
    try {
      await addReport(
        me.user.id,
        {
          idempotencyKey: key,
          description: description.trim(),
          location: { lng: place.lng, lat: place.lat, crs: 'wgs84' },
          accuracy: place.accuracy,
          ...(matter ? { matterCode: matter.code } : {}),
        },
        photos,
      );
      await syncNow();
      const stillThere = (await listItems(me.user.id)).some(
        (i) => i.kind === 'report' && i.report.idempotencyKey === key,
      );
      const sent = (await listSent(me.user.id)).find((s) => s.idempotencyKey === key);
      setDone({ sent: !stillThere, caseCode: sent?.caseCode, trackingCode: sent?.trackingCode });
    } finally {
      setBusy(false);
    }
  };

  const again = () => {
    setKey(newId());
    setDescription('');
    setMatter(null);
    setPhotos([]);
    setTried(false);
    setDone(null);
  };

  if (done) {
    return (
      <Result
        status={done.sent ? 'success' : 'info'}
        title={done.sent ? t('mobile.report.sent') : t('mobile.report.queued')}
        subTitle={
          done.caseCode
            ? t('mobile.report.caseCode', { code: done.caseCode })
            : done.trackingCode
              ? t('mobile.report.trackingCode', { code: done.trackingCode })
              : t('mobile.report.queuedHint')
        }
        data-testid="m-report-result"
        data-outcome={done.sent ? 'sent' : 'queued'}
        extra={[
          <Button
            key="again"
            type="primary"
            size="large"
            className="m-big"
            onClick={again}
            data-testid="m-report-again"
          >
            {t('mobile.report.again')}
          </Button>,
          <Link key="list" to="/m/reports">
            <Button size="large" className="m-big">
              {t('mobile.tabs.reports')}
            </Button>
          </Link>,
        ]}
      />
    );
  }

  return (
    <div data-testid="m-report">
      <div className="m-page-head">
        <h1>{t('mobile.report.title')}</h1>
      </div>
      <section className="m-card">
        <div className="m-field">
          <div className="m-label">
            {t('mobile.report.description')}
            <span className="m-req">*</span>
          </div>
          <Input.TextArea
            value={description}
            onChange={(e) => setDescription(e.target.value)}
            autoSize={{ minRows: 3, maxRows: 6 }}
            maxLength={2000}
            placeholder={t('mobile.report.descriptionPlaceholder')}
            data-testid="m-report-description"
          />
          {tried && missingDescription && (
            <div className="m-error">{t('mobile.report.descriptionRequired')}</div>
          )}
        </div>
        <div className="m-field">
          <div className="m-label">{t('mobile.report.type')}</div>
          {matter ? (
            <Tag
              closable
              color="blue"
              onClose={() => setMatter(null)}
              className="m-chip"
              data-testid="m-report-type"
            >
              {matter.name} ({matter.code})
            </Tag>
          ) : suggestions.length > 0 ? (
            <div className="m-chips">
              <span className="m-muted">{t('mobile.report.suggested')}</span>
              {suggestions.map((s) => (
                <Tag
                  key={s.code}
                  className="m-chip"
                  onClick={() => setMatter(s)}
                  data-testid="m-report-suggestion"
                >
                  {s.name}
                </Tag>
              ))}
            </div>
          ) : (
            <div className="m-muted">{t('mobile.report.typeHint')}</div>
          )}
        </div>
      </section>

      <section className="m-card">
        <div className="m-label">
          {t('mobile.report.location')}
          <span className="m-req">*</span>
        </div>
        {place && !manual && (
          <div className="m-place" data-testid="m-report-place" data-source={place.source}>
            <div>
              WGS84 {place.lng.toFixed(6)}, {place.lat.toFixed(6)}
            </div>
            {place.accuracy !== null && (
              <div className={place.accuracy > 50 ? 'm-warn' : 'm-muted'} data-testid="m-report-accuracy">
                {t('mobile.report.accuracy', { m: Math.round(place.accuracy) })}
              </div>
            )}
          </div>
        )}
        {gps.kind === 'locating' && <div className="m-muted">{t('mobile.report.locating')}</div>}
        {gps.kind === 'error' && <div className="m-warn">{gps.message}</div>}
        {manual && (
          <div className="m-coords">
            <InputNumber
              value={manualLng}
              onChange={(v) => setManualLng(typeof v === 'number' ? v : null)}
              min={-180}
              max={180}
              step={0.000001}
              placeholder={t('mobile.report.lng')}
              size="large"
              inputMode="decimal"
              style={{ width: '100%' }}
              data-testid="m-report-lng"
            />
            <InputNumber
              value={manualLat}
              onChange={(v) => setManualLat(typeof v === 'number' ? v : null)}
              min={-90}
              max={90}
              step={0.000001}
              placeholder={t('mobile.report.lat')}
              size="large"
              inputMode="decimal"
              style={{ width: '100%' }}
              data-testid="m-report-lat"
            />
          </div>
        )}
        {place && where.data && (
          <div className="m-muted" data-testid="m-report-where">
            {where.data.district.name} {where.data.township.name} {where.data.community.name} ·{' '}
            {t('mobile.gridLabel', { id: where.data.grid.id })}
          </div>
        )}
        {place && where.error && <div className="m-error">{where.error.message}</div>}
        {tried && !place && <div className="m-error">{t('mobile.report.locationRequired')}</div>}
        <div className="m-actions m-actions-row">
          <Button
            size="large"
            className="m-big"
            icon={<AimOutlined />}
            onClick={locate}
            loading={gps.kind === 'locating'}
            data-testid="m-report-gps"
          >
            {t('mobile.report.useGps')}
          </Button>
          <Button
            size="large"
            className="m-big"
            icon={<EditOutlined />}
            onClick={() => {
              setManual(true);
              if (place) {
                setManualLng(Number(place.lng.toFixed(6)));
                setManualLat(Number(place.lat.toFixed(6)));
              }
            }}
            data-testid="m-report-manual"
          >
            {t('mobile.report.manual')}
          </Button>
        </div>
      </section>

      <section className="m-card">
        <div className="m-label">{t('mobile.report.photos')}</div>
        <PhotoCapture value={photos} onChange={setPhotos} testId="m-report-photo-input" />
      </section>

      {!online && <Alert type="info" showIcon className="m-alert" title={t('mobile.report.offlineNote')} />}
      <div className="m-pad">
        <Button
          type="primary"
          size="large"
          block
          className="m-big"
          loading={busy}
          onClick={() => void submit()}
          data-testid="m-report-submit"
        >
          {t('mobile.report.submit')}
        </Button>
      </div>
    </div>
  );
}
