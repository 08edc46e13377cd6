import { AimOutlined, ApartmentOutlined } from '@ant-design/icons';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Input, Result, Tag } from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { suggestTypes } from '../../../../common/suggest.ts';
import { ApiError } from '../../api/client';
import { CityMap, type PickedComponent } from '../../components/map/CityMap';
import { useSuggestions } from '../../components/suggest/useSuggestions';
import { cachedGet, fetchMatterTypes, type GeoLookup, type MatterType, mapi, matterTypesKey } from '../api';
import { placeErrorKey } from '../field';
import { useMobile } from '../MobileApp';
import { holdForEdit, newId, type ReportItem, submitReport } from '../outbox';
import { PhotoCapture } from '../parts';
import { type LocateError, locate } from '../position';

interface Place {
  lng: number;
  lat: number;
  accuracy: number | null;
  /** Where the point came from: the phone's position, a tap or drag on the map, a component. */
  source: 'gps' | 'map' | 'component';
}

type GpsState = { kind: 'idle' } | { kind: 'locating' } | { kind: 'error'; error: LocateError };

/** Lookups wait for the point to settle (a drag, several taps) this long. */
const LOOKUP_DEBOUNCE_MS = 300;

const lookupKey = (p: { lng: number; lat: number }) =>
  ['mobile', 'lookup', p.lng.toFixed(6), p.lat.toFixed(6)] as const;

function useDebounced<T>(value: T, ms: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = window.setTimeout(() => setSettled(value), ms);
    return () => window.clearTimeout(timer);
  }, [value, ms]);
  return settled;
}

/** The caller's own district (where they may report), when they belong to one. */
function districtOf(scope: { kind: string; districtCode?: string | null }): string | null {
  return scope.kind === 'district' || scope.kind === 'unit' ? (scope.districtCode ?? null) : null;
}

/**
 * 上报 on the map: description (a type suggested from it), the place — the phone's position, a
 * tap on the map, the pin dragged, or a component tapped to attach it — with its grid and
 * community shown before sending (GET /api/geo/lookup, after the point settles), camera photos.
 * A point the platform would refuse (outside the managed area, or outside the caller's district)
 * is refused here, in plain words. Online the report is sent at once and a refusal shown; offline
 * (or when the request fails on the way) it waits in the outbox. `?edit=<outbox id>` opens a
 * report from the outbox back in the form.
 */
