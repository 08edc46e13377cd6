/**
 * The classifier's use cases: suggest matter types and places for a report's words (every channel
 * and form asks this), learn from each filing (a subscriber to `case.file`), and let the centres
 * read — and administrators retire — the labelled texts.
 */
import { and, eq, ilike, isNotNull, isNull, type SQL } from 'drizzle-orm';
import { recordEvent } from '../../platform/audit.ts';
import type { RequestContext } from '../../platform/context.ts';
import type { Db } from '../../platform/db.ts';
import { AppError } from '../../platform/errors.ts';
import { componentTypesNear } from '../components/index.ts';
import { convertLngLat, type GeographicCrs, gridAt, type LookupHit, placesInText } from '../geo/index.ts';
import { accountNames } from '../identity/index.ts';
import { sampleManage, sampleRead, suggestAccess } from './policy.ts';
import * as repo from './repository.ts';
import { classifierAssets, noteLocalChange, runtimeFor } from './runtime.ts';
import type { SampleDto, SampleListQueryT, SampleRetireT, SuggestionDto } from './schemas.ts';
import { textKey } from './seed.ts';
import { classifierSample } from './tables.ts';
import { MAX_LEARN_TEXT, MAX_SUGGEST_TEXT } from './text.ts';

/** At most this many types are suggested, best first. */
export const MAX_TYPES = 5;
/**
 * A type whose share of the belief is below this is no suggestion. Small on purpose: the right
 * type is often the second or third (the acceptor picks it), with a share of a few per mille when
 * the first is confident. A text that gives no evidence at all gets no suggestion.
 */
export const MIN_SCORE = 0.0005;
/** Components within this distance of the point favour their anomaly's type. */
export const NEAR_RADIUS_M = 30;

export interface SuggestInput {
  text: string;
  lng?: number;
  lat?: number;
  crs?: GeographicCrs;
}

/** The in-memory grid index when the caller has one (routes: the app's); else the grid table. */
export interface PointLookup {
  lookup(lng: number, lat: number): LookupHit | null;
}

const invalid = (field: string, zh: string, en: string) =>
  new AppError('VALIDATION_FAILED', { zh, en, details: [{ field: `body.${field}`, message: en }] });

/** The same bounds as the route's schema, for callers that come through the index (hotline, portal). */
function checkInput(input: SuggestInput): { text: string; point: { lng: number; lat: number } | null } {
  if (typeof input.text !== 'string' || input.text.length === 0) {
    throw invalid('text', '请提供要分析的文字', 'text is required');
  }
  if ([...input.text].length > MAX_SUGGEST_TEXT) {
    throw invalid(
      'text',
      `文字最多 ${MAX_SUGGEST_TEXT} 个字，收到 ${[...input.text].length} 个`,
      `text must be at most ${MAX_SUGGEST_TEXT} characters, got ${[...input.text].length}`,
    );
  }
  const hasLng = input.lng !== undefined;
  const hasLat = input.lat !== undefined;
  if (hasLng !== hasLat) {
    const missing = hasLng ? 'lat' : 'lng';
    throw invalid(missing, '经度和纬度须同时提供', 'lng and lat go together');
  }
  if (!hasLng) return { text: input.text, point: null };
  const lng = input.lng as number;
  const lat = input.lat as number;
  if (!Number.isFinite(lng) || Math.abs(lng) > 180) throw invalid('lng', '经度超出范围', 'lng out of range');
  if (!Number.isFinite(lat) || Math.abs(lat) > 90) throw invalid('lat', '纬度超出范围', 'lat out of range');
  const [x, y] = convertLngLat(lng, lat, input.crs ?? 'wgs84', 'wgs84');
  // Nine decimals (well under a millimetre): a subnormal number such as 5e-324 is no coordinate,
  // and PostgreSQL refuses it as a float8.
  const round = (v: number) => Math.round(v * 1e9) / 1e9;
  return { text: input.text, point: { lng: round(x), lat: round(y) } };
}

