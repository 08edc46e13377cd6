/** What the map's search box was given: a grid ID, a component ID or (anything else) a community name. */
export type SearchTarget =
  | { kind: 'grid'; id: string }
  | { kind: 'component'; id: string }
  | { kind: 'community'; q: string }
  | { kind: 'none' };

export function classifySearch(raw: string): SearchTarget {
  const s = raw.trim().replace(/\s+/g, '');
  if (s === '') return { kind: 'none' };
  // 17 digits: a component (6 district + 5 type + 6 sequence).
  if (/^\d{17}$/.test(s)) return { kind: 'component', id: s };
  // 15 characters (or the 14-character legacy form): a unit grid.
  if (/^\d{14,15}$/.test(s)) return { kind: 'grid', id: s };
  return { kind: 'community', q: raw.trim().slice(0, 50) };
}
