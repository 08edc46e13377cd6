/**
 * Who may import: divisions, grids and places (the gazetteer) need geo:manage, components component:manage, each with
 * the write scope of its module (a district centre imports only features of its own district,
 * checked per row; a unit nothing). Jobs are read by whoever may import; the city sees every
 * job, others their own.
 */
import type { Actor } from '../../platform/context.ts';
import { defineScope } from '../../platform/scope.ts';
import { componentWrite } from '../components/index.ts';
import { geoWrite } from '../geo/index.ts';
import { importJob } from './tables.ts';

export const IMPORT_KINDS = ['divisions', 'grids', 'components', 'places'] as const;
export type ImportKind = (typeof IMPORT_KINDS)[number];

/** The write policy each kind of import is checked against (per row, by district). */
export const importWrite = {
  divisions: geoWrite,
  grids: geoWrite,
  components: componentWrite,
  places: geoWrite,
} as const;

export function canImport(actor: Actor, kind: ImportKind): boolean {
  return importWrite[kind].reachesAny(actor);
}

/** A district's boundary is the city's to draw: districts import inside theirs, never the line itself. */
export function canChangeDistrictBoundary(actor: Actor): boolean {
  return actor.scope.kind === 'city';
}

export function canReadJobs(actor: Actor): boolean {
  return IMPORT_KINDS.some((k) => canImport(actor, k));
}

/** Which jobs: the city's importers every job, a district's its own (`createdBy`: the user or key). */
export const jobRead = defineScope({
  columns: { createdBy: importJob.createdBy },
  city: true,
  district: (_d, a) => {
    const me = a.id ?? a.name;
    return me ? { createdBy: me } : false;
  },
  unit: false,
});
