/** What the server takes: at most 50 characters (GET /api/geo/places). */
export const MAX_PLACE_QUERY = 50;

/**
 * What the address search box sends for `text`: trimmed, at most 50 characters as the server
 * counts them (code points), or null when there is nothing to search — empty, or no letter or
 * digit (`%`, `？！`), which the server refuses. A null clears the suggestions at once, so the
 * previous query's places never stay under text that asked nothing.
 */
export function placeQueryOf(text: string): string | null {
  const q = [...text.trim()].slice(0, MAX_PLACE_QUERY).join('').trim();
  return q !== '' && /[\p{L}\p{N}]/u.test(q) ? q : null;
}
