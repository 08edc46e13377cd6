/**
 * Photo links (`case_photo`: whoever may see a case may read its photos). The live loop links a
 * step's photos in `act()` and a report's by the database trigger on report, to the case the
 * report is on and, after a merge, to the surviving case too. The seed writes a duplicate's report
 * straight onto the surviving case, so the trigger links only that one: the links from the events
 * give the merged case its own (its timeline still shows the photos), and every step its photos.
 */
import type { EventRow } from './rows.ts';

/** (photo, case) for every photo a case event names: `after.photos` (a report), `after.input.photos` (a step). */
export function stepPhotoLinks(events: readonly EventRow[]) {
  const links = new Map<string, { photoId: string; caseId: string }>();
  for (const e of events) {
    if (e.entityType !== 'case' || !e.entityId) continue;
    const after = (e.after ?? {}) as { photos?: unknown; input?: { photos?: unknown } };
    for (const list of [after.photos, after.input?.photos]) {
      if (!Array.isArray(list)) continue;
      for (const photoId of list)
        links.set(`${photoId}:${e.entityId}`, { photoId: String(photoId), caseId: e.entityId });
    }
  }
  return [...links.values()];
}
