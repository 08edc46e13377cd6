/**
 * One declaration of who reaches which rows, for every module's policy.ts.
 *
 * A policy used to be two hand-written functions: a predicate for one record (`canReadX`) and a
 * SQL condition for lists (`xReadFilter`). Nothing made them agree, and a read path that used
 * neither (finding 6 of issue 7: `/api/routing/resolve` showed units rules that
 * `/api/routing/rules/{id}` hid) went unnoticed. Here a module declares, once, what each level
 * of caller reaches — the city, a district, a unit — as plain data over the row's scope fields:
 *
 *     export const ruleRead = defineScope({
 *       permission: 'routing:read',
 *       columns: { districtCode: routeRule.districtCode, unitId: routeRule.unitId },
 *       city: true,
 *       district: (d) => ({ districtCode: d.districtCode }),
 *       unit: (u) => ({ unitId: u.orgId }),
 *     });
 *
 * and both forms come out of that one declaration: `allows(actor, row)` evaluates it on a row in
 * memory, `filter(actor)` compiles it to a Drizzle condition on the declared columns. They cannot
 * drift apart, because neither is written by hand (scope.test.ts runs both over the same rows in
 * a real database and insists they agree).
 *
 * The language is deliberately small — what scope rules in this domain need and no more:
 *   - `true`: every row; `false`: none;
 *   - an object: every named field matches (`{}` is every row);
 *   - an array: any of its items matches (`[]` is no row).
 * A field matches a value (`null` means the field is null), one of a list of values, or
 * `{ not: value }` (SQL `<>`, so null rows behave in SQL as they do in memory).
 *
 * The permission, when declared, is part of the rule: without it `allows` is false and `filter`
 * selects nothing, so a path that forgets the permission check still leaks nothing.
 * `requirePermission` gives the 403 of "you may not do this at all"; a single record outside the
 * scope is then the service's 404, as if it did not exist.
 */
import {
  and,
  type Column,
  eq,
  type GetColumnData,
  inArray,
  isNotNull,
  isNull,
  or,
  type SQL,
  sql,
} from 'drizzle-orm';
import type { Permission, Scope } from '../../common/identity.ts';
import type { Actor } from './context.ts';
import { AppError } from './errors.ts';

/** What a policy needs of the caller. An `Actor` is one; a bare `{ scope }` is one too. */
export interface ScopeActor {
  scope: Scope;
  permissions?: readonly Permission[];
  type?: Actor['type'];
  id?: string | null;
  name?: string;
}

/** Where a scope field lives in the database: a table column, or an SQL expression (a JSON field). */
export type ScopeSource = Column | SQL<unknown>;
type DataOf<S> = S extends Column ? GetColumnData<S> : S extends SQL<infer T> ? T : never;

/** The row a policy's predicate reads: one field per declared column, typed as the column is. */
export type ScopeRow<C extends Record<string, ScopeSource>> = { [K in keyof C]: DataOf<C[K]> };

/** What one field must be: a value (null: the field is null), one of a list, or anything but a value. */
export type FieldMatch<V> = V | null | readonly (V | null)[] | { readonly not: V | null };

/** Rows a caller reaches: all (`true`), none (`false`), every field matching (object), any item (array). */
export type Where<R> =
  | boolean
  | { readonly [K in keyof R]?: FieldMatch<NonNullable<R[K]>> }
  | readonly Where<R>[];

type ScopeOf<K extends Scope['kind']> = Extract<Scope, { kind: K }>;
type Level<R, K extends Scope['kind']> = Where<R> | ((scope: ScopeOf<K>, actor: ScopeActor) => Where<R>);

export interface ScopeDeclaration<C extends Record<string, ScopeSource>> {
  /** The permission the caller must hold at all (403 without it). */
  permission?: Permission;
  /** The row's scope fields and where they are stored; omitted for rules that depend on the level only. */
  columns?: C;
  // NoInfer: the columns alone decide the row type, so the rules are checked against it (a typo
  // in a field name or an enum value is a compile error) rather than widening it.
  city: NoInfer<Level<ScopeRow<C>, 'city'>>;
  district: NoInfer<Level<ScopeRow<C>, 'district'>>;
  unit: NoInfer<Level<ScopeRow<C>, 'unit'>>;
}

