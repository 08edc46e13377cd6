/**
 * A replay's analysis (轨迹回放, issue 12 item 4): `GET /api/gps/tracks/analysis` — a terminal's or
 * a person's fixes in [from, to) (the same subject, range and bounds as `GET /api/gps/positions`,
 * the same 404 outside the caller's scope), the distance travelled, the stops, and the unit grids
 * crossed in order (the geo module's grid index over the track's bounding box). The algorithms and
 * their defaults are in track-analysis.ts.
 */
import type { RequestContext } from '../../platform/context.ts';
import type { Db } from '../../platform/db.ts';
import { gridIndexForBbox } from '../geo/index.ts';
import { enabledUsersWithOrg } from '../identity/index.ts';
import * as repo from './repository.ts';
import type { TrackAnalysisQueryT } from './schemas.ts';
import { trackRange, trackRows, trackSubject } from './service.ts';
import {
  detectStops,
  gridPassages,
  STOP_MIN_MS,
  STOP_RADIUS_M,
  type TrackFix,
  trackDistanceM,
} from './track-analysis.ts';

const iso = (ms: number) => new Date(ms).toISOString();

export async function trackAnalysis(db: Db, ctx: RequestContext, q: TrackAnalysisQueryT) {
  const { from, to } = trackRange(q);
  const subject = await trackSubject(db, ctx.actor, q);
  const rows = await trackRows(db, subject, from, to);
  const radiusM = q.stopRadius ?? STOP_RADIUS_M;
  const minMs = (q.stopMinutes ?? STOP_MIN_MS / 60_000) * 60_000;

  let label: string;
  let kind: 'vehicle' | 'person';
  if ('terminalId' in subject) {
    const t = (await repo.findTerminal(db, subject.terminalId))!;
    kind = 'vehicle';
    label = t.plate ?? t.terminalPhone;
  } else {
    const [u] = await enabledUsersWithOrg(db, [subject.userId]);
    kind = 'person';
    label = u?.user.displayName ?? subject.userId;
  }

  const fixes: TrackFix[] = rows.map((r) => ({
    t: r.time.getTime(),
    lat: r.lat,
    lng: r.lng,
    speed: r.speed,
  }));
  const stops = detectStops(fixes, radiusM, minMs);

  let grids: {
    gridId: string;
    districtCode: string | null;
    enter: string;
    leave: string;
    durationS: number;
  }[] = [];
  if (fixes.length > 0) {
    const bbox: [number, number, number, number] = [Infinity, Infinity, -Infinity, -Infinity];
    for (const f of fixes) {
      bbox[0] = Math.min(bbox[0], f.lng);
      bbox[1] = Math.min(bbox[1], f.lat);
      bbox[2] = Math.max(bbox[2], f.lng);
      bbox[3] = Math.max(bbox[3], f.lat);
    }
    const { index, districtOf } = await gridIndexForBbox(db, bbox);
    grids = gridPassages(fixes, (lng, lat) => index.lookup(lng, lat)).map((p) => ({
      gridId: p.gridId,
      districtCode: districtOf.get(p.gridId) ?? null,
      enter: iso(p.enter),
      leave: iso(p.leave),
      durationS: Math.round((p.leave - p.enter) / 1000),
    }));
  }

  const first = fixes[0]?.t;
  const last = fixes.at(-1)?.t;
  return {
    subject: { kind, id: 'terminalId' in subject ? subject.terminalId : subject.userId, label },
    from: from.toISOString(),
    to: to.toISOString(),
    points: rows.map((r) => ({
      time: r.time.toISOString(),
      lat: r.lat,
      lng: r.lng,
      speed: r.speed,
      direction: r.direction,
      alarm: r.alarm,
    })),
    distanceM: Math.round(trackDistanceM(fixes)),
    durationS: first === undefined || last === undefined ? 0 : Math.round((last - first) / 1000),
    maxSpeed: rows.reduce<number | null>((m, r) => (r.speed === null ? m : Math.max(m ?? 0, r.speed)), null),
    stops: stops.map((s) => ({
      start: iso(s.start),
      end: iso(s.end),
      durationS: Math.round(s.durationMs / 1000),
      lat: s.lat,
      lng: s.lng,
      fromIndex: s.from,
      toIndex: s.to,
    })),
    grids,
    params: { stopRadiusM: radiusM, stopMinutes: minMs / 60_000 },
  };
}
