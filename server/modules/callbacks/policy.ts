/**
 * Who may call back and who may record a reporter's satisfaction.
 *
 * - The call-back queue and satisfactions heard on the phone: holders of `callback:record` in
 *   their scope — the city (the 12345 hotline's operators, the city admin) every case, a district
 *   centre (its acceptors) the cases of its district, a unit none. Outside it a call-back or a
 *   case does not exist (404).
 * - The public portal: anyone, anonymous included, who presents the tracking code (查询码) of a
 *   report on the case — the right to rate comes from the code, which only the reporter was given.
 * - An Open311 client: the API key (holding `case:report`) that submitted a report on the case.
 *
 * Nothing else rates: an anonymous caller without a matching tracking code, or claiming the phone
 * or Open311 as its source, is refused.
 */
import type { SatisfactionSource } from '../../../common/satisfaction.ts';
import type { Actor } from '../../platform/context.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import { defineScope } from '../../platform/scope.ts';
import type { CaseFacts } from '../cases/index.ts';
import { callback } from './tables.ts';

/** The call-back queue, and the phone's satisfactions: one declaration for the row and the list. */
export const callbackScope = defineScope({
  permission: 'callback:record',
  columns: { districtCode: callback.districtCode },
  city: true,
  district: (d) => ({ districtCode: d.districtCode }),
  unit: false,
});

/** A tracking code as typed or read out: spaces and case do not matter (Crockford base32). */
export const normaliseTrackingCode = (code: string) => code.replace(/[\s-]/g, '').toUpperCase();

/**
 * Whether `actor` may rate the case `c` from `source`: returns normally, or throws 403 (may not
 * rate from this source at all) or 404 (this case does not exist for the caller).
 */
export function authoriseRating(
  actor: Actor,
  source: SatisfactionSource,
  c: CaseFacts | undefined,
  caseId: string,
  trackingCode: string | undefined,
): asserts c is CaseFacts {
  if (source === 'portal') {
    // The portal's path, explicitly: the tracking code of a report on this case, whoever calls.
    if (!trackingCode) {
      throw new AppError('FORBIDDEN', {
        zh: '公众评价需要提供该上报的查询码',
        en: "A public rating needs the report's tracking code",
        details: [{ field: 'trackingCode', message: 'required for source portal' }],
      });
    }
    const code = normaliseTrackingCode(trackingCode);
    if (!c?.reports.some((r) => r.trackingCode === code)) throw notFound('case', caseId);
    return;
  }
  if (actor.type === 'anonymous') {
    throw new AppError('FORBIDDEN', {
      zh: '匿名访问只能凭查询码在公众端评价',
      en: 'An anonymous caller may only rate on the public portal, with a tracking code',
    });
  }
  if (source === 'open311') {
    if (actor.type !== 'api_key' || !actor.permissions.includes('case:report')) {
      throw new AppError('FORBIDDEN', {
        zh: 'Open311 评价只能由提交上报的接口密钥提交',
        en: 'An Open311 rating comes only from the API key that submitted the report',
      });
    }
    if (!c?.reports.some((r) => r.submitter === actor.id)) throw notFound('case', caseId);
    return;
  }
  callbackScope.requirePermission(actor, {
    zh: '无权记录回访结果',
    en: 'You may not record call-back results',
  });
  if (!c || !callbackScope.allows(actor, { districtCode: c.districtCode })) throw notFound('case', caseId);
}