export interface ScopePolicy<R> {
  readonly permission: Permission | undefined;
  /** The declared rule for this caller, the permission included (`false` without it). */
  where(actor: ScopeActor): Where<R>;
  /** Whether the caller holds the declared permission (always, when none is declared). */
  permitted(actor: ScopeActor): boolean;
  /** 403 FORBIDDEN unless `permitted`. */
  requirePermission(actor: ScopeActor, message?: { zh: string; en: string }): void;
  /** The predicate: does the rule reach this row? (permission and scope) */
  allows(actor: ScopeActor, row: R): boolean;
  /** The scope part alone, whatever the caller's permissions (e.g. "may this admin name that unit?"). */
  inScope(actor: ScopeActor, row: R): boolean;
  /** Whether the caller's level reaches any row at all: false for a level declared `false` (403, not 404). */
  reachesAny(actor: ScopeActor): boolean;
  /** The same rule as a SQL condition on the declared columns (undefined: no restriction). */
  filter(actor: ScopeActor): SQL | undefined;
}

type AnyWhere = Where<Record<string, unknown>>;
type AnyMatch = FieldMatch<unknown>;

const isNot = (m: AnyMatch): m is { not: unknown } =>
  typeof m === 'object' && m !== null && !Array.isArray(m);

function fieldMatches(value: unknown, m: AnyMatch): boolean {
  const v = value ?? null;
  if (Array.isArray(m)) return m.some((x) => (x ?? null) === v);
  if (isNot(m)) return (m.not ?? null) !== v;
  return (m ?? null) === v;
}

/** Evaluates a rule on a row in memory. */
export function evaluate(where: AnyWhere, row: Record<string, unknown>): boolean {
  if (typeof where === 'boolean') return where;
  if (Array.isArray(where)) return where.some((w) => evaluate(w, row));
  return Object.entries(where as Record<string, AnyMatch>).every(([k, m]) => fieldMatches(row[k], m));
}

const TRUE = sql`true`;
const FALSE = sql`false`;

function fieldSql(column: ScopeSource, m: AnyMatch): SQL {
  // Drizzle's operators are overloaded per kind of operand; both kinds take the same SQL.
  const source = column as Column;
  if (Array.isArray(m)) {
    const values = m.filter((x) => x !== null && x !== undefined);
    const parts = [
      values.length ? inArray(source, values) : undefined,
      m.length > values.length ? isNull(source) : undefined,
    ].filter((p): p is SQL => p !== undefined);
    return parts.length === 0 ? FALSE : parts.length === 1 ? parts[0] : or(...parts)!;
  }
  if (isNot(m)) {
    return m.not === null || m.not === undefined
      ? isNotNull(source)
      : sql`(${source} IS DISTINCT FROM ${m.not})`;
  }
  return m === null || m === undefined ? isNull(source) : eq(source, m);
}

/** Compiles a rule to SQL on the given columns; a field without a column is a programming error. */
export function compile(where: AnyWhere, columns: Record<string, ScopeSource>): SQL {
  if (where === true) return TRUE;
  if (where === false) return FALSE;
  if (Array.isArray(where)) {
    if (where.length === 0) return FALSE;
    const parts = where.map((w) => compile(w, columns));
    return parts.length === 1 ? parts[0] : or(...parts)!;
  }
  const entries = Object.entries(where as Record<string, AnyMatch>);
  if (entries.length === 0) return TRUE;
  const parts = entries.map(([k, m]) => {
    const source = columns[k];
    if (!source) throw new Error(`scope rule names field "${k}", which the policy declares no column for`);
    return fieldSql(source, m);
  });
  return parts.length === 1 ? parts[0] : and(...parts)!;
}

export function defineScope<C extends Record<string, ScopeSource> = Record<never, ScopeSource>>(
  decl: ScopeDeclaration<C>,
): ScopePolicy<ScopeRow<C>> {
  type R = ScopeRow<C>;
  const permitted = (actor: ScopeActor) =>
    decl.permission === undefined || (actor.permissions ?? []).includes(decl.permission);
  const resolve = <K extends Scope['kind']>(level: Level<R, K>, scope: ScopeOf<K>, actor: ScopeActor) =>
    typeof level === 'function' ? level(scope, actor) : level;
  const scoped = (actor: ScopeActor): Where<R> => {
    const s = actor.scope;
    if (s.kind === 'city') return resolve(decl.city, s, actor);
    if (s.kind === 'district') return resolve(decl.district, s, actor);
    return resolve(decl.unit, s, actor);
  };
  const where = (actor: ScopeActor): Where<R> => (permitted(actor) ? scoped(actor) : false);
  return {
    permission: decl.permission,
    where,
    permitted,
    requirePermission(actor, message) {
      if (!permitted(actor)) throw new AppError('FORBIDDEN', message);
    },
    allows: (actor, row) => evaluate(where(actor) as AnyWhere, row as Record<string, unknown>),
    inScope: (actor, row) => evaluate(scoped(actor) as AnyWhere, row as Record<string, unknown>),
    reachesAny: (actor) => where(actor) !== false,
    filter(actor) {
      const w = where(actor) as AnyWhere;
      return w === true ? undefined : compile(w, decl.columns ?? {});
    },
  };
}
