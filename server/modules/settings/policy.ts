/** Settings are the city's: any administrator reads them, only the city's administrators change them. */
import { defineScope } from '../../platform/scope.ts';

export const settingsRead = defineScope({
  permission: 'settings:manage',
  city: true,
  district: true,
  unit: true,
});

export const settingsWrite = defineScope({
  permission: 'settings:manage',
  city: true,
  district: false,
  unit: false,
});
