import { describe, expect, it } from 'vitest';
import { isEditable, newReportItem, type ReportDraft, type ReportItem, reviseReport } from './outbox-items';

const draft = (text: string): ReportDraft => ({
  idempotencyKey: 'key-original-1',
  description: text,
  location: { lng: 121.55, lat: 29.87, crs: 'wgs84' },
  accuracy: 12,
});

const png = (n: number) => new Blob([new Uint8Array([n, n, n])], { type: 'image/png' });

describe('outbox: editing a report', () => {
  it('a new report waits, never posted, and may be edited; once posted it may not', () => {
    const item = newReportItem('u1', draft('井盖破损'), [png(1)], new Date('2026-05-01T02:00:00Z'));
    expect(item).toMatchObject({ kind: 'report', userId: 'u1', status: 'pending', attempts: 0 });
    expect(item.createdAt).toBe('2026-05-01T02:00:00.000Z');
    expect(item.photos).toEqual([{ blob: item.photos[0].blob, name: 'photo-1.png' }]);
    expect(isEditable(item)).toBe(true);
    // The post may have reached the server (answer lost): its replay must stay the same report.
    expect(isEditable({ ...item, posted: true })).toBe(false);
    // Refused by the server, or taken back into the form: editable again.
    expect(isEditable({ ...item, posted: true, status: 'failed', error: '描述过短' })).toBe(true);
    expect(isEditable({ ...item, status: 'draft' })).toBe(true);
  });

  it('an action is never edited in the report form', () => {
    expect(
      isEditable({
        kind: 'action',
        id: 'a',
        userId: 'u1',
        createdAt: '2026-05-01T00:00:00Z',
        status: 'failed',
        attempts: 1,
        photos: [],
        caseId: 'c',
        caseCode: 'C-1',
        action: 'check_pass',
        version: 3,
      }),
    ).toBe(false);
  });

  it('an edit keeps the entry, clears the refusal, takes a new key and keeps uploads of kept photos', () => {
    const a = png(1);
    const b = png(2);
    const c = png(3);
    const before: ReportItem = {
      ...newReportItem('u1', draft('井盖'), [a, b], new Date('2026-05-01T02:00:00Z')),
      status: 'failed',
      error: 'refused',
      attempts: 2,
      posted: true,
    };
    before.photos[0].uploadedId = 'f'.repeat(64);
    before.photos[1].uploadedId = 'e'.repeat(64);
    const { idempotencyKey: _, ...text } = draft('井盖松动，行人经过有响声');
    const after = reviseReport(before, { ...text, matterCode: '01001' }, [a, c]);
    expect(after).toMatchObject({
      id: before.id,
      userId: 'u1',
      createdAt: before.createdAt,
      status: 'pending',
      attempts: 0,
      report: { description: '井盖松动，行人经过有响声', matterCode: '01001' },
    });
    expect(after.error).toBeUndefined();
    expect(after.posted).toBeUndefined();
    expect(after.report.idempotencyKey).not.toBe(before.report.idempotencyKey);
    expect(after.report.idempotencyKey.length).toBeGreaterThanOrEqual(8);
    // Photo a is kept with its upload; b is dropped; c is new (to be uploaded).
    expect(after.photos.map((p) => [p.blob, p.uploadedId])).toEqual([
      [a, 'f'.repeat(64)],
      [c, undefined],
    ]);
    // The stored item is not changed by the edit.
    expect(before.photos.length).toBe(2);
    expect(before.status).toBe('failed');
  });
});
