/** Types and queries of the case loop as the web client sees them (server/modules/cases). */
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import type { PublicReportView, PublicStatus } from '../../../../common/public-report.ts';
import type { CaseAction, CaseState, RequiredField } from '../../../../common/workflow.ts';
import { api } from '../../api/client';
import type { ListResult, Org } from '../../api/types';

export type Light = 'green' | 'yellow' | 'red';
export const LIGHTS: Light[] = ['green', 'yellow', 'red'];
export const CHANNELS = [
  'inspector',
  'hotline',
  'web',
  'app',
  'wechat',
  'sensor',
  'video',
  'department',
  'opinion',
] as const;
export type Channel = (typeof CHANNELS)[number];
export const EXTENSION_UNITS = ['work_day', 'work_hour', 'natural_day', 'urgent_hour'] as const;

export interface CaseSummary {
  id: string;
  code: string;
  state: CaseState;
  version: number;
  channel: Channel;
  description: string;
  address: string | null;
  location: { lng: number; lat: number; crs: 'wgs84' };
  gridId: string;
  communityCode: string;
  townshipCode: string;
  districtCode: string;
  areaClass: string;
  matterCode: string | null;
  urgency: string;
  important: boolean;
  actFirst: boolean;
  caseLevel: string;
  pending: Record<string, unknown>;
  unitId: string | null;
  suggestedUnitId: string | null;
  currentStage: string | null;
  currentDueAt: string | null;
  light: Light | null;
  reworkCount: number;
  urgeCount: number;
  createdAt: string;
  updatedAt: string;
  filedAt: string | null;
  closedAt: string | null;
}

export interface CaseReport {
  id: string;
  channel: Channel;
  description: string;
  photos: string[];
  reporterName: string | null;
  reporterPhone: string | null;
  merged: boolean;
  createdAt: string;
}

export interface CaseStage {
  id: string;
  stage: string;
  startedAt: string;
  dueAt: string;
  limit: { amount: number; unit: string };
  pausedAt: string | null;
  stoppedAt: string | null;
  warnedAt: string | null;
  overdueAt: string | null;
  extended: boolean;
  light: Light | null;
}

export interface CaseTask {
  id: string;
  kind: string;
  status: string;
  result: string | null;
  createdAt: string;
}

export interface TimelineEntry {
  id: number | string;
  at: string;
  action: string;
  actorName: string | null;
  actorType: string;
  /** A user's display name or an API key's name; null for system and anonymous actors. */
  actorDisplayName?: string | null;
  reason: string | null;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
}

export interface AvailableAction {
  action: CaseAction;
  to: CaseState;
  fields: RequiredField[];
}

export interface CaseDetail {
  case: CaseSummary;
  reports: CaseReport[];
  stages: CaseStage[];
  tasks: CaseTask[];
  timeline: TimelineEntry[];
  actions: AvailableAction[];
}

export interface CaseListQuery {
  view: 'mine' | 'all';
  page: number;
  pageSize: number;
  state?: CaseState;
  matterCode?: string;
  gridId?: string;
  districtCode?: string;
  unitId?: string;
  channel?: Channel;
  light?: Light;
  q?: string;
}

export const caseListKey = (q: CaseListQuery) => ['cases', 'list', q] as const;
export const caseKey = (id: string) => ['cases', 'one', id] as const;

