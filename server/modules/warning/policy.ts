/**
 * Who reads the early warnings (预警): holders of `evaluation:read` — the city's leaders and
 * supervisors every warning; a district centre's shift leaders and dispatchers the warnings of
 * its district (its grids, itself, and the units — its own or the city's — as far as their risk
 * counts its cases); a unit none. Only the city runs the computation on demand (it writes every
 * district's warnings).
 */
import { defineScope } from '../../platform/scope.ts';
import { warning } from './tables.ts';

export const warningRead = defineScope({
  permission: 'evaluation:read',
  columns: { districtCode: warning.districtCode },
  city: true,
  district: (d) => ({ districtCode: d.districtCode }),
  unit: false,
});

export const warningRun = defineScope({
  permission: 'evaluation:read',
  city: true,
  district: false,
  unit: false,
});
