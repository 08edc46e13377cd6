/**
 * The check every sender that calls a URL makes when an admin saves it: the platform's outbound
 * rules (https unless the city allows http, no credentials, no internal address unless
 * OUTBOUND_ALLOW lists it). A name that does not resolve (yet) is accepted: nothing internal is
 * named, and every send checks again, failing with `dns` until the name resolves to an address it
 * may reach. A resolver slower than the deadline is treated the same way.
 */
import { OutboundError, urlProblemError } from '../../../platform/outbound.ts';
import type { SenderEnv } from './sender.ts';

/** How long saving an endpoint waits for its host name to resolve. */
const CHECK_TIMEOUT_MS = 5_000;

export async function checkUrlTarget(
  url: string,
  env: Pick<SenderEnv, 'outbound' | 'allowHttp'>,
  field: string,
) {
  try {
    const checked = await env.outbound.check(url, {
      allowHttp: env.allowHttp,
      deadline: Date.now() + CHECK_TIMEOUT_MS,
    });
    if (!checked.ok && checked.problem.kind !== 'unresolved') throw urlProblemError(checked.problem, field);
  } catch (err) {
    if (!(err instanceof OutboundError)) throw err;
  }
}
