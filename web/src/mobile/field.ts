/**
 * Pure helpers of the field apps (/m/): distance to a case, the `geo:` link that opens the
 * phone's navigation app, what kind of field work a case is for the caller (from the transition
 * table, never from action names), which step of the loop a photo came from, and the plain
 * sentence for a place the platform refused. No I/O, no React: unit-tested on their own.
 */
import type { Role } from '../../../common/identity.ts';
import {
  type CaseAction,
  type CaseState,
  type Effect,
  TRANSITIONS,
  type TransitionRule,
} from '../../../common/workflow.ts';

export interface Point {
  lng: number;
  lat: number;
}

const EARTH_RADIUS_M = 6_371_008.8;
const rad = (d: number) => (d * Math.PI) / 180;

/** Great-circle distance in metres between two WGS84 points (haversine). */
export function distanceM(a: Point, b: Point): number {
  const dLat = rad(b.lat - a.lat);
  const dLng = rad(b.lng - a.lng);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(rad(a.lat)) * Math.cos(rad(b.lat)) * Math.sin(dLng / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** A distance as the list shows it: metres under 1 km (rounded to 10 m), else km with one decimal. */
export function distanceParts(m: number): { unit: 'm' | 'km'; value: string } {
  if (!Number.isFinite(m) || m < 0) return { unit: 'm', value: '—' };
  if (m < 1000) return { unit: 'm', value: String(Math.max(10, Math.round(m / 10) * 10)) };
  return { unit: 'km', value: (m / 1000).toFixed(m < 10_000 ? 1 : 0) };
}

/**
 * RFC 5870 `geo:` URI of a WGS84 point: the phone's map or navigation app opens on it. The
 * `q=` part (Android's convention) puts a labelled pin there; other apps ignore it.
 */
export function geoUri(p: Point, label?: string): string {
  const lat = p.lat.toFixed(6);
  const lng = p.lng.toFixed(6);
  const base = `geo:${lat},${lng}`;
  if (!label) return base;
  return `${base}?q=${lat},${lng}(${encodeURIComponent(label)})`;
}

// --- field work ----------------------------------------------------------------------------------

/** What the caller is asked to do on a case: verify, check, dispose (a unit's work) or their own report. */
export type WorkKind = 'verify' | 'check' | 'dispose' | 'report';

export interface FieldWork {
  /** `task`: work the centre or the dispatcher gave the caller; `own`: a report of their own. */
  section: 'task' | 'own';
  kind: WorkKind;
}

const taskOf = (rule: TransitionRule) =>
  rule.effects.find((e): e is Extract<Effect, { type: 'completeTask' }> => e.type === 'completeTask')?.task;

/**
 * The caller's work on a case in `state`, read from the transition table: a rule whose work is
 * queued on one of the caller's roles is a task (verify/check when the rule completes such a
 * field task, else disposal); a rule that is work only on one's own reports (`own_report`) makes
 * the case one of "my reports". Null when the table gives the caller nothing to do there.
 */
export function fieldWorkOf(state: CaseState, roles: readonly Role[]): FieldWork | null {
  const rules = TRANSITIONS.filter(
    (r) => r.from.includes(state) && r.work.kind !== 'none' && roles.some((role) => r.roles.includes(role)),
  );
  const queued = rules.filter((r) => {
    const w = r.work;
    return w.kind === 'queue' && roles.some((role) => role === w.owner);
  });
  if (queued.length > 0) {
    const task = queued.map(taskOf).find(Boolean);
    return { section: 'task', kind: task ?? 'dispose' };
  }
  if (rules.some((r) => r.work.kind === 'own_report')) return { section: 'own', kind: 'report' };
  return null;
}

// --- photos --------------------------------------------------------------------------------------

/** Which step of the loop a photo documents: the report, a verification, the disposal or the check. */
export type PhotoKind = 'report' | 'verify' | 'dispose' | 'check';

const PHOTO_KIND_BY_ACTION: ReadonlyMap<CaseAction, PhotoKind> = (() => {
  const out = new Map<CaseAction, PhotoKind>();
  for (const rule of TRANSITIONS) {
    if (!rule.fields.includes('photos')) continue;
    let kind: PhotoKind | undefined;
    for (const e of rule.effects) {
      if (e.type === 'completeTask') kind = e.task;
      else if (e.type === 'recordCheckResult') kind = 'check';
      else if (e.type === 'recordVerification') kind = 'verify';
      else if (e.type === 'recordSelfDisposal') kind = 'dispose';
      else if (e.type === 'stopStage' && e.stage === 'dispose') kind = 'dispose';
      if (kind) break;
    }
    if (kind && !out.has(rule.action)) out.set(rule.action, kind);
  }
  return out;
})();

/** The kind of the photos a timeline step carried (`case.<action>` as the timeline names it). */
export function photoKindOfStep(timelineAction: string): PhotoKind | null {
  const action = timelineAction.replace(/^case\./, '') as CaseAction;
  return PHOTO_KIND_BY_ACTION.get(action) ?? null;
}

export interface LabelledPhoto {
  id: string;
  kind: PhotoKind | null;
}

/**
 * The photos of a case, each once, labelled by the step that brought it: the reports' first, then
 * the timeline's in order (a photo sent again later keeps its first label).
 */
export function labelPhotos(
  reports: readonly { photos: readonly string[] }[],
  steps: readonly { action: string; photos: readonly string[] }[],
): LabelledPhoto[] {
  const seen = new Set<string>();
  const out: LabelledPhoto[] = [];
  const add = (id: string, kind: PhotoKind | null) => {
    if (seen.has(id)) return;
    seen.add(id);
    out.push({ id, kind });
  };
  for (const r of reports) for (const p of r.photos) add(p, 'report');
  for (const s of steps) {
    const kind = photoKindOfStep(s.action);
    for (const p of s.photos) add(p, kind);
  }
  return out;
}

// --- places the platform refuses -------------------------------------------------------------------

/**
 * The locale key of the sentence the phone shows for a point the platform will not take, by the
 * server's error code (its own message names the coordinate system and the raw numbers, which
 * mean nothing to someone standing in the street).
 */
export function placeErrorKey(code: string | undefined): string {
  switch (code) {
    case 'OUTSIDE_MANAGED_AREA':
      return 'mobile.place.outside';
    case 'OUTSIDE_SCOPE':
      return 'mobile.place.notMine';
    case 'NETWORK_ERROR':
      return 'mobile.place.offline';
    default:
      return 'mobile.place.failed';
  }
}
