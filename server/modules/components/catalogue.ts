/**
 * Component types of GB/T 47678.5-2026 (db/reference/gbt47678-5-catalogue.json), for names in
 * answers and for "unknown type code" checks. Local types a city adds live in the catalog
 * module; `componentTypeExists` asks its table as well, so an import may use them.
 */
import { sql } from 'drizzle-orm';
import catalogue from '../../../db/reference/gbt47678-5-catalogue.json' with { type: 'json' };
import type { Db } from '../../platform/db.ts';

export interface ComponentType {
  code: string;
  major: string;
  name: string;
}

export const COMPONENT_TYPES: readonly ComponentType[] = (catalogue as { components: ComponentType[] })
  .components;

const byCode = new Map(COMPONENT_TYPES.map((t) => [t.code, t]));

export function componentTypeName(code: string): string | null {
  return byCode.get(code)?.name ?? null;
}

export function isStandardComponentType(code: string): boolean {
  return byCode.has(code);
}

/** Every component type code usable now: the standard's plus the city's local ones. */
export async function knownComponentTypes(db: Db): Promise<Set<string>> {
  const set = new Set(byCode.keys());
  const res = (await db.execute(
    sql`SELECT code, enabled FROM catalog_type WHERE kind = 'component'`,
  )) as unknown as { rows: { code: string; enabled: boolean }[] };
  // Once the catalogue is seeded it is the authority: local types join, disabled ones leave.
  for (const r of res.rows) {
    if (r.enabled) set.add(r.code);
    else set.delete(r.code);
  }
  return set;
}
