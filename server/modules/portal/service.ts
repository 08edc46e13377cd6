/**
 * The public portal's use cases (policy.ts says what the public may do): report a problem through
 * the cases module's intake, follow it by its tracking code, rate it once resolved, see recent
 * public reports nearby, and read the shared data the report form needs (types to browse, a type
 * suggested from the words, the address search, the map's extent, outlines and division tiles).
 */

import { createHash } from 'node:crypto';
import { visibleLength } from '../../../common/blank-text.ts';
import {
  type PublicReportView,
  type PublicStatus,
  publicStatusOf,
  TRACKING_CODE_PATTERN,
  toPublicReport,
} from '../../../common/public-report.ts';
import type { RequestContext } from '../../platform/context.ts';
import type { Db } from '../../platform/db.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import { requestFingerprint } from '../../platform/idempotency.ts';
import { recordSatisfaction, satisfactionOf } from '../callbacks/index.ts';
import {
  createReport,
  type PhotoFile,
  publicStepsOf,
  recentPublicCases,
  recordPhoto,
  reportByTrackingCode,
  resultPhotosOf,
  type Spatial,
  storedPhoto,
  writePhotoFiles,
} from '../cases/index.ts';
import { listTypes } from '../catalog/index.ts';
import { suggest } from '../classifier/index.ts';
import {
  districtOutlines,
  geoInfo,
  type SpatialService,
  searchPlaces,
  type TileService,
} from '../geo/index.ts';
import {
  citizenContext,
  coarse,
  mayRate,
  NEARBY,
  PUBLIC_TILE_LAYERS,
  photoVisible,
  readerContext,
} from './policy.ts';
import * as repo from './repository.ts';
import type { NearbyQueryT, PortalReportFieldsT, RatingBodyT, SuggestBodyT } from './schemas.ts';

/** What reporting needs besides the database: where photos go, the grid index, the phone limit. */
export interface ReportDeps {
  dataDir: string;
  spatial: Spatial;
  /** Reports per phone number per 24 h; 0: no limit. */
  perPhonePerDay: number;
}

const PHONE_WINDOW_HOURS = 24;

/** Hours and minutes, as a citizen reads a wait ("3 小时 20 分钟" / "3 h 20 min"). */
function waitText(seconds: number): { zh: string; en: string } {
  const minutes = Math.max(1, Math.ceil(seconds / 60));
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return {
    zh: `${h ? `${h} 小时` : ''}${h && m ? ' ' : ''}${m ? `${m} 分钟` : ''}`,
    en: `${h ? `${h} h` : ''}${h && m ? ' ' : ''}${m ? `${m} min` : ''}`,
  };
}

/**
 * The window is a rolling 24 h, so the phone may report again when its oldest report in the window
 * leaves it: the answer says when (in words and as Retry-After), not "tomorrow".
 */
function phoneLimited(limit: number, retryAfterSeconds: number): AppError {
  const wait = waitText(retryAfterSeconds);
  return new AppError('RATE_LIMITED', {
    zh: `同一手机号 24 小时内最多上报 ${limit} 次，请 ${wait.zh}后再试；紧急情况请拨打城管热线`,
    en: `One phone number may send at most ${limit} reports in 24 hours; try again in ${wait.en}, or call the city hotline if it is urgent`,
    details: [{ field: 'body.report.phone', message: `at most ${limit} reports per 24 h` }],
    retryAfterSeconds,
  });
}

/**
 * What a citizen typed, as it is kept: control characters (the bell, terminal escapes) and the
 * bidirectional embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069: they make a
 * staff screen show text in another order than it was written) and the BOM are dropped; line
 * breaks and tabs stay; the ends are trimmed.
 */
export function cleanCitizenText(text: string): string {
  return text.replace(UNWANTED, (ch) => (ch === '\n' || ch === '\t' ? ch : '')).trim();
}
const UNWANTED = /[\p{Cc}\u202A-\u202E\u2066-\u2069\uFEFF]/gu;

