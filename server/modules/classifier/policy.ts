/**
 * Who may ask the classifier and who may see and retire its labelled texts.
 *
 * - Suggestions (`suggestAccess`): a signed-in person of the city's staff — everyone who reports
 *   (`case:report`) or works cases (`case:read`: the shift leader filing a case sees suggestions
 *   for its words too) — or a machine's API key with `case:report` (Open311, the hotline system),
 *   the public portal's citizen while it reports (portal/policy.ts `citizenContext`: anonymous with
 *   `case:report` only); and this server's own processes. The answer is types and
 *   gazetteer places: the shared base map, nothing of any case.
 * - Labelled texts (`sampleRead`): the city sees all (the seed ones too); a district centre the
 *   texts learned from its own district's cases (they are its cases' words); units none.
 * - Retiring a wrong text (`sampleManage`): administrators of the catalogue, the city anywhere,
 *   a district's in its district.
 */
import type { Permission } from '../../../common/identity.ts';
import { type Actor, isInProcessSystem } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { defineScope } from '../../platform/scope.ts';
import { classifierSample } from './tables.ts';

const columns = { districtCode: classifierSample.districtCode };

export const sampleRead = defineScope({
  permission: 'case:read',
  columns,
  city: true,
  district: (d) => ({ districtCode: d.districtCode }),
  unit: false,
});

export const sampleManage = defineScope({
  permission: 'catalog:manage',
  columns,
  city: true,
  district: (d) => ({ districtCode: d.districtCode }),
  unit: false,
});

const has = (actor: Actor, p: Permission) => actor.permissions.includes(p);

export const suggestAccess = {
  allows(actor: Actor): boolean {
    if (isInProcessSystem(actor)) return true;
    // A machine's key, or the public portal's citizen (anonymous, given `case:report` only by the
    // portal's policy for the one report it sends: intake asks for its words' types).
    if (actor.type === 'api_key' || actor.type === 'anonymous') return has(actor, 'case:report');
    if (actor.type === 'user') return has(actor, 'case:report') || has(actor, 'case:read');
    return false;
  },
  require(actor: Actor): void {
    if (!suggestAccess.allows(actor)) throw new AppError('FORBIDDEN');
  },
};
