/**
 * Suggests a matter type from a report's words: the enabled matter types whose name (or the
 * name of the component it is the anomaly of) appears in the description, longest match first.
 * A hint for the acceptor, never a decision: filing fixes the type.
 */

import { suggestTypes, type TypeLike } from '../../../common/suggest.ts';
import { systemContext } from '../../platform/context.ts';
import type { Db } from '../../platform/db.ts';
import { listTypes } from '../catalog/index.ts';

let cache: { at: number; types: TypeLike[] } | undefined;

async function loadTypes(db: Db): Promise<TypeLike[]> {
  if (cache && Date.now() - cache.at < 60_000) return cache.types;
  const ctx = systemContext('suggest');
  ctx.actor.permissions = ['catalog:read'];
  const types: TypeLike[] = [];
  for (let page = 1; ; page++) {
    const res = await listTypes(db, ctx, { kind: 'matter', enabled: true, page, pageSize: 500 });
    for (const t of res.items) types.push({ code: t.code, name: t.name });
    if (page * 500 >= res.total) break;
  }
  cache = { at: Date.now(), types };
  return types;
}

export async function suggestMatterTypes(db: Db, description: string, limit = 3) {
  return suggestTypes(description, await loadTypes(db), limit);
}

export function forgetSuggestionCache() {
  cache = undefined;
}