/** At least this many visible characters make a description (white space and invisibles do not count). */
const MIN_DESCRIPTION_CHARS = 2;

function tooShort(field: string): AppError {
  return new AppError('VALIDATION_FAILED', {
    zh: `问题描述至少需要 ${MIN_DESCRIPTION_CHARS} 个可见字符`,
    en: `The description needs at least ${MIN_DESCRIPTION_CHARS} visible characters`,
    details: [{ field, message: `fewer than ${MIN_DESCRIPTION_CHARS} visible characters` }],
  });
}

/**
 * A retry must send what the first sending said (platform/idempotency.ts): the words, place, type,
 * phone and photos' content.
 */
function fingerprintOf(fields: PortalReportFieldsT, photoIds: readonly string[]): string {
  return requestFingerprint({
    description: fields.description,
    address: fields.address ?? null,
    location: [fields.location.lng, fields.location.lat, fields.location.crs],
    matterCode: fields.matterCode ?? null,
    phone: fields.phone ? repo.phoneDigits(fields.phone) : null,
    photos: [...photoIds].sort(),
  });
}

/** A key reused for another report: what the citizen should do. */
const KEY_REUSED_HINT = {
  zh: '这个上报编号已用于另一份上报，请重新打开上报页面再提交',
  en: 'it belongs to another report; open the report page anew and send it again',
};

/** Carries a replayed report's answer out of its transaction, which then writes nothing. */
class Replayed extends Error {
  constructor(readonly made: Awaited<ReturnType<typeof createReport>>) {
    super('replayed');
  }
}

/**
 * A report from the portal: the photos re-encoded (without their GPS: policy.ts `citizenContext`
 * says why) and stored, then — in one transaction — their rows, the report through the cases
 * module's intake on the channel `web` (idempotency, grid, routing, duplicates, the acceptor told)
 * and the portal's own row; the per-phone limit is counted under a lock on the number inside the
 * same transaction, so a report over it leaves nothing behind. One audit event: the report's
 * (`case.report` or `case.report_merged`, naming its photos). A report sent again with the same
 * idempotency key answers the first one and writes nothing (its transaction is rolled back; the
 * files on disk are the same content-addressed ones).
 */
export async function submitReport(
  db: Db,
  ctx: RequestContext,
  deps: ReportDeps,
  fields: PortalReportFieldsT,
  photoBytes: readonly Buffer[],
) {
  const citizen = citizenContext(ctx);
  const description = cleanCitizenText(fields.description);
  if (visibleLength(description) < MIN_DESCRIPTION_CHARS) throw tooShort('body.report.description');
  const address = fields.address ? cleanCitizenText(fields.address) : '';
  fields = {
    ...fields,
    description,
    address: visibleLength(address) > 0 ? address : undefined,
  };
  if (fields.address === undefined) delete fields.address;
  const files: PhotoFile[] = [];
  // Decoding is the expensive part: done before the transaction, one photo at a time.
  for (const bytes of photoBytes) files.push(await writePhotoFiles(deps.dataDir, bytes, { keepGps: false }));
  const phoneKey = fields.phone ? repo.phoneKeyOf(fields.phone) : null;
  const fingerprint = fingerprintOf(
    fields,
    files.map((f) => f.id),
  );
  const res = await db
    .transaction(async (tx) => {
      if (phoneKey && deps.perPhonePerDay > 0) await repo.lockPhone(tx, phoneKey);
      for (const f of files) await recordPhoto(tx, citizen, f, { event: false });
      const made = await createReport(tx, citizen, deps.spatial, {
        idempotencyKey: fields.idempotencyKey,
        channel: 'web',
        description: fields.description,
        ...(fields.address ? { address: fields.address } : {}),
        location: fields.location,
        ...(fields.matterCode ? { matterCode: fields.matterCode } : {}),
        photos: [...new Set(files.map((f) => f.id))],
        ...(fields.phone ? { reporter: { phone: repo.phoneDigits(fields.phone) } } : {}),
        sameRequest: { fingerprint, field: 'body.report.idempotencyKey', hint: KEY_REUSED_HINT },
      });
      if (made.replayed) throw new Replayed(made);
      if (phoneKey && deps.perPhonePerDay > 0) {
        const earlier = await repo.reportsOfPhoneWithin(tx, phoneKey, PHONE_WINDOW_HOURS, made.reportId);
        if (earlier >= deps.perPhonePerDay) {
          const endsIn = await repo.phoneWindowEndsIn(tx, phoneKey, PHONE_WINDOW_HOURS, made.reportId);
          throw phoneLimited(deps.perPhonePerDay, endsIn ?? PHONE_WINDOW_HOURS * 3600);
        }
      }
      await repo.recordPortalReport(tx, made.reportId, phoneKey);
      return made;
    })
    .catch((e: unknown) => {
      if (e instanceof Replayed) return e.made;
      throw e;
    });
  const view: PublicReportView = res.report;
  return {
    replayed: res.replayed,
    trackingCode: view.trackingCode,
    status: view.status,
    merged: view.merged,
    createdAt: view.createdAt,
    photos: view.photos.length,
  };
}

