/**
 * Address search as you type (地名地址搜索): an AutoComplete over the gazetteer
 * (GET /api/geo/places), debounced, forgiving a wrong character (天乙广场 finds 天一广场), nearer
 * places first when `near` is given. Each option shows the name, its kind and where it lies
 * (district · community); choosing one hands the place (its WGS84 point, grid and chain) to
 * `onChoose`. Used by the intake form (the map moves there and takes the point) and the map page;
 * the public portal passes its own `search` (/api/public/places: no grid ids) and `where`.
 *
 *   <PlaceSearch near={point} onChoose={(p) => …} testId="intake-place-search" />
 */
import { EnvironmentOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { AutoComplete, Input, Space, Tag, Typography } from 'antd';
import { type ReactNode, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import type { ApiResponse } from '../../api/types';
import { placeQueryOf } from './place-query';

export type PlaceSearchResult = ApiResponse<'/api/geo/places', 'get'>;
export type PlaceHit = PlaceSearchResult['items'][number];

const DEBOUNCE_MS = 250;

function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setV(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return v;
}

export const searchPlaces = (q: string, near?: { lng: number; lat: number } | null, limit = 10) =>
  api.get<PlaceSearchResult>('/api/geo/places', {
    q,
    limit,
    ...(near ? { near: `${near.lng.toFixed(6)},${near.lat.toFixed(6)}` } : {}),
  });

/** What a search answers per place, at least. */
export interface PlaceLike {
  id: string;
  name: string;
  kind: string;
  distanceM: number | null;
}

export interface PlaceSearchProps<T extends PlaceLike = PlaceHit> {
  onChoose: (place: T) => void;
  /** Another gazetteer reader (the public portal's); the staff's GET /api/geo/places by default. */
  search?: (q: string, near?: { lng: number; lat: number } | null) => Promise<{ items: T[] }>;
  /** Where a place lies, the option's second line (default: district · township · community · grid). */
  where?: (place: T) => string;
  /** Rank places near this point (WGS84) first. */
  near?: { lng: number; lat: number } | null;
  placeholder?: string;
  style?: React.CSSProperties;
  testId?: string;
  /** Shown after the input (e.g. a search button); the input is an Input.Search when given onSearch. */
  onSearch?: (text: string) => void;
  enterButton?: ReactNode;
  loading?: boolean;
  /** Enter picks the first suggestion (default); false: Enter runs `onSearch` unless one was chosen. */
  activeFirst?: boolean;
}

export function PlaceSearch<T extends PlaceLike = PlaceHit>({
  onChoose,
  search,
  where,
  near,
  placeholder,
  style,
  testId = 'place-search',
  onSearch,
  enterButton,
  loading,
  activeFirst = true,
}: PlaceSearchProps<T>) {
  const { t } = useTranslation();
  const whereOf =
    where ??
    ((p: T) => {
      const h = p as unknown as PlaceHit;
      return `${[h.district.name, h.township?.name, h.community?.name].filter(Boolean).join(' · ')}${
        h.grid ? ` · ${h.grid.id}` : ` · ${t('place.outside')}`
      }`;
    });
  const [text, setText] = useState('');
  // What the text asks now; the request waits for the typing to pause.
  const live = placeQueryOf(text);
  const q = useDebounced(live, DEBOUNCE_MS);
  // Rounded so that a small move of the marker does not ask again.
  const nearKey = near ? `${near.lng.toFixed(3)},${near.lat.toFixed(3)}` : '';
  const found = useQuery<{ items: T[] }>({
    queryKey: [search ? 'portal' : 'geo', 'places', q, nearKey],
    queryFn: () =>
      search ? search(q ?? '', near) : (searchPlaces(q ?? '', near) as unknown as Promise<{ items: T[] }>),
    enabled: q !== null,
    staleTime: 60_000,
    placeholderData: (prev) => prev,
  });
  // Text that asks nothing (`%`, blank) shows nothing at once: never the previous query's places.
  const items = live === null || q === null ? [] : (found.data?.items ?? []);
  const options = useMemo(
    () =>
      items.map((p) => ({
        value: p.id,
        label: (
          <div data-testid={`${testId}-option`} data-place-id={p.id} data-name={p.name}>
            <Space size={6} style={{ width: '100%', justifyContent: 'space-between' }}>
              <span>
                <EnvironmentOutlined style={{ color: '#8c8c8c', marginRight: 4 }} />
                <b>{p.name}</b> <Tag style={{ marginInlineStart: 4 }}>{t(`place.kind.${p.kind}`)}</Tag>
              </span>
              {p.distanceM !== null && (
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {p.distanceM < 1000
                    ? t('place.metres', { m: p.distanceM })
                    : t('place.km', { km: (p.distanceM / 1000).toFixed(1) })}
                </Typography.Text>
              )}
            </Space>
            <div style={{ fontSize: 12, color: '#8c8c8c' }}>{whereOf(p)}</div>
          </div>
        ),
      })),
    [items, t, testId, whereOf],
  );

  const choose = (id: string) => {
    const hit = items.find((p) => p.id === id);
    if (!hit) return;
    setText(hit.name);
    onChoose(hit);
  };

  const input = onSearch ? (
    <Input.Search
      placeholder={placeholder ?? t('place.placeholder')}
      allowClear
      enterButton={enterButton}
      loading={loading}
      onSearch={(v) => onSearch(v)}
      data-testid={testId}
    />
  ) : (
    <Input placeholder={placeholder ?? t('place.placeholder')} allowClear data-testid={testId} />
  );

  return (
    <AutoComplete
      value={text}
      options={options}
      onChange={(v) => setText(v)}
      onSelect={(id: string) => choose(id)}
      defaultActiveFirstOption={activeFirst}
      style={style ?? { width: '100%' }}
      notFoundContent={
        live !== null && q !== null && found.isSuccess && items.length === 0 ? (
          <span data-testid={`${testId}-empty`}>{t('place.none', { q })}</span>
        ) : undefined
      }
    >
      {input}
    </AutoComplete>
  );
}