/**
 * Matter types for a report's words, best first (at most five, each with its share of the
 * belief), and the gazetteer's places the words name (with the grid each lies in). With a point,
 * a component standing within 30 m favours its anomaly's type.
 */
export async function suggest(
  db: Db,
  ctx: RequestContext,
  input: SuggestInput,
  opts: { spatial?: PointLookup; places?: boolean } = {},
): Promise<SuggestionDto> {
  suggestAccess.require(ctx.actor);
  const { text, point } = checkInput(input);
  const { rt, types } = await runtimeFor(db);
  if (text.trim() === '') return { matterTypes: [], places: [], revision: rt.rev };

  let near: Map<string, number> | undefined;
  if (point) {
    near = new Map();
    for (const t of await componentTypesNear(db, point.lng, point.lat, NEAR_RADIUS_M)) {
      near.set(t.typeCode, 1 - t.distanceM / NEAR_RADIUS_M);
    }
  }
  const matterTypes = [];
  const info: { evidence?: number } = {};
  const ranked = rt.model.classify(text, near, info);
  for (const s of info.evidence ? ranked : []) {
    if (matterTypes.length >= MAX_TYPES || s.score < MIN_SCORE) break;
    const t = types.byCode.get(s.code);
    if (!t?.enabled) continue;
    matterTypes.push({ code: t.code, name: t.name, score: Math.round(s.score * 10_000) / 10_000 });
  }

  const mentions =
    opts.places === false ? [] : await placesInText(db, text, { near: point ?? undefined, limit: 5 });
  const places = [];
  for (const m of mentions) {
    const gridId = opts.spatial
      ? (opts.spatial.lookup(m.lng, m.lat)?.grid.id ?? null)
      : ((await gridAt(db, m.lng, m.lat))?.id ?? null);
    places.push({
      id: m.id,
      name: m.name,
      kind: m.kind,
      lng: m.lng,
      lat: m.lat,
      gridId,
      districtCode: m.districtCode,
      generated: m.generated,
    });
  }
  return { matterTypes, places, revision: rt.rev };
}

/** Keeps the first `max` characters of a description, at a sentence end when one is near. */
export function learnableText(description: string): string {
  const chars = [...description.trim()];
  if (chars.length <= MAX_LEARN_TEXT) return chars.join('');
  const head = chars.slice(0, MAX_LEARN_TEXT).join('');
  const cut = Math.max(...['。', '！', '？', '；', '\n'].map((p) => head.lastIndexOf(p)));
  return cut >= MAX_LEARN_TEXT / 2 ? head.slice(0, cut + 1) : head;
}

/**
 * Learning at filing: the case's words, labelled with the type it was filed under, become a
 * labelled text — `confirmed` when that type was the model's first suggestion for the words,
 * `corrected` otherwise — in the filing's transaction (it commits or rolls back with the filing).
 * The model itself changes when a node next reads the revision (its own next question included).
 */
export async function learnFromFiling(
  tx: Db,
  ctx: RequestContext,
  filed: { caseId: string; description: string; matterCode: string; districtCode: string },
): Promise<repo.SampleRow | null> {
  const text = learnableText(filed.description);
  if (text === '') return null;
  const { rt } = await runtimeFor(tx);
  const first = rt.model.classify(text)[0]?.code ?? null;
  const rev = await repo.nextRevision(tx);
  noteLocalChange();
  return repo.insertLearned(tx, {
    source: first === filed.matterCode ? 'confirmed' : 'corrected',
    matterCode: filed.matterCode,
    text,
    textKey: textKey(text),
    voice: null,
    suggestedCode: first,
    caseId: filed.caseId,
    districtCode: filed.districtCode,
    createdBy: ctx.actor.type === 'user' ? ctx.actor.id : null,
    createdByName: ctx.actor.name,
    rev,
  });
}