/**
 * A tracking code as typed: case and Crockford's look-alikes forgiven (O → 0, I and L → 1), so a
 * code read out on the phone or copied by hand still opens its report.
 */
export function normalizeTrackingCode(raw: string): string {
  return raw.trim().toUpperCase().replace(/O/g, '0').replace(/[IL]/g, '1');
}

const TRACKING = new RegExp(TRACKING_CODE_PATTERN);

const codeNotFound = (code: string) =>
  notFound({ zh: '查询码对应的上报', en: 'Report for tracking code' }, code);

async function findByCode(db: Db, raw: string) {
  const code = normalizeTrackingCode(raw);
  const found = TRACKING.test(code) ? await reportByTrackingCode(db, code) : null;
  if (!found) throw codeNotFound(raw);
  return found;
}

// ---------------------------------------------------------------------------------------------
// Matter types: the browse list and names, read through the catalogue as the public may.

interface PublicType {
  code: string;
  name: string;
  majorCode: string;
}
let typeCache: { at: number; majors: { code: string; name: string }[]; items: PublicType[] } | undefined;
const TYPE_CACHE_MS = 60_000;

/** The enabled matter types and their major classes (cached for a minute per node). */
export async function publicTypes(db: Db) {
  if (typeCache && Date.now() - typeCache.at < TYPE_CACHE_MS) return typeCache;
  const ctx = readerContext('types', 'catalog:read');
  const items: PublicType[] = [];
  let majors: { code: string; name: string }[] = [];
  for (let page = 1; ; page++) {
    const res = await listTypes(db, ctx, { kind: 'matter', enabled: true, page, pageSize: 200 });
    majors = res.majors;
    for (const t of res.items) items.push({ code: t.code, name: t.name, majorCode: t.majorCode });
    if (page * 200 >= res.total) break;
  }
  const used = new Set(items.map((t) => t.majorCode));
  typeCache = { at: Date.now(), majors: majors.filter((m) => used.has(m.code)), items };
  return typeCache;
}

async function typeNames(db: Db): Promise<Map<string, string>> {
  return new Map((await publicTypes(db)).items.map((t) => [t.code, t.name]));
}

const typeOf = (names: Map<string, string>, code: string | null) =>
  code ? { code, name: names.get(code) ?? code } : null;

/**
 * Types suggested from a description, best first (at most 5), by the classifier (the one every
 * channel asks; with the point, components standing near it count). Only the types: the places the
 * words name carry grid ids, which are the staff's.
 */
export async function suggestTypes(db: Db, input: SuggestBodyT) {
  const names = await publicTypes(db);
  const major = new Map(names.items.map((t) => [t.code, t.majorCode]));
  const found = await suggest(
    db,
    readerContext('suggest', 'case:report'),
    {
      text: input.text,
      // One half of a point is refused by the classifier, naming the missing half.
      ...(input.lng !== undefined ? { lng: input.lng } : {}),
      ...(input.lat !== undefined ? { lat: input.lat } : {}),
    },
    { places: false },
  );
  return {
    matterTypes: found.matterTypes
      .filter((t) => major.has(t.code))
      .map((t) => ({ code: t.code, name: t.name, majorCode: major.get(t.code)!, score: t.score })),
  };
}