export function useCaseList(q: CaseListQuery) {
  return useQuery({
    queryKey: caseListKey(q),
    queryFn: () => api.get<ListResult<CaseSummary>>('/api/cases', { ...q }),
    placeholderData: keepPreviousData,
    staleTime: 5_000,
  });
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether a text can be a case id at all (the API refuses anything but a UUID with a 400). */
export const isCaseId = (id: string) => UUID.test(id);

export function useCase(id: string, enabled = true) {
  return useQuery({
    queryKey: caseKey(id),
    enabled,
    queryFn: () => api.get<CaseDetail>(`/api/cases/${id}`),
    staleTime: 0,
  });
}

/** Units the caller may dispatch to (GET /api/orgs?kind=unit, all pages). */
export function useUnits(enabled = true) {
  return useQuery({
    queryKey: ['orgs', 'units'],
    enabled,
    staleTime: 60_000,
    queryFn: async () => {
      const all: Org[] = [];
      for (let page = 1; page <= 20; page++) {
        const res = await api.get<ListResult<Org>>('/api/orgs', { kind: 'unit', page, pageSize: 100 });
        all.push(...res.items);
        if (res.items.length === 0 || all.length >= res.total) break;
      }
      return all;
    },
  });
}

export interface Division {
  code: string;
  name: string;
  level?: string;
}

/** Districts (for the city user's filter) — GET /api/geo/divisions?level=district. */
export function useDistricts(enabled = true) {
  return useQuery({
    queryKey: ['geo', 'divisions', 'district'],
    enabled,
    staleTime: 5 * 60_000,
    queryFn: () => api.get<ListResult<Division>>('/api/geo/divisions', { level: 'district', pageSize: 100 }),
  });
}

export interface LookupHit {
  grid: { id: string; areaClass: string };
  community: { code: string; name: string };
  township: { code: string; name: string };
  district: { code: string; name: string };
  point: { lng: number; lat: number };
}

export function lookupPoint(lng: number, lat: number) {
  return api.get<LookupHit>('/api/geo/lookup', { lng, lat, crs: 'wgs84' });
}

export interface DuplicateCandidate {
  distanceM: number;
  case: CaseSummary;
}

/** The public view of a report (tracking code, public status): every reporter gets it. */
export type PublicReport = PublicReportView<Channel>;

export interface ReportResult {
  replayed: boolean;
  merged: boolean;
  reportId: string;
  report: PublicReport;
  /** Null when the reporter may not open the case (a unit, a case outside their district). */
  case: CaseSummary | null;
  suggestions: {
    matterTypes: { code: string; name?: string; score?: number }[];
    unit: { id: string } | null;
  };
}

export interface NotificationItem {
  id: string;
  caseId: string | null;
  kind: string;
  /** A case's (`code`, `state`), or, for a report whose case the reader may not open, the report's. */
  params: {
    code?: string;
    state?: string;
    reportId?: string;
    trackingCode?: string;
    status?: PublicStatus;
  } | null;
  readAt: string | null;
  createdAt: string;
}

export interface NotificationList extends ListResult<NotificationItem> {
  unread: number;
}

export const photoUrl = (id: string) => `/api/photos/${id}`;
export const thumbUrl = (id: string) => `/api/photos/${id}/thumb`;

/** Upload one photo (multipart) → its id. */
export async function uploadPhoto(file: File): Promise<{ id: string }> {
  const body = new FormData();
  body.append('file', file);
  const res = await fetch('/api/photos', { method: 'POST', body, credentials: 'include' });
  const data = (await res.json().catch(() => null)) as { id?: string; error?: { message?: string } } | null;
  if (!res.ok || !data?.id) throw new Error(data?.error?.message ?? `HTTP ${res.status}`);
  return { id: data.id };
}

export interface MatterType {
  code: string;
  name: string;
  majorCode: string;
  majorName: string | null;
  enabled: boolean;
}

/** Enabled matter types (for selects, names and the type hint). */
export function useMatterTypeList(enabled = true) {
  return useQuery({
    queryKey: ['catalog', 'types', 'matter', 'enabled'],
    enabled,
    staleTime: 5 * 60_000,
    queryFn: () =>
      api.get<ListResult<MatterType>>('/api/catalog/types', { kind: 'matter', enabled: true, pageSize: 500 }),
  });
}

export function useMatterNames(): Map<string, string> {
  const { data } = useMatterTypeList();
  const map = new Map<string, string>();
  for (const ty of data?.items ?? []) map.set(ty.code, ty.name);
  return map;
}
