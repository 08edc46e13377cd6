/** The numbers the hotline answers: the city line and the legacy lines merged into it. */
import type { Db } from '../../platform/db.ts';
import { getSetting } from '../settings/index.ts';

/** The city line first, then the merged legacy ones (setting `hotline.numbers`: 12345, 96310, 12319). */
export async function hotlineLines(db: Db): Promise<string[]> {
  const n = await getSetting(db, 'hotline.numbers');
  return [n.city, ...n.legacy];
}
