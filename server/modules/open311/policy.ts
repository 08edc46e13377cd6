/**
 * Who may do what through Open311 GeoReport v2, and what it shows.
 *
 * - Reading (`services`, `requests`, `tokens`, `discovery`) needs no key: the spec marks every GET
 *   "Requires API Key: No". What a GET shows is therefore public, and only the public view of a
 *   report (cases/public-requests.ts): its own words, place, time, type and public status — never
 *   who reported it (no name, phone, account or key), who works on it (no staff, no unit), its
 *   case's code, grid or urgency, nor another reporter's words.
 * - Which reports are public: those the public made to be seen — through the public website, a
 *   citizens' app or WeChat (`web`, `app`, `wechat`; an app speaking Open311 is `app`) — and
 *   departments' own reports (`department`: public bodies reporting on public space, through
 *   Open311 or the API). Not a hotline call (a private conversation), an inspector's report or a
 *   sensor's, video's or opinion monitor's (the city's own work and machines), which stay inside
 *   the platform. A report appears once its case has a matter type (every Open311 request names
 *   its service). A request whose case was voided no longer shows its words (`showsWords`).
 * - Creating a request needs a platform API key holding `case:report`, given as the `api_key` form
 *   field; reporting is then the key's like any report of its own: where it may report is the
 *   cases policy's `reportArea` (a district's key in its district, a city key anywhere), checked
 *   by intake.
 */
import type { Channel } from '../../../common/channels.ts';
import type { CaseState } from '../../../common/workflow.ts';
import type { Actor } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';

export const PUBLIC_REQUEST_CHANNELS: readonly Channel[] = ['web', 'app', 'wechat', 'department'];

/**
 * Whether a public request shows the reporter's words and link. Not once its case was voided
 * (作废): staff found it no real problem — a false report, a prank, abuse — so the city stops
 * publishing what it says; the request itself stays readable as closed and declined, so whoever
 * made it still learns the outcome.
 */
export const showsWords = (caseState: CaseState) => caseState !== 'voided';

/**
 * The channel of a request made through Open311, chosen by who holds the key: a unit's key is a
 * department's own system reporting (部门), any other (a centre's key handed to a citizens' app
 * or website that speaks Open311) is an app.
 */
export function channelOfKey(actor: Actor): Channel {
  return actor.scope.kind === 'unit' ? 'department' : 'app';
}

/** A key that may report; 403 (the spec's answer for a bad key) otherwise. */
export function requireReporterKey(actor: Actor): void {
  if (actor.type !== 'api_key' || !actor.permissions.includes('case:report')) {
    throw new AppError('FORBIDDEN', {
      zh: '该 api_key 无上报权限（需要 case:report）',
      en: 'This api_key may not report (it needs case:report)',
    });
  }
}
