/**
 * 附近问题: what the public reported in the last 30 days within a kilometre of my location (or of a
 * place searched for), on the map and as a list — type, public status, date and distance, at a
 * position rounded to about 100 m; no words, photos or people. "Report here" starts a report at
 * that point (someone may already have reported it: the list says so first).
 */
import { AimOutlined, CameraOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Alert, Button, Spin } from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import type { PublicStatus } from '../../../../common/public-report.ts';
import { formatChina } from '../../components/china-time';
import { CityMap, type MapPoint } from '../../components/map/CityMap';
import { useMapInfo } from '../../components/map/geo';
import { PlaceSearch } from '../../components/map/PlaceSearch';
import { type PublicPlace, portalApi } from '../api';
import { StatusTag } from '../parts';

const RADIUS_M = 1000;

/** Dot colours by public status (the status tags' hues). */
const DOT: Record<PublicStatus, string> = {
  submitted: '#1677ff',
  accepted: '#13c2c2',
  in_progress: '#fa8c16',
  resolved: '#52c41a',
  declined: '#8c8c8c',
};

export function NearbyPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const info = useMapInfo('public');
  const [center, setCenter] = useState<{ lng: number; lat: number } | null>(null);
  const [focus, setFocus] = useState(0);
  const [from, setFrom] = useState<'gps' | 'search' | 'city'>('city');
  const [gps, setGps] = useState<'idle' | 'locating' | 'denied' | 'failed'>('idle');
  const [selected, setSelected] = useState<string | null>(null);

  const locateMe = () => {
    if (!('geolocation' in navigator)) {
      setGps('failed');
      return;
    }
    setGps('locating');
    navigator.geolocation.getCurrentPosition(
      (pos) => {
        setGps('idle');
        setCenter({ lng: pos.coords.longitude, lat: pos.coords.latitude });
        setFrom('gps');
        setFocus((n) => n + 1);
      },
      (err) => setGps(err.code === err.PERMISSION_DENIED ? 'denied' : 'failed'),
      { enableHighAccuracy: false, timeout: 15_000, maximumAge: 300_000 },
    );
  };
  // biome-ignore lint/correctness/useExhaustiveDependencies: ask for the position once, on opening
  useEffect(() => {
    locateMe();
  }, []);
  // Without a position, the city's centre.
  const fallback = info.data?.center ?? null;
  const here = center ?? (gps === 'denied' || gps === 'failed' ? fallback : null);

  const list = useQuery({
    queryKey: ['portal', 'nearby', here?.lng.toFixed(5), here?.lat.toFixed(5)],
    queryFn: () => portalApi.nearby(here!.lng, here!.lat, RADIUS_M),
    enabled: !!here,
    staleTime: 30_000,
    retry: false,
  });
  const items = list.data?.items ?? [];
  const points = useMemo<MapPoint[]>(
    () => items.map((i) => ({ id: i.ref, lng: i.location.lng, lat: i.location.lat, color: DOT[i.status] })),
    [items],
  );

  const pickPoint = (ref: string) => {
    setSelected(ref);
    document.getElementById(`p-near-${ref}`)?.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
  };

  return (
    <div data-testid="p-nearby">
      <div className="p-page-head">
        <h1>{t('portal.nearby.title')}</h1>
      </div>
      <section className="p-card">
        <PlaceSearch<PublicPlace>
          search={(q, near) => portalApi.places(q, near)}
          where={(p) => [p.district, p.community].filter(Boolean).join(' · ')}
          near={here}
          placeholder={t('portal.nearby.searchPlaceholder')}
          testId="p-nearby-search"
          onChoose={(p) => {
            setCenter(p.point);
            setFrom('search');
            setFocus((n) => n + 1);
          }}
        />
        <div className="p-nearby-map">
          <CityMap
            audience="public"
            marker={here}
            focusKey={focus}
            zoom={15}
            height={300}
            points={points}
            onPickPoint={pickPoint}
            selectedPointId={selected}
            testId="p-nearby-map"
          >
            <Button
              className="p-map-locate"
              icon={<AimOutlined />}
              loading={gps === 'locating'}
              onClick={locateMe}
              data-testid="p-nearby-locate"
            >
              {t('portal.place.myLocation')}
            </Button>
          </CityMap>
        </div>
        <p className="p-muted" data-testid="p-nearby-scope" data-from={from}>
          {t('portal.nearby.scope', { km: RADIUS_M / 1000, days: list.data?.days ?? 30 })}
          {from === 'city' && here ? ` ${t('portal.nearby.cityCentre')}` : ''}
        </p>
        {gps === 'denied' && <p className="p-muted">{t('portal.place.gpsDenied')}</p>}
        {here && (
          <Button
            icon={<CameraOutlined />}
            onClick={() => void navigate('/public/report', { state: { at: here } })}
            data-testid="p-report-here"
          >
            {t('portal.nearby.reportHere')}
          </Button>
        )}
      </section>
      {list.isPending && here && (
        <div className="p-center">
          <Spin />
        </div>
      )}
      {list.error && (
        <Alert type="error" showIcon className="p-alert" role="alert" title={list.error.message} />
      )}
      {list.isSuccess && (
        <section className="p-card" data-testid="p-nearby-list" data-count={items.length}>
          <h2>{t('portal.nearby.count', { n: items.length })}</h2>
          {items.length === 0 ? (
            <p className="p-muted">{t('portal.nearby.none')}</p>
          ) : (
            <ul className="p-list">
              {items.map((i) => (
                <li key={i.ref}>
                  <button
                    type="button"
                    id={`p-near-${i.ref}`}
                    className={`p-item p-near ${selected === i.ref ? 'active' : ''}`}
                    onClick={() => setSelected(i.ref)}
                    aria-pressed={selected === i.ref}
                    data-testid="p-nearby-item"
                    data-status={i.status}
                  >
                    <span className="p-dot" style={{ background: DOT[i.status] }} aria-hidden />
                    <span className="p-item-title">{i.matterType?.name ?? t('portal.nearby.untyped')}</span>
                    <StatusTag status={i.status} testId="p-nearby-status" />
                    <span className="p-muted">
                      {formatChina(i.reportedAt, 'MM-DD')} · {t('portal.nearby.distance', { m: i.distanceM })}
                    </span>
                  </button>
                </li>
              ))}
            </ul>
          )}
        </section>
      )}
    </div>
  );
}