// ---------------------------------------------------------------------------------------------
// Following a report

export interface Rating {
  result: 'satisfied' | 'basically_satisfied' | 'dissatisfied';
  at: Date;
}

/** The public view of the report with this tracking code (policy.ts: what a code's holder sees). */
export async function trackReport(db: Db, rawCode: string) {
  const { report, case: c } = await findByCode(db, rawCode);
  const view = toPublicReport(report, c);
  const status: PublicStatus = publicStatusOf(c.state);
  const [steps, after, names, rating] = await Promise.all([
    publicStepsOf(db, c.id, report.createdAt),
    status === 'resolved' ? resultPhotosOf(db, c.id) : Promise.resolve([]),
    typeNames(db),
    ratingOf(db, c.id),
  ]);
  return {
    caseId: c.id,
    view: {
      trackingCode: view.trackingCode,
      status,
      createdAt: view.createdAt,
      closedAt: view.closedAt,
      description: view.description,
      // The case's address is the words of the report that opened it: this reporter's only then.
      address: report.merged ? null : c.address,
      location: view.location,
      merged: view.merged,
      matterType: typeOf(names, c.matterCode),
      photos: view.photos,
      afterPhotos: after,
      timeline: [
        { at: view.createdAt, step: 'submitted' as const },
        ...steps.map((s) => ({ at: s.at.toISOString(), step: s.step })),
      ],
      rating: rating ? { result: rating.result, at: rating.at.toISOString() } : null,
      // The report that opened the case rates it; a report merged into it follows it (its holder
      // is someone else, who must not rate — and so reopen — another citizen's case).
      canRate: !report.merged && mayRate(status, !!rating),
    },
  };
}

/** A photo the tracking code opens (policy.ts `photoVisible`); any other is the same 404. */
export async function trackedPhoto(db: Db, dataDir: string, rawCode: string, id: string, thumb: boolean) {
  const { view } = await trackReport(db, rawCode);
  const file = photoVisible(view, id) ? await storedPhoto(db, dataDir, id, thumb) : null;
  if (!file) throw notFound('photo', id);
  return file;
}

// ---------------------------------------------------------------------------------------------
// Nearby

/** An opaque, stable reference of a case for the public list (never its id). */
const refOf = (caseId: string) =>
  createHash('sha256').update(`portal-ref:${caseId}`).digest('hex').slice(0, 16);

const round10 = (m: number) => Math.round(m / 10) * 10;

export async function nearbyReports(db: Db, q: NearbyQueryT) {
  const radiusM = q.radius ?? NEARBY.defaultRadiusM;
  const since = new Date(Date.now() - NEARBY.days * 86_400_000);
  const [rows, names] = await Promise.all([
    recentPublicCases(db, {
      lng: q.lng,
      lat: q.lat,
      radiusM,
      since,
      limit: q.limit ?? NEARBY.defaultLimit,
    }),
    typeNames(db),
  ]);
  return {
    center: { lng: q.lng, lat: q.lat, crs: 'wgs84' as const },
    radiusM,
    days: NEARBY.days,
    items: rows.map((r) => {
      const lng = coarse(r.lng);
      const lat = coarse(r.lat);
      const status = publicStatusOf(r.state);
      return {
        ref: refOf(r.id),
        matterType: typeOf(names, r.matterCode),
        status,
        reportedAt: r.createdAt.toISOString(),
        closedAt: status === 'resolved' || status === 'declined' ? (r.closedAt?.toISOString() ?? null) : null,
        location: { lng, lat, crs: 'wgs84' as const, coarse: true as const },
        distanceM: round10(haversine(q.lng, q.lat, lng, lat)),
      };
    }),
  };
}

