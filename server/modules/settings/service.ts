/**
 * City settings: one JSON value per known key (registry.ts), versioned, every change audited.
 * Other modules read them with `getSetting` (the stored value, or the key's default when no row
 * exists yet) and may listen for local changes with `onSettingChange` (e.g. to drop a cache).
 */
import { Value } from 'typebox/value';
import type { AuditAction } from '../../../common/audit-vocabulary.ts';
import { recordEvent } from '../../platform/audit.ts';
import type { RequestContext } from '../../platform/context.ts';
import type { Db } from '../../platform/db.ts';
import { AppError, type ErrorDetail } from '../../platform/errors.ts';
import type { EventFeed } from '../../platform/event-feed.ts';
import { zhValidationMessage } from '../../platform/validation-messages.ts';
import { settingsRead, settingsWrite } from './policy.ts';
import { isSettingKey, SETTING_KEYS, SETTINGS, type SettingKey, type SettingValues } from './registry.ts';
import * as repo from './repository.ts';

export interface SettingDto {
  key: string;
  value: unknown;
  /** 0 while the default applies (no row yet); the next write names the version it replaces. */
  version: number;
  description: string;
  updatedBy: string | null;
  updatedAt: string | null;
}

type Listener = (db: Db, key: SettingKey) => void;
const listeners = new Set<Listener>();

