import { describe, expect, it } from 'vitest';
import { TRANSITIONS } from '../../../common/workflow.ts';
import {
  distanceM,
  distanceParts,
  fieldWorkOf,
  geoUri,
  labelPhotos,
  photoKindOfStep,
  placeErrorKey,
} from './field';

describe('distance', () => {
  it('is zero for one point and symmetric', () => {
    const a = { lng: 121.55, lat: 29.87 };
    const b = { lng: 121.56, lat: 29.88 };
    expect(distanceM(a, a)).toBe(0);
    expect(distanceM(a, b)).toBeCloseTo(distanceM(b, a), 9);
  });

  it('matches known distances: 0.01° of latitude ≈ 1112 m, 0.01° of longitude at 29.87° ≈ 965 m', () => {
    expect(distanceM({ lng: 121.55, lat: 29.87 }, { lng: 121.55, lat: 29.88 })).toBeCloseTo(1111.95, 0);
    const east = distanceM({ lng: 121.55, lat: 29.87 }, { lng: 121.56, lat: 29.87 });
    expect(east).toBeGreaterThan(963);
    expect(east).toBeLessThan(967);
    // 宁波 → 杭州 (city halls), about 147 km.
    const km = distanceM({ lng: 121.5497, lat: 29.8683 }, { lng: 120.1551, lat: 30.2741 }) / 1000;
    expect(km).toBeGreaterThan(140);
    expect(km).toBeLessThan(150);
  });

  it('reads as metres under a kilometre, kilometres beyond', () => {
    expect(distanceParts(3)).toEqual({ unit: 'm', value: '10' });
    expect(distanceParts(348)).toEqual({ unit: 'm', value: '350' });
    expect(distanceParts(999)).toEqual({ unit: 'm', value: '1000' });
    expect(distanceParts(1234)).toEqual({ unit: 'km', value: '1.2' });
    expect(distanceParts(23_456)).toEqual({ unit: 'km', value: '23' });
    expect(distanceParts(Number.NaN)).toEqual({ unit: 'm', value: '—' });
  });
});

describe('geo: URI', () => {
  it('is geo:lat,lng (latitude first) with six decimals', () => {
    expect(geoUri({ lng: 121.5, lat: 29.875 })).toBe('geo:29.875000,121.500000');
  });
  it('adds a labelled pin, encoded', () => {
    expect(geoUri({ lng: 121.55, lat: 29.87 }, '井盖 A&B')).toBe(
      'geo:29.870000,121.550000?q=29.870000,121.550000(%E4%BA%95%E7%9B%96%20A%26B)',
    );
  });
});

describe('field work from the transition table', () => {
  it('an inspector verifies and checks; a report in the acceptor’s queue is only their own report', () => {
    expect(fieldWorkOf('verifying', ['inspector'])).toEqual({ section: 'task', kind: 'verify' });
    expect(fieldWorkOf('checking', ['inspector'])).toEqual({ section: 'task', kind: 'check' });
    expect(fieldWorkOf('reported', ['inspector'])).toEqual({ section: 'own', kind: 'report' });
    expect(fieldWorkOf('in_progress', ['inspector'])).toBeNull();
  });
  it('a unit handler disposes of dispatched and signed cases, and has no field task elsewhere', () => {
    expect(fieldWorkOf('dispatched', ['unit_handler'])).toEqual({ section: 'task', kind: 'dispose' });
    expect(fieldWorkOf('in_progress', ['unit_handler'])).toEqual({ section: 'task', kind: 'dispose' });
    expect(fieldWorkOf('checking', ['unit_handler'])).toBeNull();
    expect(fieldWorkOf('reported', ['unit_handler'])).toBeNull();
  });
});

describe('photo labels', () => {
  it('names each photo-taking action of the table by the step it documents', () => {
    expect(photoKindOfStep('case.verify_confirm')).toBe('verify');
    expect(photoKindOfStep('case.verify_deny')).toBe('verify');
    expect(photoKindOfStep('case.self_dispose')).toBe('dispose');
    expect(photoKindOfStep('case.feed_back')).toBe('dispose');
    expect(photoKindOfStep('case.check_pass')).toBe('check');
    expect(photoKindOfStep('case.check_fail')).toBe('check');
    expect(photoKindOfStep('case.dispatch')).toBeNull();
    // Every action of the table that takes photos has a label.
    for (const rule of TRANSITIONS.filter((r) => r.fields.includes('photos')))
      expect(photoKindOfStep(`case.${rule.action}`), rule.action).not.toBeNull();
  });
  it('labels a case’s photos once each: the reports’ first, then the steps in order', () => {
    const photos = labelPhotos(
      [{ photos: ['r1', 'r2'] }, { photos: ['r2'] }],
      [
        { action: 'case.feed_back', photos: ['d1'] },
        { action: 'case.urge', photos: [] },
        { action: 'case.check_pass', photos: ['c1', 'd1'] },
      ],
    );
    expect(photos).toEqual([
      { id: 'r1', kind: 'report' },
      { id: 'r2', kind: 'report' },
      { id: 'd1', kind: 'dispose' },
      { id: 'c1', kind: 'check' },
    ]);
  });
});

describe('a refused place in plain words', () => {
  it('maps the server’s codes to the phone’s own sentences', () => {
    expect(placeErrorKey('OUTSIDE_MANAGED_AREA')).toBe('mobile.place.outside');
    expect(placeErrorKey('OUTSIDE_SCOPE')).toBe('mobile.place.notMine');
    expect(placeErrorKey('NETWORK_ERROR')).toBe('mobile.place.offline');
    expect(placeErrorKey('INTERNAL')).toBe('mobile.place.failed');
    expect(placeErrorKey(undefined)).toBe('mobile.place.failed');
  });
});