export function ReportPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const qc = useQueryClient();
  const [params] = useSearchParams();
  const editId = params.get('edit');
  const { me, online } = useMobile();
  const [key, setKey] = useState(newId);
  const [description, setDescription] = useState('');
  const [matter, setMatter] = useState<MatterType | null>(null);
  const [matterCode, setMatterCode] = useState<string | null>(null);
  const [photos, setPhotos] = useState<Blob[]>([]);
  const [place, setPlace] = useState<Place | null>(null);
  const [component, setComponent] = useState<PickedComponent | null>(null);
  const [gps, setGps] = useState<GpsState>({ kind: 'idle' });
  /** Counts the phone's fixes: each one centres the map on the pin. */
  const [fixes, setFixes] = useState(0);
  const [tried, setTried] = useState(false);
  const [busy, setBusy] = useState(false);
  const [sendError, setSendError] = useState<string | null>(null);
  const [editing, setEditing] = useState<ReportItem | null>(null);
  const [editMissing, setEditMissing] = useState(false);
  const [done, setDone] = useState<{
    sent: boolean;
    caseCode?: string | null;
    trackingCode?: string;
  } | null>(null);

  const myDistrict = districtOf(me.scope);
  const district = useQuery({
    queryKey: ['mobile', 'data', 'district', me.user.id, myDistrict],
    enabled: !!myDistrict,
    staleTime: Number.POSITIVE_INFINITY,
    queryFn: () =>
      cachedGet<{ name: string; bbox: [number, number, number, number] | null }>(
        me.user.id,
        `/api/geo/divisions/${myDistrict}`,
      ),
  });
  const types = useQuery({
    queryKey: matterTypesKey(me.user.id),
    queryFn: () => fetchMatterTypes(me.user.id),
    staleTime: 3600_000,
  });
  const typeList = types.data?.data.items ?? [];
  // A report edited from the outbox names its type by code: shown once the list is there.
  const chosenType = matter ?? (matterCode ? (typeList.find((ty) => ty.code === matterCode) ?? null) : null);
  // Online, the classifier reads the words (and the point); offline, or when it cannot answer,
  // the phone falls back to the types whose name the words contain.
  const classified = useSuggestions(description, place, { enabled: online && !chosenType });
  const classifiedTypes = classified.data?.matterTypes;
  const suggestions = useMemo(() => {
    if (chosenType || [...description.trim()].length < 2) return [];
    const fromText =
      online && classifiedTypes && !classified.isError
        ? classifiedTypes.flatMap((s) => typeList.filter((ty) => ty.code === s.code))
        : suggestTypes(description, typeList);
    // A component's anomaly is the matter type of the same code (component 01001 → matter 01001).
    const fromComponent = component ? typeList.filter((ty) => ty.code === component.typeCode) : [];
    return [...fromComponent, ...fromText.filter((s) => !fromComponent.some((c) => c.code === s.code))];
  }, [description, typeList, chosenType, component, online, classifiedTypes, classified.isError]);

  const locateMe = () => {
    setGps({ kind: 'locating' });
    locate(0).then(
      (fix) => {
        setGps({ kind: 'idle' });
        setComponent(null);
        setPlace({ lng: fix.lng, lat: fix.lat, accuracy: fix.accuracy, source: 'gps' });
        setFixes((n) => n + 1);
      },
      (error: LocateError) => setGps({ kind: 'error', error }),
    );
  };

  // A new form starts from the phone's position; an edited report keeps its own place.
  // biome-ignore lint/correctness/useExhaustiveDependencies: locate once per new form
  useEffect(() => {
    if (!editId) locateMe();
  }, [key, editId]);

  // Open a report of the outbox in the form (it leaves the queue while it is edited).
  useEffect(() => {
    if (!editId) {
      setEditing(null);
      setEditMissing(false);
      return;
    }
    let live = true;
    void holdForEdit(editId).then((item) => {
      if (!live) return;
      if (!item) {
        setEditMissing(true);
        return;
      }
      const r = item.report;
      setEditing(item);
      setDescription(r.description);
      setMatter(null);
      setMatterCode(r.matterCode ?? null);
      setPhotos(item.photos.map((p) => p.blob));
      setPlace({
        lng: r.location.lng,
        lat: r.location.lat,
        accuracy: r.accuracy ?? null,
        source: r.componentId ? 'component' : r.accuracy != null ? 'gps' : 'map',
      });
      setComponent(
        r.componentId
          ? { id: r.componentId, typeCode: r.componentId.slice(6, 11), state: '', ...r.location }
          : null,
      );
    });
    return () => {
      live = false;
    };
  }, [editId]);

  // The attached component as the platform keeps it: its name and type for the chip, and its exact
  // place for the report (a vector tile carries only its id, type and a rounded point).
  const componentInfo = useQuery({
    queryKey: ['mobile', 'data', 'component', component?.id],
    enabled: !!component && online,
    staleTime: 600_000,
    retry: false,
    queryFn: () =>
      mapi.get<{ id: string; name: string; typeName: string | null; lng: number; lat: number }>(
        `/api/components/${component?.id}`,
      ),
  });
  const exact = componentInfo.data;
  useEffect(() => {
    if (!exact || exact.id !== component?.id) return;
    setPlace((p) =>
      p?.source === 'component' && (p.lng !== exact.lng || p.lat !== exact.lat)
        ? { ...p, lng: exact.lng, lat: exact.lat }
        : p,
    );
  }, [exact, component?.id]);

  const settled = useDebounced(place, LOOKUP_DEBOUNCE_MS);
  const lookupPoint = (p: { lng: number; lat: number }) =>
    mapi.get<GeoLookup>('/api/geo/lookup', { lng: p.lng, lat: p.lat, crs: 'wgs84' });
  const where = useQuery({
    queryKey: settled ? lookupKey(settled) : ['mobile', 'lookup', 'none'],
    queryFn: () => lookupPoint(settled!),
    enabled: !!settled && online,
    retry: false,
    staleTime: 600_000,
  });
  const settling = !!place && (place !== settled || where.isFetching);
  const placeError = (() => {
    if (!place || settling) return null;
    if (where.error) {
      const code = where.error instanceof ApiError ? where.error.code : undefined;
      return t(placeErrorKey(code));
    }
    if (where.data && myDistrict && where.data.district.code !== myDistrict) {
      return t('mobile.place.outsideDistrict', {
        name: where.data.district.name,
        mine: district.data?.data.name ?? myDistrict,
      });
    }
    return null;
  })();
  // Refused (not merely unanswered): outside the managed area or the caller's district.
  const refused =
    (!!where.error && !(where.error instanceof ApiError && where.error.status === 0)) ||
    (!!where.data && !!myDistrict && where.data.district.code !== myDistrict);

  const missingDescription = description.trim().length < 2;
  const submit = async () => {
    setTried(true);
    setSendError(null);
    if (missingDescription || !place) return;
    setBusy(true);
    try {
      // Online, the point is checked before anything is sent: the same lookup the form showed.
      if (online && navigator.onLine) {
        try {
          const hit = await qc.fetchQuery({
            queryKey: lookupKey(place),
            queryFn: () => lookupPoint(place),
            staleTime: 600_000,
            retry: false,
          });
          if (myDistrict && hit.district.code !== myDistrict) return;
        } catch (e) {
          if (!(e instanceof ApiError && e.status === 0)) return;
        }
      } else if (refused) return;
      const res = await submitReport(
        me.user.id,
        {
          idempotencyKey: key,
          // A unit's people report as the department (部门自查); the server refuses them any other.
          ...(me.scope.kind === 'unit' ? { channel: 'department' as const } : {}),
          description: description.trim(),
          location: { lng: place.lng, lat: place.lat, crs: 'wgs84' },
          accuracy: place.accuracy,
          ...(chosenType ? { matterCode: chosenType.code } : {}),
          ...(component ? { componentId: component.id } : {}),
        },
        photos,
        editing ?? undefined,
      );
      if (res.outcome === 'sent') {
        await qc.invalidateQueries({ queryKey: ['mobile', 'data'] });
        setDone({ sent: true, caseCode: res.result.caseCode, trackingCode: res.result.trackingCode });
      } else setDone({ sent: false });
    } catch (e) {
      const code = e instanceof ApiError ? e.code : undefined;
      setSendError(
        code === 'OUTSIDE_MANAGED_AREA' || code === 'OUTSIDE_SCOPE'
          ? t(placeErrorKey(code))
          : e instanceof Error
            ? e.message
            : String(e),
      );
    } finally {
      setBusy(false);
    }
  };

  const again = () => {
    setKey(newId());
    setDescription('');
    setMatter(null);
    setMatterCode(null);
    setPhotos([]);
    setComponent(null);
    setTried(false);
    setSendError(null);
    setDone(null);
    if (editId) void navigate('/m/report', { replace: true });
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

  const pick = (p: { lng: number; lat: number }) => {
    setComponent(null);
    setPlace({ lng: p.lng, lat: p.lat, accuracy: null, source: 'map' });
  };

  return (
    <div data-testid="m-report" data-editing={editing?.id ?? ''}>
      <div className="m-page-head">
        <h1>{editing ? t('mobile.report.editTitle') : t('mobile.report.title')}</h1>
      </div>
      {editMissing && (
        <Alert type="warning" showIcon className="m-alert" title={t('mobile.report.editGone')} />
      )}
      {editing?.error && (
        <Alert
          type="error"
          showIcon
          className="m-alert"
          title={t('mobile.report.editRefused', { error: editing.error })}
        />
      )}
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
          {chosenType ? (
            <Tag
              closable
              color="blue"
              onClose={() => {
                setMatter(null);
                setMatterCode(null);
              }}
              className="m-chip"
              data-testid="m-report-type"
            >
              {chosenType.name} ({chosenType.code})
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

      <section className="m-card m-card-map">
        <div className="m-label">
          {t('mobile.report.location')}
          <span className="m-req">*</span>
        </div>
        <div className="m-muted m-map-hint">{t('mobile.report.mapHint')}</div>
        <CityMap
          marker={place}
          onPick={pick}
          draggable
          focusKey={fixes}
          components={me.permissions.includes('component:read')}
          onPickComponent={(c) => {
            setComponent(c);
            setPlace({ lng: c.lng, lat: c.lat, accuracy: null, source: 'component' });
          }}
          selectedComponentId={component?.id ?? null}
          bounds={district.data?.data.bbox ?? null}
          height={280}
          zoom={16}
          testId="m-report-map"
        >
          <button
            type="button"
            className="m-map-locate"
            onClick={locateMe}
            disabled={gps.kind === 'locating'}
            aria-label={t('mobile.report.myLocation')}
            data-testid="m-report-gps"
          >
            <AimOutlined spin={gps.kind === 'locating'} />
            <span>{t('mobile.report.myLocation')}</span>
          </button>
        </CityMap>
        {place && (
          <div className="m-place" data-testid="m-report-place" data-source={place.source}>
            <span>
              {place.lng.toFixed(6)}, {place.lat.toFixed(6)}
            </span>
            <span className="m-muted"> · {t(`mobile.report.source.${place.source}`)}</span>
            {place.accuracy !== null && (
              <div className={place.accuracy > 50 ? 'm-warn' : 'm-muted'} data-testid="m-report-accuracy">
                {t('mobile.report.accuracy', { m: Math.round(place.accuracy) })}
              </div>
            )}
          </div>
        )}
        {gps.kind === 'locating' && <div className="m-muted">{t('mobile.report.locating')}</div>}
        {gps.kind === 'error' && (
          <div className="m-warn" data-testid="m-report-gps-error">
            {t(`mobile.report.gps.${gps.error}`)}
          </div>
        )}
        {component && (
          <div className="m-field m-component">
            <Tag
              closable
              color="geekblue"
              icon={<ApartmentOutlined />}
              onClose={() => setComponent(null)}
              className="m-chip"
              data-testid="m-report-component"
              data-component-id={component.id}
            >
              {componentInfo.data
                ? t('mobile.report.componentNamed', {
                    name: componentInfo.data.typeName ?? componentInfo.data.name,
                    id: component.id,
                  })
                : t('mobile.report.component', { id: component.id })}
            </Tag>
          </div>
        )}
        {place && settling && online && (
          <div className="m-muted" data-testid="m-report-where-pending">
            {t('mobile.place.checking')}
          </div>
        )}
        {place && !settling && where.data && !placeError && (
          <div className="m-where" data-testid="m-report-where" data-grid={where.data.grid.id}>
            <div>
              {where.data.district.name} · {where.data.township.name}
            </div>
            <div className="m-where-community" data-testid="m-report-community">
              {where.data.community.name}
            </div>
            <div className="m-muted">
              {t('mobile.gridLabel', { id: where.data.grid.id })} ·{' '}
              {t('case.areaClass', { c: where.data.grid.areaClass })}
            </div>
          </div>
        )}
        {place && placeError && (
          <Alert
            type={refused ? 'error' : 'warning'}
            showIcon
            title={placeError}
            data-testid="m-report-place-error"
            style={{ marginTop: 8 }}
          />
        )}
        {!online && place && !where.data && <div className="m-muted">{t('mobile.place.offline')}</div>}
        {tried && !place && <div className="m-error">{t('mobile.report.locationRequired')}</div>}
      </section>

      <section className="m-card">
        <div className="m-label">{t('mobile.report.photos')}</div>
        <PhotoCapture value={photos} onChange={setPhotos} testId="m-report-photo-input" />
      </section>

      {!online && <Alert type="info" showIcon className="m-alert" title={t('mobile.report.offlineNote')} />}
      {sendError && (
        <Alert type="error" showIcon className="m-alert" title={sendError} data-testid="m-report-error" />
      )}
      <div className="m-pad">
        <Button
          type="primary"
          size="large"
          block
          className="m-big"
          loading={busy}
          disabled={!!place && online && (settling || refused)}
          onClick={() => void submit()}
          data-testid="m-report-submit"
        >
          {editing ? t('mobile.report.resubmit') : t('mobile.report.submit')}
        </Button>
      </div>
    </div>
  );
}