/** Called after a setting's change has committed on this node (other nodes: watch the event feed). */
export function onSettingChange(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/**
 * A value refused: every problem named by its field and rule, in English and in Chinese (the
 * schema's rules read as the API's own validation reads them, validation-messages.ts); the message
 * names the setting and the first problem.
 */
function invalid(key: SettingKey, problems: SettingValueProblem[]): AppError {
  const [first] = problems;
  const more = problems.length > 1;
  return new AppError('VALIDATION_FAILED', {
    zh: `设置项 ${key} 的取值不符合要求：${first.field} ${first.zh}${more ? `（另有 ${problems.length - 1} 处）` : ''}`,
    en: `The value of setting ${key} is not allowed: ${first.field} ${first.message}${more ? ` (and ${problems.length - 1} more)` : ''}`,
    details: problems.map(({ zh: _zh, ...d }) => d),
    detailsZh: problems.map(({ zh, ...d }) => ({ ...d, message: zh })),
  });
}

/** A problem of a setting's value: its field, the rule in English (`message`) and in Chinese. */
export type SettingValueProblem = ErrorDetail & { field: string; message: string; zh: string };

function requireKey(key: string, field = 'params.key'): SettingKey {
  if (!isSettingKey(key)) {
    throw new AppError('VALIDATION_FAILED', {
      zh: `未知的设置项：${key}`,
      en: `Unknown setting: ${key}`,
      details: [{ field, message: `unknown setting; known: ${SETTING_KEYS.join(', ')}` }],
    });
  }
  return key;
}

/** Problems of a value for a key, fields named from `prefix` (e.g. `body.value.verify.amount`). */
export function settingValueProblems(
  key: SettingKey,
  value: unknown,
  prefix = 'body.value',
): SettingValueProblem[] {
  const def = SETTINGS[key];
  const out: SettingValueProblem[] = [];
  for (const e of Value.Errors(def.schema, value)) {
    if (e.keyword === 'boolean') continue; // the additionalProperties entry below names the field
    const base = prefix + e.instancePath.replace(/\//g, '.');
    const params = e.params as { requiredProperties?: string[]; additionalProperties?: string[] };
    const each = (missingProperty: string, additionalProperty: string) =>
      zhValidationMessage({ keyword: e.keyword, params: { missingProperty, additionalProperty } });
    if (params.requiredProperties?.length)
      for (const p of params.requiredProperties)
        out.push({ field: `${base}.${p}`, message: e.message, rule: e.keyword, zh: each(p, p) });
    else if (params.additionalProperties?.length)
      for (const p of params.additionalProperties)
        out.push({ field: `${base}.${p}`, message: e.message, rule: e.keyword, zh: each(p, p) });
    else
      out.push({
        field: base,
        message: e.message,
        rule: e.keyword,
        zh: zhValidationMessage({ keyword: e.keyword, params: e.params as Record<string, unknown> }),
      });
  }
  if (out.length === 0 && 'check' in def) {
    for (const p of def.check(value)) out.push({ ...p, field: `${prefix}${p.field ?? ''}` });
  }
  return out;
}

function toDto(key: SettingKey, row: repo.SettingRow | undefined): SettingDto {
  return {
    key,
    value: row ? row.value : structuredClone(SETTINGS[key].default),
    version: row?.version ?? 0,
    description: SETTINGS[key].description,
    updatedBy: row?.updatedBy ?? null,
    updatedAt: row ? row.updatedAt.toISOString() : null,
  };
}

/** A setting's current value (its default when never written). No permission check: for services. */
export async function getSetting<K extends SettingKey>(db: Db, key: K): Promise<SettingValues[K]>;
export async function getSetting<T>(db: Db, key: string): Promise<T>;
export async function getSetting(db: Db, key: string): Promise<unknown> {
  const k = requireKey(key, 'key');
  // A copy each time: a caller that mutates what it got must not change the cached value.
  return structuredClone(await cachedValue(db, k));
}

/*
 * Settings are read on every report, transition and queue page and change a few times a year, so
 * each database handle keeps their values in memory. A write on this node drops the cache when it
 * commits (writeSetting); other nodes drop it when the write's audit event reaches them through
 * the event feed (watchSettings), within the feed's poll interval. A transaction handle is a new
 * object each time, so reads inside a transaction are never served from an older transaction.
 */
const valueCache = new WeakMap<object, Map<SettingKey, Promise<unknown>>>();

function cachedValue(db: Db, key: SettingKey): Promise<unknown> {
  let entries = valueCache.get(db);
  if (!entries) {
    entries = new Map();
    valueCache.set(db, entries);
  }
  const hit = entries.get(key);
  if (hit) return hit;
  const p = repo.findSetting(db, key).then((row) => (row ? row.value : SETTINGS[key].default));
  entries.set(key, p);
  // A failed read is not cached: the next call tries again.
  const mine = entries;
  p.catch(() => {
    if (mine.get(key) === p) mine.delete(key);
  });
  return p;
}

/** Forgets this handle's cached setting values: the next `getSetting` reads the table. */
export function invalidateSettings(db: Db): void {
  valueCache.delete(db);
}

/** Drops the cache when another node changes a setting (its audit event arrives on the feed). */
export function watchSettings(db: Db, feed: EventFeed | undefined): () => void {
  if (!feed) return () => {};
  const entityTypes = new Set<string>(SETTING_KEYS.map((k) => SETTINGS[k].entityType));
  return feed.subscribe((rows) => {
    if (rows.some((r) => entityTypes.has(r.entityType))) invalidateSettings(db);
  });
}

/** The full record (value, version, who and when). No permission check: for services. */
export async function getSettingRecord(db: Db, key: SettingKey): Promise<SettingDto> {
  return toDto(key, await repo.findSetting(db, key));
}

export async function listSettingsFor(db: Db, ctx: RequestContext): Promise<{ items: SettingDto[] }> {
  settingsRead.requirePermission(ctx.actor);
  const rows = new Map((await repo.listSettings(db)).map((r) => [r.key, r]));
  return { items: SETTING_KEYS.map((k) => toDto(k, rows.get(k))) };
}

export async function getSettingFor(db: Db, ctx: RequestContext, key: string): Promise<SettingDto> {
  settingsRead.requirePermission(ctx.actor);
  return getSettingRecord(db, requireKey(key));
}

export interface WriteOptions {
  reason?: string | null;
  /** Audit action (default `setting.update`). */
  action?: AuditAction;
  /** Where the value sits in the request, for error fields (default `body.value`). */
  field?: string;
}

/**
 * Writes a setting without a permission check (the caller's policy decided): validates the value,
 * checks the version (409 when stale), writes and audits in one transaction, then tells listeners.
 */
export async function writeSetting(
  db: Db,
  ctx: RequestContext,
  key: SettingKey,
  value: unknown,
  version: number,
  opts: WriteOptions = {},
): Promise<SettingDto> {
  const problems = settingValueProblems(key, value, opts.field ?? 'body.value');
  if (problems.length) throw invalid(key, problems);
  const dto = await db.transaction(async (tx) => {
    const current = await repo.findSettingForUpdate(tx, key);
    const currentVersion = current?.version ?? 0;
    const stale = () =>
      new AppError('CONFLICT', {
        details: [{ field: 'body.version', message: `current version is ${currentVersion}` }],
      });
    if (currentVersion !== version) throw stale();
    const row = await repo.writeSettingRow(tx, key, value, version, ctx.actor.name);
    if (!row) throw stale();
    const before = toDto(key, current);
    const after = toDto(key, row);
    await recordEvent(tx, ctx, {
      action: opts.action ?? 'setting.update',
      entityType: SETTINGS[key].entityType,
      entityId: key,
      districtCode: null,
      before: { key, value: before.value, version: before.version },
      after: { key, value: after.value, version: after.version },
      reason: opts.reason ?? null,
    });
    return after;
  });
  invalidateSettings(db);
  for (const l of listeners) {
    try {
      l(db, key);
    } catch {
      // A listener's failure must not turn a committed write into an error.
    }
  }
  return dto;
}

/** `PUT /api/settings/:key`: city administrators only. */
export async function putSetting(
  db: Db,
  ctx: RequestContext,
  key: string,
  value: unknown,
  version: number,
  reason?: string | null,
): Promise<SettingDto> {
  if (!settingsWrite.allows(ctx.actor, {})) throw new AppError('FORBIDDEN');
  return writeSetting(db, ctx, requireKey(key), value, version, { reason });
}

/** Inserts the default of every key that has no row (first start); returns the keys written. */
export async function insertMissingDefaults(db: Db, by: string): Promise<SettingKey[]> {
  const written: SettingKey[] = [];
  for (const key of SETTING_KEYS) {
    if (await repo.insertDefault(db, key, SETTINGS[key].default, by)) written.push(key);
  }
  if (written.length) invalidateSettings(db);
  return written;
}
