/**
 * The tracking codes of the reports sent from this browser, kept on the device only (localStorage),
 * newest first, so a citizen finds their reports again without an account. Nothing of it is sent
 * anywhere; clearing the browser's data forgets it.
 */
import { TRACKING_CODE_PATTERN } from '../../../common/public-report.ts';

const KEY = 'cityops.portal.codes';
const MAX = 20;
const CODE = new RegExp(TRACKING_CODE_PATTERN);

export interface SavedCode {
  code: string;
  /** When it was sent (ISO). */
  at: string;
  /** The first words of the description, to tell reports apart. */
  title: string;
}

export function savedCodes(): SavedCode[] {
  try {
    const raw = JSON.parse(window.localStorage.getItem(KEY) ?? '[]') as unknown;
    if (!Array.isArray(raw)) return [];
    return raw
      .filter(
        (x): x is SavedCode =>
          !!x &&
          typeof x === 'object' &&
          typeof x.code === 'string' &&
          CODE.test(x.code) &&
          typeof x.at === 'string' &&
          typeof x.title === 'string',
      )
      .slice(0, MAX);
  } catch {
    return [];
  }
}

export function saveCode(entry: SavedCode): void {
  try {
    const rest = savedCodes().filter((c) => c.code !== entry.code);
    window.localStorage.setItem(KEY, JSON.stringify([entry, ...rest].slice(0, MAX)));
  } catch {
    // No storage (private mode): the code is on the screen to note down.
  }
}