function haversine(lng1: number, lat1: number, lng2: number, lat2: number): number {
  const R = 6_371_008.8;
  const rad = Math.PI / 180;
  const a =
    Math.sin(((lat2 - lat1) * rad) / 2) ** 2 +
    Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(((lng2 - lng1) * rad) / 2) ** 2;
  return 2 * R * Math.asin(Math.sqrt(a));
}

// ---------------------------------------------------------------------------------------------
// The map and the address search

export async function placeSearch(db: Db, spatial: SpatialService, q: { q: string; near?: string }) {
  const res = await searchPlaces(db, spatial, readerContext('places', 'geo:read'), { ...q, limit: 8 });
  return {
    items: res.items.map((p) => ({
      id: p.id,
      name: p.name,
      kind: p.kind,
      point: { lng: p.point.lng, lat: p.point.lat, crs: 'wgs84' as const },
      district: p.district?.name ?? null,
      community: p.community?.name ?? null,
      inside: !!p.grid,
      generated: p.generated,
      distanceM: p.distanceM,
    })),
  };
}

/**
 * Where a WGS84 point lies, as the public may know it: inside the managed area or not, and the
 * names of its district, township and community (not its grid).
 */
export function locatePoint(spatial: SpatialService, lng: number, lat: number) {
  const hit = spatial.lookup(lng, lat);
  return {
    inside: !!hit,
    district: hit?.district.name ?? null,
    township: hit?.township.name ?? null,
    community: hit?.community.name ?? null,
  };
}

export async function mapInfo(db: Db, spatial: SpatialService) {
  const info = await geoInfo(db, spatial, readerContext('map', 'geo:read'));
  return { bbox: info.bbox, center: info.center, crs: 'wgs84' as const, generated: info.generated };
}

export const mapOutlines = (db: Db) => districtOutlines(db, readerContext('map', 'geo:read'));

export function mapTile(tiles: TileService, z: number, x: number, y: number) {
  const [layer] = PUBLIC_TILE_LAYERS;
  return tiles.tile(readerContext('tiles', 'geo:read'), layer, z, x, y);
}

// ---------------------------------------------------------------------------------------------
// Rating

/**
 * The satisfaction the portal shows: the latest rating of the case's current closing when it came
 * from the portal (whichever code's holder gave it — one per closing; a call-back on the phone is
 * the centre's, not shown here). Its words are not shown: they may be another reporter's.
 */
async function ratingOf(db: Db, caseId: string): Promise<Rating | null> {
  const s = await satisfactionOf(db, caseId);
  return s && s.source === 'portal' ? { result: s.result, at: new Date(s.at) } : null;
}

/**
 * The code's holder rates the resolved report (the call-back module records it: one portal rating
 * per closing of the case; 不满意 may reopen it, by the city's setting). Answers the view anew.
 */
export async function rateReport(db: Db, ctx: RequestContext, rawCode: string, input: RatingBodyT) {
  const { report, case: c } = await findByCode(db, rawCode);
  if (report.merged) {
    throw new AppError('UNPROCESSABLE', {
      zh: '这份上报已并入他人先报的同一问题，由首位上报人评价；您可随时查看办理进度',
      en: 'This report was merged into an earlier report of the same problem, whose reporter rates it; you can follow its progress here',
      details: [{ field: 'params.code', message: 'merged report' }],
    });
  }
  if (publicStatusOf(c.state) !== 'resolved') {
    throw new AppError('UNPROCESSABLE', {
      zh: '问题办结后才能评价',
      en: 'A report can be rated once it is resolved',
      details: [{ field: 'params.code', message: `status ${publicStatusOf(c.state)}` }],
    });
  }
  await recordSatisfaction(db, citizenContext(ctx), {
    caseId: c.id,
    result: input.result,
    ...(input.note && cleanCitizenText(input.note) ? { note: cleanCitizenText(input.note) } : {}),
    source: 'portal',
    trackingCode: report.trackingCode,
  });
  return (await trackReport(db, rawCode)).view;
}