async function toDto(db: Db, rows: repo.SampleRow[]): Promise<SampleDto[]> {
  const { types } = await runtimeFor(db);
  const name = (code: string | null) => (code ? (types.byCode.get(code)?.name ?? null) : null);
  // Who filed, as people read it (the display name now; the login kept on the row otherwise).
  const people = await accountNames(
    db,
    rows.flatMap((r) => (r.createdBy ? [r.createdBy] : [])),
  );
  return rows.map((r) => ({
    id: r.id,
    source: r.source,
    matterCode: r.matterCode,
    matterName: name(r.matterCode),
    text: r.text,
    voice: r.voice,
    suggestedCode: r.suggestedCode,
    suggestedName: name(r.suggestedCode),
    caseId: r.caseId,
    districtCode: r.districtCode,
    createdByName: (r.createdBy ? people.get(r.createdBy)?.name : undefined) ?? r.createdByName,
    createdAt: r.createdAt.toISOString(),
    retiredAt: r.retiredAt?.toISOString() ?? null,
    retiredReason: r.retiredReason,
    revision: Number(r.rev),
  }));
}

const escapeLike = (q: string) => q.replace(/[%_\\]/g, (c) => `\\${c}`);

/** The labelled texts the caller may read, newest first. */
export async function listSamples(db: Db, ctx: RequestContext, q: SampleListQueryT) {
  sampleRead.requirePermission(ctx.actor);
  const page = q.page ?? 1;
  const pageSize = q.pageSize ?? 20;
  const conds: (SQL | undefined)[] = [
    sampleRead.filter(ctx.actor),
    q.source ? eq(classifierSample.source, q.source) : undefined,
    q.matterCode ? eq(classifierSample.matterCode, q.matterCode) : undefined,
    q.q ? ilike(classifierSample.text, `%${escapeLike(q.q)}%`) : undefined,
    q.retired ? isNotNull(classifierSample.retiredAt) : isNull(classifierSample.retiredAt),
  ];
  const { rows, total } = await repo.listSamples(db, and(...conds), page, pageSize);
  return { items: await toDto(db, rows), total, page, pageSize };
}

/**
 * Retires a wrong labelled text: it leaves the model on every node at the next revision check,
 * and stays in the table with who retired it and why.
 */
export async function retireSample(db: Db, ctx: RequestContext, id: string, input: SampleRetireT) {
  sampleManage.requirePermission(ctx.actor);
  const row = await db.transaction(async (tx) => {
    const current = await repo.findSample(tx, id, true);
    if (!current || !sampleManage.allows(ctx.actor, current)) {
      throw new AppError('NOT_FOUND', {
        zh: `分类样本不存在：${id}`,
        en: `Classifier sample not found: ${id}`,
      });
    }
    if (current.retiredAt) {
      throw new AppError('CONFLICT', {
        zh: '该样本已停用',
        en: 'The sample is already retired',
        details: [{ field: 'params.id', message: 'already retired' }],
      });
    }
    const rev = await repo.nextRevision(tx);
    noteLocalChange();
    const retired = (await repo.retire(
      tx,
      id,
      ctx.actor.type === 'user' ? ctx.actor.id : null,
      input.reason,
      rev,
    ))!;
    await recordEvent(tx, ctx, {
      action: 'classifier.sample_retire',
      entityType: 'classifier_sample',
      entityId: id,
      districtCode: current.districtCode,
      before: { source: current.source, matterCode: current.matterCode, revision: Number(current.rev) },
      after: { retiredAt: retired.retiredAt, revision: rev },
      reason: input.reason,
    });
    return retired;
  });
  return (await toDto(db, [row]))[0];
}

/** How the classifier stands: revision, texts by source (in the caller's scope), the model's size. */
export async function classifierStatus(db: Db, ctx: RequestContext) {
  sampleRead.requirePermission(ctx.actor);
  const { rt, types } = await runtimeFor(db);
  const texts = await repo.countsBySource(db, sampleRead.filter(ctx.actor));
  return {
    revision: rt.rev,
    types: types.list.length,
    lexiconTerms: classifierAssets().terms,
    texts,
    inModel: rt.model.size,
    learnedCapPerType: rt.model.params.learnedCap,
    maxLearnText: MAX_LEARN_TEXT,
  };
}
