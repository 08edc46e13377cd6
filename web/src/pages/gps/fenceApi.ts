/** The geofences' and GPS alarms' API as the pages use it: types from the generated contract, queries, the live alarms. */
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import { GPS_TERMINAL_KINDS } from '../../../../common/gps.ts';
import { GPS_ALARM_KIND_NAMES, type GpsAlarmKind } from '../../../../common/gps-alarms.ts';
import { api } from '../../api/client';
import type { ApiResponse } from '../../api/types';
import { subscribeStream } from '../../components/case/stream';

export type Geofence = ApiResponse<'/api/gps/geofences/{id}', 'get'>;
export type GeofenceRule = Geofence['rule'];
export type AlarmPage = ApiResponse<'/api/gps/alarms', 'get'>;
export type GpsAlarm = AlarmPage['items'][number];
export type TerminalPage = ApiResponse<'/api/gps/terminals', 'get'>;

export const fencesKey = ['gps', 'geofences'] as const;
export const alarmsKey = ['gps', 'alarms'] as const;

export function useGeofences() {
  return useQuery({
    queryKey: fencesKey,
    queryFn: () => api.get<{ items: Geofence[] }>('/api/gps/geofences'),
  });
}

export interface AlarmQuery {
  state?: string;
  kind?: string;
  source?: string;
  from?: string;
  to?: string;
  page: number;
  pageSize: number;
}

export function useAlarms(q: AlarmQuery) {
  return useQuery({
    queryKey: [...alarmsKey, q],
    queryFn: () => api.get<AlarmPage>('/api/gps/alarms', { ...q }),
  });
}

/** Terminals in scope, for a rule's targets (the first 200). */
export function useTerminalChoices(enabled: boolean) {
  return useQuery({
    queryKey: ['gps', 'terminals', 'choices'],
    enabled,
    staleTime: 60_000,
    queryFn: () => api.get<TerminalPage>('/api/gps/terminals', { pageSize: 200 }),
  });
}

export type UserPage = ApiResponse<'/api/users', 'get'>;

/** Staff whose phones a rule may name: searched by name (the first 50), with those already chosen. */
export function useStaffChoices(enabled: boolean, q: string) {
  return useQuery({
    queryKey: ['gps', 'staff-choices', q],
    enabled,
    staleTime: 60_000,
    queryFn: () => api.get<UserPage>('/api/users', { pageSize: 50, ...(q ? { q } : {}) }),
  });
}

/** A live `gps_alarm` frame (GET /api/stream). */
export interface AlarmFrame {
  id: number;
  action: string;
  alarmId: string;
  kind: GpsAlarmKind;
  plate: string | null;
  at: string;
}

/** Refetches the alarms on every live alarm event; calls `onRaised` for a new one. */
export function useLiveAlarms(onRaised: (f: AlarmFrame) => void) {
  const qc = useQueryClient();
  const cb = useRef(onRaised);
  cb.current = onRaised;
  useEffect(
    () =>
      subscribeStream<AlarmFrame>('gps_alarm', (f) => {
        void qc.invalidateQueries({ queryKey: alarmsKey });
        if (f.action === 'gps.alarm.raise') cb.current(f);
      }),
    [qc],
  );
}

export const alarmKindName = (kind: string, en: boolean) => {
  const n = GPS_ALARM_KIND_NAMES[kind as GpsAlarmKind];
  return n ? (en ? n.en : n.zh) : kind;
};

export const terminalKindName = (kind: string, en: boolean) => {
  const k = GPS_TERMINAL_KINDS.find((x) => x.code === kind);
  return k ? (en ? k.en : k.zh) : kind;
};
