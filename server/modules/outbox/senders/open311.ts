/**
 * The Open311 sender: a unit that is a department with its own GeoReport v2 server receives a
 * dispatched case as a service request there (`POST requests`, through the open311 module's
 * client and the platform's OutboundClient). The endpoint's URL is the server's base
 * (`…/open311/v2`); its options carry the key the department issued, its jurisdiction, the form
 * to speak (XML unless JSON is chosen) and our matter codes in its service codes.
 *
 * - What is sent: the service code, the case's point (WGS84), its description and address. Not
 *   the reporters, not our photos (they are not public), not our case code.
 * - The answer's request id (or token) is kept (outbox/forwards.ts) with an event on the case's
 *   timeline; the poller (forward-poller.ts) then reads its status and notes back.
 * - One request per problem: a later delivery of the same case (a re-dispatch, a rework order)
 *   while the department's request is still open sends nothing more — GeoReport v2 has no way to
 *   update a request — and after the department closed it, posts a new one.
 * - Retries: each delivery sends its id as `Idempotency-Key` (CityOps servers answer a retry with
 *   the first request; a server that ignores the header could see a request twice when an answer
 *   is lost on the way back).
 */
import { postRemoteRequest } from '../../open311/index.ts';
import { latestForward, recordForward } from '../forwards.ts';
import type { EndpointOptions, Open311Options } from '../tables.ts';
import { checkUrlTarget } from './check-url.ts';
import type { Sender } from './sender.ts';

interface CaseForForward {
  id: string;
  matterCode: string | null;
  location: { lng: number; lat: number };
  description: string;
  address: string | null;
  districtCode: string | null;
}

/** The department's service code for our matter type: mapped, else the default, else our own. */
export function serviceCodeFor(o: Open311Options, matterCode: string | null): string | null {
  if (matterCode && Object.hasOwn(o.serviceCodes, matterCode)) return o.serviceCodes[matterCode];
  return o.defaultServiceCode ?? matterCode;
}

export const open311Options = (options: EndpointOptions | null) => options?.open311 ?? null;

/**
 * The case's words as GeoReport's plain text: control and direction-override characters dropped,
 * angle brackets written full-width (＜＞) so a server that refuses anything like HTML (as ours
 * does) takes "水深<10cm" as the text it is.
 */
export function plainText(s: string): string {
  return (
    s
      // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is dropped
      .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\u202a-\u202e\u2066-\u2069]/g, '')
      .replace(/</g, '＜')
      .replace(/>/g, '＞')
  );
}

export const open311Sender: Sender = {
  kind: 'open311',

  checkTarget: checkUrlTarget,

  async send({ deliveryId, orgId, target, payload, timeoutMs }, env) {
    const o = open311Options(target.options);
    if (!o?.apiKey) return { ok: false, error: 'not_configured (api_key)' };
    const c = payload.case as CaseForForward | null;
    // The case is gone (never, today): nothing to forward.
    if (!c) return { ok: true };
    const last = await latestForward(env.db, orgId, c.id);
    if (last && last.status !== 'closed') return { ok: true };
    const serviceCode = serviceCodeFor(o, c.matterCode);
    if (!serviceCode) return { ok: false, error: 'not_configured (service_code)' };
    const res = await postRemoteRequest(
      { outbound: env.outbound, allowHttp: env.allowHttp, timeoutMs },
      { baseUrl: target.url, apiKey: o.apiKey, jurisdictionId: o.jurisdictionId, format: o.format },
      {
        serviceCode,
        lat: c.location.lat,
        long: c.location.lng,
        description: plainText(c.description),
        ...(c.address ? { addressString: plainText(c.address).replace(/[\r\n\t]+/g, ' ') } : {}),
      },
      deliveryId,
    );
    if (!res.ok) return res;
    await recordForward(env.db, {
      deliveryId,
      orgId,
      caseId: c.id,
      districtCode: c.districtCode,
      serviceRequestId: res.value.serviceRequestId,
      token: res.value.serviceRequestId ? null : res.value.token,
    });
    return { ok: true };
  },
};
