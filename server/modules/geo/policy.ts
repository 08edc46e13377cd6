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
import { defineScope } from '../../platform/scope.ts';
import { grid } from './tables.ts';

export const geoRead = defineScope({ permission: 'geo:read', city: true, district: true, unit: true });

/**
 * Reading the component layers geo serves from the component table (tiles, OGC collection):
 * the components module's own read rule (components/policy.ts `componentRead`: everyone with
 * component:read reads every component). Declared here rather than imported because components
 * builds on geo (grids, codes, coordinate systems) and geo may not depend back on it.
 */
export const componentLayerRead = defineScope({
  permission: 'component:read',
  city: true,
  district: true,
  unit: true,
});

/** Changing divisions and grids (imports): the city everywhere, a district centre its district, a unit nowhere. */
export const geoWrite = defineScope({
  permission: 'geo:manage',
  columns: { districtCode: grid.districtCode },
  city: true,
  district: (d) => ({ districtCode: d.districtCode }),
  unit: false,
});

export function requireGeoRead(actor: Actor): void {
  geoRead.requirePermission(actor);
}
