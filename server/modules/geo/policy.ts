/**
 * Who may read the city's geography (divisions, unit grids, the point lookup, OGC API –
 * Features and the vector tiles).
 *
 * Decision: the geography is the city's SHARED BASE MAP. Every authenticated caller — any user
 * of any scope (city, district or unit) and any API key — that holds `geo:read` reads all of it,
 * across districts. It is not scoped like cases or organisations because a district inspector
 * must locate a report that lies just over the district line, a unit's handler must see where
 * its work is, and other departments' GIS consume the whole layer set through /ogc and /tiles.
 * Division codes, names and grid outlines hold no personal data. Scope still applies to
 * WRITES (imports and edits, `geo:manage`, by district) and to what other modules attach to
 * the map (cases, components' owners …), which those modules filter themselves.
 */
import type { Actor } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';

export const canReadGeo = (actor: Actor) => actor.permissions.includes('geo:read');

export function requireGeoRead(actor: Actor): void {
  if (!canReadGeo(actor)) throw new AppError('FORBIDDEN');
}
