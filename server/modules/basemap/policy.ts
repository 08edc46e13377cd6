/**
 * Who may do what with the base map. Drawing it is part of reading the map: everyone who reads
 * the geography (`geo:read`) gets the active base map and its archive's bytes. Choosing it,
 * uploading and deleting archives, entering a 天地图 key and regenerating the city-layers map
 * are city administration (`basemap:manage` at the city level): a district's staff and its
 * administrator read the map but do not change what every district sees under it.
 */
import { AppError } from '../../platform/errors.ts';
import { defineScope, type ScopeActor } from '../../platform/scope.ts';

export const baseMapRead = defineScope({
  permission: 'geo:read',
  city: true,
  district: true,
  unit: true,
});

export const baseMapManage = defineScope({
  permission: 'basemap:manage',
  city: true,
  district: false,
  unit: false,
});

/** 403 unless the caller may change the base map. */
export function requireBaseMapManage(actor: ScopeActor): void {
  if (!baseMapManage.allows(actor, {})) throw new AppError('FORBIDDEN');
}
