/**
 * The outbox: every report and task action the inspector makes goes here first (with its photos
 * as blobs), then is sent when there is a network — at once when online, on the `online` event and
 * on app start otherwise. Photos are uploaded first (their ids kept on the item, so a retry does
 * not upload them again), then the report or action is sent.
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

export interface OutboxPhoto {
  blob: Blob;
  name: string;
  /** Set once uploaded. */
  uploadedId?: string;
}

export type OutboxStatus = 'pending' | 'conflict' | 'failed';

interface ItemBase {
  id: string;
  userId: string;
  createdAt: string;
  status: OutboxStatus;
  /** The server's message when the item was refused (conflict or failed). */
  error?: string;
  attempts: number;
  photos: OutboxPhoto[];
}

export interface ReportDraft {
  idempotencyKey: string;
  description: string;
  location: { lng: number; lat: number; crs: 'wgs84' | 'gcj02' | 'bd09' | 'cgcs2000' };
  /** GPS accuracy in metres, when the position came from the device. */
  accuracy?: number | null;
  matterCode?: string;
  address?: string;
}

export interface ReportItem extends ItemBase {
  kind: 'report';
  report: ReportDraft;
}

export interface ActionItem extends ItemBase {
  kind: 'action';
  caseId: string;
  caseCode: string;
  action: string;
  version: number;
  reason?: string;
  note?: string;
}

export type OutboxItem = ReportItem | ActionItem;

/** A report that reached the server, as "我的上报" lists it. */
export interface SentReport {
  idempotencyKey: string;
  userId: string;
  reportId: string;
  /** The case, when the reporter may open it (null otherwise; always set by older versions). */
  caseId: string | null;
  caseCode: string | null;
  /** The report's public tracking code (absent in what older versions kept). */
  trackingCode?: string;
  description: string;
  createdAt: string;
  sentAt: string;
  photoCount: number;
  merged: boolean;
}

export function newId(): string {
  if (typeof crypto !== 'undefined' && 'randomUUID' in crypto) return crypto.randomUUID();
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}-${Math.random().toString(36).slice(2)}`;
}

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

export async function addReport(userId: string, report: ReportDraft, photos: Blob[]): Promise<ReportItem> {
  const item: ReportItem = {
    kind: 'report',
    id: newId(),
    userId,
    createdAt: new Date().toISOString(),
    status: 'pending',
    attempts: 0,
    photos: photos.map((blob, i) => ({ blob, name: photoName(blob, i) })),
    report,
  };
  await db.put('outbox', item);
  changed();
  return item;
}

export async function addAction(
  userId: string,
  action: Omit<ActionItem, 'kind' | 'id' | 'userId' | 'createdAt' | 'status' | 'attempts' | 'photos'>,
  photos: Blob[],
): Promise<ActionItem> {
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
  await db.put('outbox', item);
  changed();
  return item;
}

export async function discard(id: string): Promise<void> {
  await db.remove('outbox', id);
  changed();
}

/** Put a failed item back in the queue (e.g. after the inspector fixed the reason). */
export async function retry(id: string): Promise<void> {
  const item = await db.get<OutboxItem>('outbox', id);
  if (!item) return;
  await db.put('outbox', { ...item, status: 'pending', error: undefined });
  changed();
}

function photoName(blob: Blob, i: number): string {
  if (blob instanceof File && blob.name) return blob.name;
  const ext = blob.type === 'image/png' ? 'png' : blob.type === 'image/webp' ? 'webp' : 'jpg';
  return `photo-${i + 1}.${ext}`;
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
  for (const item of items) {
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

async function uploadPhotos(item: OutboxItem): Promise<void> {
  for (const p of item.photos) {
    if (p.uploadedId) continue;
    p.uploadedId = await uploadPhoto(p.blob, p.name);
    await db.put('outbox', item);
  }
}

const photoIds = (item: OutboxItem) =>
  item.photos.map((p) => p.uploadedId).filter((id): id is string => !!id);

async function sendReport(item: ReportItem): Promise<void> {
  const r = item.report;
  const photos = [...new Set(photoIds(item))];
  const res = await mapi.post<ReportResult>('/api/reports', {
    idempotencyKey: r.idempotencyKey,
    channel: 'inspector',
    description: r.description,
    location: r.location,
    ...(r.matterCode ? { matterCode: r.matterCode } : {}),
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
}

async function sendAction(item: ActionItem): Promise<void> {
  const photos = [...new Set(photoIds(item))];
  try {
    await mapi.post(`/api/cases/${item.caseId}/actions/${item.action}`, {
      version: item.version,
      ...(item.reason ? { reason: item.reason } : {}),
      ...(item.note ? { note: item.note } : {}),
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
