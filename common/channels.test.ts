import { describe, expect, it } from 'vitest';
import { CHANNELS, reportChannelsOf } from './channels.ts';

describe('reportChannelsOf: the channel follows the sender (the intake page and the server alike)', () => {
  it('a unit reports its own checks, whatever else it is', () => {
    expect(reportChannelsOf({ unit: true, apiKey: false, roles: ['inspector'] })).toEqual(['department']);
    expect(reportChannelsOf({ unit: true, apiKey: true, roles: [] })).toEqual(['department']);
  });

  it("another key is a citizens' app", () => {
    expect(reportChannelsOf({ unit: false, apiKey: true, roles: [] })).toEqual(['app']);
  });

  it('an inspector reports as an inspector only', () => {
    expect(reportChannelsOf({ unit: false, apiKey: false, roles: ['inspector'] })).toEqual(['inspector']);
  });

  it("other staff: the citizens' channels, never a unit's or a machine's", () => {
    const staff = reportChannelsOf({ unit: false, apiKey: false, roles: ['acceptor'] });
    expect(staff).toEqual(expect.arrayContaining(['hotline', 'web', 'app', 'wechat']));
    for (const c of ['department', 'sensor', 'opinion']) expect(staff).not.toContain(c);
    expect(staff.every((c) => CHANNELS.includes(c))).toBe(true);
  });
});
