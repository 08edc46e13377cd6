/**
 * The outbox: a report or task action made without a network (the phone offline, or the request
 * failing on the way) waits here with its photos as blobs, and is sent when there is a network —
 * on the `online` event, on app start and every minute. Made online, it is sent at once and a
 * refusal is shown in the form (`submitReport`, `submitAction`): the outbox is for the network,
 * not for errors. Photos are uploaded first (their ids kept on the item, so a retry does not
 * upload them again), then the report or action is sent.
 *
 * - A report carries its idempotency key from the moment it is made: replayed after a partial
 *   failure (sent, but the answer lost) the server answers with the same report, never a second.
 * - An action carries the case version it was made against: if the case changed meanwhile the
 *   server answers 409 and the item stays, marked as a conflict, for the inspector to see and
 *   discard (or redo on the fresh case). If the 409 is our own earlier attempt (the action went
 *   through but the answer was lost), the case timeline shows it and the item is done.
 */
import { ApiError } from '../api/client';
import type { CaseDetail, ReportResult } from './api';
import { mapi, uploadPhoto } from './api';
import * as db from './db';
import {
  type ActionItem,
  isEditable,
  newId,
  newReportItem,
  type OutboxItem,
  photoName,
  type ReportDraft,
  type ReportItem,
  reviseReport,
  type SentReport,
} from './outbox-items';

export * from './outbox-items';

// --- change notification -----------------------------------------------------------------------

type Listener = () => void;
const listeners = new Set<Listener>();

