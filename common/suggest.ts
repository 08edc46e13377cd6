/**
 * The offline matter-type hint: enabled matter types whose name (without generic suffixes such as
 * 异常, so 供水井盖异常 also matches 供水井盖) appears in a report's description, longest match
 * first. Every form asks the classifier (POST /api/intake/suggest, server/modules/classifier);
 * this is only what the inspectors' app falls back to without a network, where the classifier
 * cannot be reached. Only a hint: the shift leader fixes the type on filing.
 */
export interface TypeLike {
  code: string;
  name: string;
  enabled?: boolean;
}

function termsOf(name: string): string[] {
  const base = name.replace(/(异常|问题|损坏|破损|设施)$/u, '');
  const out = new Set([name, base]);
  if (base.length > 2 && base.endsWith('井盖')) out.add('井盖');
  return [...out].filter((t) => t.length >= 2);
}

export function suggestTypes<T extends TypeLike>(description: string, types: readonly T[], limit = 3): T[] {
  const text = description.trim();
  if (text.length < 2) return [];
  const scored: { t: T; score: number }[] = [];
  for (const t of types) {
    if (t.enabled === false) continue;
    const best = Math.max(
      0,
      ...termsOf(t.name)
        .filter((term) => text.includes(term))
        .map((term) => term.length),
    );
    if (best > 0) scored.push({ t, score: best });
  }
  return scored
    .sort((a, b) => b.score - a.score || a.t.code.localeCompare(b.t.code))
    .slice(0, limit)
    .map((s) => s.t);
}
