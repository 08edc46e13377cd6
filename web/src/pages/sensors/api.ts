/** The sensors' API as the pages use it: types from the generated contract, and the queries. */
import { useQuery } from '@tanstack/react-query';
import { api } from '../../api/client';
import type { ApiResponse } from '../../api/types';

export type Device = ApiResponse<'/api/sensors/devices/{id}', 'patch'>;
export type DeviceDetail = ApiResponse<'/api/sensors/devices/{id}', 'get'>;
export type Kind = ApiResponse<'/api/sensors/kinds', 'get'>['items'][number];
export type KindRule = Kind['rules'][number];
export type KindField = Kind['fields'][number];
export type Alarm = DeviceDetail['alarms'][number];
export type Readings = ApiResponse<'/api/sensors/devices/{id}/readings', 'get'>;
export type SensorStatus = ApiResponse<'/api/sensors/status', 'get'>;
export type MapPoint = ApiResponse<'/api/sensors/map', 'get'>['items'][number];

export const sensorsKey = ['sensors'] as const;

export function useKinds() {
  return useQuery({
    queryKey: [...sensorsKey, 'kinds'],
    queryFn: () => api.get<{ items: Kind[] }>('/api/sensors/kinds'),
    staleTime: 60_000,
  });
}

export function useSensorStatus() {
  return useQuery({
    queryKey: [...sensorsKey, 'status'],
    queryFn: () => api.get<SensorStatus>('/api/sensors/status'),
    refetchInterval: 15_000,
  });
}

export function useDeviceMap(enabled: boolean) {
  return useQuery({
    queryKey: [...sensorsKey, 'map'],
    queryFn: () => api.get<{ items: MapPoint[]; truncated: boolean }>('/api/sensors/map'),
    enabled,
    refetchInterval: 30_000,
  });
}

export function useDevice(id: string, enabled = true) {
  return useQuery({
    queryKey: [...sensorsKey, 'device', id],
    queryFn: () => api.get<DeviceDetail>(`/api/sensors/devices/${id}`),
    enabled,
    refetchInterval: 15_000,
  });
}

export function useReadings(id: string, from: string, to: string, enabled = true) {
  return useQuery({
    queryKey: [...sensorsKey, 'readings', id, from, to],
    queryFn: () => api.get<Readings>(`/api/sensors/devices/${id}/readings`, { from, to, maxPoints: 400 }),
    enabled,
  });
}

/** A kind's, rule's or field's name in the reader's language (`i18n.language`). */
export const nameOf = (lang: string, x: { nameZh: string; nameEn: string }) =>
  lang.startsWith('en') ? x.nameEn : x.nameZh;

/** A value with its unit, as the field says (12.5 cm, 87 %, 3 °). */
export function withUnit(value: number, unit: string): string {
  const v = Number.isInteger(value) ? String(value) : value.toFixed(Math.abs(value) >= 100 ? 0 : 1);
  return unit ? `${v} ${unit}` : v;
}

/** "倾角 3.2 °, 电量 87 %" from a device's last values, in the kind's field order. */
export function describeValues(
  lang: string,
  values: { field: string; value: number }[],
  fields: KindField[] | undefined,
): string {
  if (values.length === 0) return '—';
  const order = (f: string) => {
    const i = fields?.findIndex((x) => x.key === f) ?? -1;
    return i < 0 ? 99 : i;
  };
  return [...values]
    .sort((a, b) => order(a.field) - order(b.field))
    .map((v) => {
      const f = fields?.find((x) => x.key === v.field);
      return `${f ? nameOf(lang, f) : v.field} ${withUnit(v.value, f?.unit ?? '')}`;
    })
    .join(lang.startsWith('en') ? ', ' : '，');
}

export const DEVICE_CODE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
