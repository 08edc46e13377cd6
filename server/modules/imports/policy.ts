/**
 * Who may import: divisions and grids need geo:manage, components component:manage; a district
 * centre imports only features of its own district (checked per row), a unit nothing. Jobs are
 * read by whoever may import; the city sees every job, others their own.
 */
import type { Actor } from '../../platform/context.ts';

export const IMPORT_KINDS = ['divisions', 'grids', 'components'] as const;
export type ImportKind = (typeof IMPORT_KINDS)[number];

export function canImport(actor: Actor, kind: ImportKind): boolean {
  if (actor.scope.kind === 'unit') return false;
  return actor.permissions.includes(kind === 'components' ? 'component:manage' : 'geo:manage');
}

/** A district's boundary is the city's to draw: districts import inside theirs, never the line itself. */
export function canChangeDistrictBoundary(actor: Actor): boolean {
  return actor.scope.kind === 'city';
}

export function canReadJobs(actor: Actor): boolean {
  return IMPORT_KINDS.some((k) => canImport(actor, k));
}

export function canReadAllJobs(actor: Actor): boolean {
  return actor.scope.kind === 'city';
}
