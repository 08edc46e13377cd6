import { describe, expect, it } from 'vitest';
import {
  FINAL_PUBLIC_STATUSES,
  PUBLIC_STATUS_LABELS,
  PUBLIC_STATUS_OF,
  PUBLIC_STATUSES,
  publicStatusLabel,
  TRACKING_CODE_PATTERN,
  toPublicReport,
} from './public-report.ts';
import { CASE_STATES, OPEN_STATES, TERMINAL_STATES } from './workflow.ts';

const report = {
  id: '6f0c1f8e-3b1a-4c55-9a51-8c1d2e3f4a5b',
  trackingCode: '7KQM9TDX2PA3',
  createdAt: new Date('2026-03-02T01:02:03Z'),
  channel: 'app',
  description: '路灯不亮',
  lng: 121.55,
  lat: 29.87,
  photos: ['a'.repeat(64)],
  merged: true,
};

describe('public status', () => {
  it('maps every case state, and every status has Chinese and English words', () => {
    expect(Object.keys(PUBLIC_STATUS_OF).sort()).toEqual([...CASE_STATES].sort());
    for (const s of PUBLIC_STATUSES) {
      expect(PUBLIC_STATUS_LABELS[s].zh.length).toBeGreaterThan(0);
      expect(PUBLIC_STATUS_LABELS[s].en.length).toBeGreaterThan(0);
    }
    // Every status is reachable from some state.
    expect(new Set(Object.values(PUBLIC_STATUS_OF))).toEqual(new Set(PUBLIC_STATUSES));
    expect(publicStatusLabel('resolved', 'zh-CN')).toBe('已办结');
    expect(publicStatusLabel('declined', 'en-US')).toBe('Declined');
  });

  it('is final exactly for the finished states a report can be on (not merged: a merge moves the report)', () => {
    for (const s of OPEN_STATES) expect(FINAL_PUBLIC_STATUSES, s).not.toContain(PUBLIC_STATUS_OF[s]);
    for (const s of TERMINAL_STATES.filter((x) => x !== 'merged'))
      expect(FINAL_PUBLIC_STATUSES, s).toContain(PUBLIC_STATUS_OF[s]);
    expect(PUBLIC_STATUS_OF.reported).toBe('submitted');
    expect(PUBLIC_STATUS_OF.closed).toBe('resolved');
  });

  it('the view holds the report, its code and status, and the closing time only once final', () => {
    const closedAt = new Date('2026-03-05T08:00:00Z');
    const open = toPublicReport(report, { state: 'in_progress', closedAt: null });
    expect(open).toEqual({
      reportId: report.id,
      trackingCode: report.trackingCode,
      createdAt: '2026-03-02T01:02:03.000Z',
      channel: 'app',
      description: '路灯不亮',
      location: { lng: 121.55, lat: 29.87, crs: 'wgs84' },
      photos: report.photos,
      merged: true,
      status: 'in_progress',
      closedAt: null,
    });
    expect(toPublicReport(report, { state: 'closed', closedAt }).closedAt).toBe(closedAt.toISOString());
    expect(toPublicReport(report, { state: 'rejected', closedAt })).toMatchObject({
      status: 'declined',
      closedAt: closedAt.toISOString(),
    });
    // A merged case carries a closing time, but the report's problem is still being handled.
    expect(toPublicReport(report, { state: 'merged', closedAt }).closedAt).toBeNull();
  });

  it('tracking codes are Crockford base32, 12 characters', () => {
    const re = new RegExp(TRACKING_CODE_PATTERN);
    expect(re.test('7KQM9TDX2PA3')).toBe(true);
    for (const bad of ['7KQM9TDX2PA', '7KQM9TDX2PAI', '7kqm9tdx2pa3', '7KQM9TDX2PAU', '7KQM-9TDX-2PA3'])
      expect(re.test(bad), bad).toBe(false);
  });
});
