/**
 * Who may read and change the catalogue and the disposal standards. Everyone with catalog:read
 * reads them (they are the city's shared vocabulary). Writing needs catalog:manage at the city
 * level: the catalogue is city-wide, so a district's or unit's admin gets 403.
 */
import type { Actor } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { defineScope } from '../../platform/scope.ts';

export const catalogRead = defineScope({
  permission: 'catalog:read',
  city: true,
  district: true,
  unit: true,
});

export const catalogManage = defineScope({
  permission: 'catalog:manage',
  city: true,
  district: false,
  unit: false,
});

export function requireCatalogRead(actor: Actor) {
  catalogRead.requirePermission(actor);
}

export function requireCatalogManage(actor: Actor) {
  if (!catalogManage.allows(actor, {})) {
    throw new AppError('FORBIDDEN', {
      zh: '目录与立结案规范由市级管理员维护',
      en: 'The catalogue and disposal standards are managed at city level',
    });
  }
}
