/**
 * Suggests a matter type from a report's words: the enabled matter types whose name (or the
 * name of the component it is the anomaly of) appears in the description, longest match first.
 * A hint for the acceptor, never a decision: filing fixes the type.
 */

import { systemContext } from '../../platform/context.ts';
import type { Db } from '../../platform/db.ts';
import { listTypes } from '../catalog/service.ts';

interface Term {
  code: string;
  name: string;
  terms: string[];
}

let cache: { at: number; terms: Term[] } | undefined;

/** Strip the generic suffixes so 供水井盖异常 also matches a report saying 供水井盖. */
function termsOf(name: string): string[] {
  const base = name.replace(/(异常|问题|损坏|破损|设施)$/u, '');
  const out = new Set([name, base]);
  if (base.length > 2 && base.endsWith('井盖')) out.add('井盖');
  return [...out].filter((t) => t.length >= 2);
}

async function loadTerms(db: Db): Promise<Term[]> {
  if (cache && Date.now() - cache.at < 60_000) return cache.terms;
  const ctx = systemContext('suggest');
  ctx.actor.permissions = ['catalog:read'];
  const terms: Term[] = [];
  for (let page = 1; ; page++) {
    const res = await listTypes(db, ctx, { kind: 'matter', enabled: true, page, pageSize: 500 });
    for (const t of res.items) terms.push({ code: t.code, name: t.name, terms: termsOf(t.name) });
    if (page * 500 >= res.total) break;
  }
  cache = { at: Date.now(), terms };
  return terms;
}

export async function suggestMatterTypes(db: Db, description: string, limit = 3) {
  const terms = await loadTerms(db);
  const scored: { code: string; name: string; score: number }[] = [];
  for (const t of terms) {
    const best = Math.max(
      0,
      ...t.terms.filter((term) => description.includes(term)).map((term) => term.length),
    );
    if (best > 0) scored.push({ code: t.code, name: t.name, score: best });
  }
  return scored.sort((a, b) => b.score - a.score || a.code.localeCompare(b.code)).slice(0, limit);
}

export function forgetSuggestionCache() {
  cache = undefined;
}