export function subscribe(fn: Listener): () => void {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

function changed(): void {
  for (const fn of listeners) fn();
}

// --- reading and writing -----------------------------------------------------------------------

export async function listItems(userId: string): Promise<OutboxItem[]> {
  const all = await db.getAll<OutboxItem>('outbox');
  return all.filter((i) => i.userId === userId).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
}

export async function listSent(userId: string): Promise<SentReport[]> {
  const all = await db.getAll<SentReport>('sent');
  return all.filter((r) => r.userId === userId).sort((a, b) => b.createdAt.localeCompare(a.createdAt));
}

/** Takes a report out of the queue while it is being edited (so a sync does not send the old text). */
export async function holdForEdit(id: string): Promise<ReportItem | undefined> {
  const item = await db.get<OutboxItem>('outbox', id);
  if (!item || !isEditable(item)) return undefined;
  const held: ReportItem = { ...item, status: 'draft' };
  await db.put('outbox', held);
  changed();
  return held;
}

export async function discard(id: string): Promise<void> {
  await db.remove('outbox', id);
  changed();
}

/** Put a failed item or a draft back in the queue (e.g. after the inspector fixed the reason). */
export async function retry(id: string): Promise<void> {
  const item = await db.get<OutboxItem>('outbox', id);
  if (!item) return;
  await db.put('outbox', { ...item, status: 'pending', error: undefined });
  changed();
}

// --- sending -----------------------------------------------------------------------------------

export interface SyncOutcome {
  sent: number;
  /** Why the run stopped early: no network, signed out, or the server busy. */
  stopped?: 'offline' | 'unauthorized' | 'server';
}

let running: Promise<SyncOutcome> | null = null;
let again = false;

/** Sends the user's pending items in order; one run at a time (a call during a run queues one more). */
export function syncOutbox(userId: string): Promise<SyncOutcome> {
  if (running) {
    again = true;
    return running;
  }
  running = (async () => {
    let total = 0;
    let outcome: SyncOutcome;
    do {
      again = false;
      outcome = await runOnce(userId);
      total += outcome.sent;
    } while (again && !outcome.stopped);
    return { ...outcome, sent: total };
  })().finally(() => {
    running = null;
  });
  return running;
}

async function runOnce(userId: string): Promise<SyncOutcome> {
  let sent = 0;
  const items = (await listItems(userId)).filter((i) => i.status === 'pending');
  for (const listed of items) {
    // Read again: the item may have been taken into the form (a draft) or sent meanwhile.
    const item = await db.get<OutboxItem>('outbox', listed.id);
    if (item?.status !== 'pending') continue;
    try {
      await uploadPhotos(item);
      if (item.kind === 'report') await sendReport(item);
      else await sendAction(item);
      sent++;
    } catch (e) {
      const stop = await onError(item, e);
      if (stop) {
        changed();
        return { sent, stopped: stop };
      }
    }
    changed();
  }
  return { sent };
}

/** Uploads the item's photos not uploaded yet; `persist` keeps each id on the stored item at once. */
async function uploadPhotos(item: OutboxItem, persist = true): Promise<void> {
  for (const p of item.photos) {
    if (p.uploadedId) continue;
    p.uploadedId = await uploadPhoto(p.blob, p.name);
    if (persist) await db.put('outbox', item);
  }
}

const photoIds = (item: OutboxItem) =>
  item.photos.map((p) => p.uploadedId).filter((id): id is string => !!id);

async function sendReport(item: ReportItem, persist = true): Promise<SentReport> {
  const r = item.report;
  const photos = [...new Set(photoIds(item))];
  if (!item.posted) {
    item.posted = true;
    if (persist) await db.put('outbox', item);
  }
  const res = await mapi.post<ReportResult>('/api/reports', {
    idempotencyKey: r.idempotencyKey,
    channel: r.channel ?? 'inspector',
    description: r.description,
    location: r.location,
    ...(r.matterCode ? { matterCode: r.matterCode } : {}),
    ...(r.componentId ? { componentId: r.componentId } : {}),
    ...(r.address ? { address: r.address } : {}),
    ...(photos.length ? { photos } : {}),
  });
  const sentReport: SentReport = {
    idempotencyKey: r.idempotencyKey,
    userId: item.userId,
    reportId: res.reportId,
    caseId: res.case?.id ?? null,
    caseCode: res.case?.code ?? null,
    trackingCode: res.report.trackingCode,
    description: r.description,
    createdAt: item.createdAt,
    sentAt: new Date().toISOString(),
    photoCount: photos.length,
    merged: res.merged,
  };
  await db.put('sent', sentReport);
  await db.remove('outbox', item.id);
  return sentReport;
}

async function sendAction(item: ActionItem): Promise<void> {
  const photos = [...new Set(photoIds(item))];
  try {
    await mapi.post(`/api/cases/${item.caseId}/actions/${item.action}`, {
      version: item.version,
      ...(item.reason ? { reason: item.reason } : {}),
      ...(item.note ? { note: item.note } : {}),
      ...(item.extension ? { extension: item.extension } : {}),
      ...(photos.length ? { photos } : {}),
    });
  } catch (e) {
    if (e instanceof ApiError && e.status === 409 && (await alreadyApplied(item))) {
      await db.remove('outbox', item.id);
      return;
    }
    throw e;
  }
  await db.remove('outbox', item.id);
}

/** Whether the case's timeline shows this very action taken on the version the item was made against. */
async function alreadyApplied(item: ActionItem): Promise<boolean> {
  try {
    const detail = await mapi.get<CaseDetail>(`/api/cases/${item.caseId}`);
    return detail.timeline.some(
      (e) => e.action === `case.${item.action}` && e.before?.version === item.version,
    );
  } catch {
    return false;
  }
}

/** Records a refusal on the item; returns why the run must stop, if it must. */
async function onError(item: OutboxItem, e: unknown): Promise<SyncOutcome['stopped'] | undefined> {
  const err = e instanceof ApiError ? e : null;
  if (!err || err.status === 0) return 'offline';
  if (err.status === 401) return 'unauthorized';
  if (err.status >= 500 || err.status === 429) {
    await db.put('outbox', { ...item, attempts: item.attempts + 1 });
    return 'server';
  }
  await db.put('outbox', {
    ...item,
    attempts: item.attempts + 1,
    status: err.status === 409 ? 'conflict' : 'failed',
    error: err.message,
  });
  return undefined;
}

// --- sending at once ------------------------------------------------------------------------------

export type SubmitOutcome<T> = { outcome: 'sent'; result: T } | { outcome: 'queued'; item: OutboxItem };

const isNetworkError = (e: unknown) => e instanceof ApiError && e.status === 0;
const offlineNow = () => typeof navigator !== 'undefined' && navigator.onLine === false;

/**
 * A report from the form: sent at once when the phone is online (a refusal is thrown for the form
 * to show, and nothing is queued); kept in the outbox when it is offline or the request fails on
 * the way (with the photos already uploaded, and the same idempotency key for the replay).
 * `replacing`: the outbox item the form edited — replaced by this report (removed once sent).
 */
export async function submitReport(
  userId: string,
  report: ReportDraft,
  photos: Blob[],
  replacing?: ReportItem,
): Promise<SubmitOutcome<SentReport>> {
  const item = replacing ? reviseReport(replacing, report, photos) : newReportItem(userId, report, photos);
  const queue = async () => {
    await db.put('outbox', item);
    changed();
    return { outcome: 'queued' as const, item };
  };
  if (offlineNow()) return queue();
  try {
    await uploadPhotos(item, false);
    const sent = await sendReport(item, false);
    changed();
    return { outcome: 'sent', result: sent };
  } catch (e) {
    if (isNetworkError(e)) return queue();
    throw e;
  }
}

/**
 * A task action from the form: sent at once when online (a refusal — the case changed, a field
 * missing — is thrown for the form to show); queued when offline or when the request fails on
 * the way.
 */
export async function submitAction(
  userId: string,
  action: Omit<ActionItem, 'kind' | 'id' | 'userId' | 'createdAt' | 'status' | 'attempts' | 'photos'>,
  photos: Blob[],
): Promise<SubmitOutcome<null>> {
  const item: ActionItem = {
    ...action,
    kind: 'action',
    id: newId(),
    userId,
    createdAt: new Date().toISOString(),
    status: 'pending',
    attempts: 0,
    photos: photos.map((blob, i) => ({ blob, name: photoName(blob, i) })),
  };
  const queue = async () => {
    await db.put('outbox', item);
    changed();
    return { outcome: 'queued' as const, item };
  };
  if (offlineNow()) return queue();
  try {
    await uploadPhotos(item, false);
    await sendAction(item);
    changed();
    return { outcome: 'sent', result: null };
  } catch (e) {
    if (isNetworkError(e)) return queue();
    throw e;
  }
}
