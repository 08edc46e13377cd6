/**
 * What the outbox keeps (reports and task actions made on the phone, with their photos as blobs)
 * and the pure rules about it — how an item is made, whether a report may be edited, what an edit
 * makes of it. No storage and no network here (outbox.ts does those), so they are unit-tested.
 */
export interface OutboxPhoto {
  blob: Blob;
  name: string;
  /** Set once uploaded. */
  uploadedId?: string;
}

/**
 * `pending`: waits for the network; `conflict` / `failed`: the server refused it (the case had
 * changed / another reason); `draft`: a report taken back into the form to be edited, not sent
 * until it is submitted again.
 */
export type OutboxStatus = 'pending' | 'conflict' | 'failed' | 'draft';

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
  /** The component (部件) the report is about, tapped on the map: 17-digit id. */
  componentId?: string;
  address?: string;
  /**
   * The channel: `department` for whoever reports for a unit (the server takes no other from a
   * unit), else the inspectors' `inspector` — also for items stored before the field existed.
   */
  channel?: 'inspector' | 'department';
}

export interface ReportItem extends ItemBase {
  kind: 'report';
  report: ReportDraft;
  /**
   * Set before the report is posted: an attempt may have reached the server even when its answer
   * was lost, so such an item is no longer edited (its replay must carry the same content).
   */
  posted?: boolean;
}

export interface ActionItem extends ItemBase {
  kind: 'action';
  caseId: string;
  caseCode: string;
  action: string;
  version: number;
  reason?: string;
  note?: string;
  extension?: { amount: number; unit: string };
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

export function newReportItem(
  userId: string,
  report: ReportDraft,
  photos: Blob[],
  now = new Date(),
): ReportItem {
  return {
    kind: 'report',
    id: newId(),
    userId,
    createdAt: now.toISOString(),
    status: 'pending',
    attempts: 0,
    photos: photos.map((blob, i) => ({ blob, name: photoName(blob, i) })),
    report,
  };
}

/**
 * Whether a report in the outbox may be opened back in the form: one the server refused, one
 * already taken back (a draft), or one still waiting that was never posted. One whose post may
 * have reached the server (answer lost) is not: its replay must be the same report.
 */
export function isEditable(item: OutboxItem): item is ReportItem {
  if (item.kind !== 'report') return false;
  if (item.status === 'failed' || item.status === 'draft') return true;
  return item.status === 'pending' && !item.posted;
}

/**
 * The item after its edit: the same outbox entry (id, owner, creation time) with the new content,
 * back in the queue with no error and no attempts. A fresh idempotency key, since the content is
 * another report now; photos kept from before keep their upload (the same blob, not uploaded
 * twice), new ones are to be uploaded.
 */
export function reviseReport(
  item: ReportItem,
  report: Omit<ReportDraft, 'idempotencyKey'>,
  photos: Blob[],
): ReportItem {
  const kept = new Map(item.photos.map((p) => [p.blob, p]));
  return {
    kind: 'report',
    id: item.id,
    userId: item.userId,
    createdAt: item.createdAt,
    status: 'pending',
    attempts: 0,
    photos: photos.map((blob, i) => {
      const before = kept.get(blob);
      return before ? { ...before } : { blob, name: photoName(blob, i) };
    }),
    report: { ...report, idempotencyKey: newId() },
  };
}

export function photoName(blob: Blob, i: number): string {
  if (blob instanceof File && blob.name) return blob.name;
  const ext = blob.type === 'image/png' ? 'png' : blob.type === 'image/webp' ? 'webp' : 'jpg';
  return `photo-${i + 1}.${ext}`;
}
