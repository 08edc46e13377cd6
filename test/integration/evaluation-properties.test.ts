/**
 * Property test of the evaluation (issue 11, "what it must show" 2): for random histories — the
 * demo-case generator's (every state, every channel, rework, parking, extension, call-backs) from a
 * seed fast-check draws, in a fresh city each run — every figure of every subject:
 *   - a rate lies in [0, 1] and its numerator never exceeds its denominator;
 *   - the numerator and the denominator equal the totals of their drill-downs (and `unmet` their
 *     difference);
 *   - over one district's cases, the units' disposal figures add up to the district's: each
 *     dispatched case is counted for exactly one unit (the one it was dispatched to); for the
 *     other unit figures the units' sum never exceeds the district's (a case never dispatched has
 *     no unit).
 */
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { chinaDate } from '../../common/calendar/index.ts';
import { systemContext } from '../../server/platform/context.ts';
import { seedCases } from '../../server/seed/demo-cases/index.ts';
import { createTestApp, type TestApp } from '../support/app.ts';

type Fig = { indicator: string; numerator: number; denominator: number; value: number | null };
type Subjects = { subject: string; label: string; figures: Fig[] }[];
interface Def {
  key: string;
  kind: 'count' | 'rate' | 'average';
  subjects: string[];
}

const FROM = chinaDate(Date.now() - 120 * 86_400_000);
const TO = chinaDate(Date.now() + 86_400_000);
/** Each dispatched case is one unit's: these add up exactly over a district's units. */
const ADDS_UP = ['disposalRate', 'onTimeDisposalRate', 'overdueDisposalRate'];

const apps: TestApp[] = [];
afterAll(async () => {
  for (const a of apps) await a.close();
});

async function checkHistory(seed: number) {
  const t = await createTestApp();
  apps.push(t);
  const count = 60 + (seed % 90);
  await t.database.db.transaction((tx) =>
    seedCases(tx, systemContext('seed'), { count, seed, dataDir: t.config.dataDir }),
  );
  const leader = await t.login('city.leader');
  const defs = (await t.as(leader).get('/api/evaluation/indicators')).json().items as Def[];
  const kindOf = new Map(defs.map((d) => [d.key, d.kind]));
  const figuresOf = async (token: string, type: string) => {
    const res = await t.as(token).get(`/api/evaluation/figures?subjectType=${type}&from=${FROM}&to=${TO}`);
    expect(res.statusCode, res.body).toBe(200);
    return res.json().subjects as Subjects;
  };
  const drillTotal = async (ind: string, type: string, subject: string, part: string) => {
    const res = await t
      .as(leader)
      .get(
        `/api/evaluation/drill?indicator=${ind}&subjectType=${type}&subject=${subject}&from=${FROM}&to=${TO}&part=${part}&pageSize=1`,
      );
    expect(res.statusCode, res.body).toBe(200);
    return res.json().total as number;
  };

  for (const type of ['district', 'unit', 'dispatcher', 'inspector']) {
    const subjects = await figuresOf(leader, type);
    if (type === 'district')
      expect(subjects.length, `seed ${seed}: districts with figures`).toBeGreaterThan(0);
    for (const s of subjects) {
      for (const f of s.figures) {
        const where = `seed ${seed} ${type} ${s.label} ${f.indicator}`;
        if (kindOf.get(f.indicator) === 'rate') {
          expect(f.value, where).not.toBeNull();
          expect(f.value!, where).toBeGreaterThanOrEqual(0);
          expect(f.value!, where).toBeLessThanOrEqual(1);
          expect(f.numerator, where).toBeLessThanOrEqual(f.denominator);
        }
      }
    }
    // Drill-downs of the two busiest subjects of the type: every indicator, every part.
    const busiest = [...subjects]
      .sort(
        (a, b) =>
          b.figures.reduce((n, f) => n + f.denominator, 0) - a.figures.reduce((n, f) => n + f.denominator, 0),
      )
      .slice(0, 2);
    for (const s of busiest) {
      for (const f of s.figures) {
        const where = `seed ${seed} ${type} ${s.label} ${f.indicator}`;
        expect(await drillTotal(f.indicator, type, s.subject, 'denominator'), where).toBe(f.denominator);
        if (kindOf.get(f.indicator) === 'rate') {
          expect(await drillTotal(f.indicator, type, s.subject, 'numerator'), where).toBe(f.numerator);
          expect(await drillTotal(f.indicator, type, s.subject, 'unmet'), where).toBe(
            f.denominator - f.numerator,
          );
        }
      }
    }
  }

  // Over one district's cases (its own shift leader reads only them), the units against the district.
  const haishu = await t.login('haishu.shift_leader');
  const district = (await figuresOf(haishu, 'district')).find((s) => s.subject === '330203');
  const units = await figuresOf(haishu, 'unit');
  const unitIndicators = defs.filter((d) => d.subjects.includes('unit') && d.subjects.includes('district'));
  for (const d of unitIndicators) {
    const of = (list: Fig[] | undefined) => list?.find((f) => f.indicator === d.key);
    const whole = of(district?.figures) ?? { numerator: 0, denominator: 0 };
    const sum = units.reduce(
      (acc, u) => {
        const f = of(u.figures);
        return {
          numerator: acc.numerator + (f?.numerator ?? 0),
          denominator: acc.denominator + (f?.denominator ?? 0),
        };
      },
      { numerator: 0, denominator: 0 },
    );
    const where = `seed ${seed} 海曙 units' ${d.key}`;
    if (d.key === 'disposalRate')
      expect(whole.denominator, `${where}: 海曙 has dispatched cases`).toBeGreaterThan(0);
    if (ADDS_UP.includes(d.key)) {
      expect(sum, where).toEqual({ numerator: whole.numerator, denominator: whole.denominator });
    } else {
      expect(sum.denominator, where).toBeLessThanOrEqual(whole.denominator);
    }
  }
}

describe('evaluation properties over random histories', () => {
  it('rates in [0, 1], numerators and denominators equal their drill-downs, units add up to their district', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 2_000_000_000 }), async (seed) => {
        await checkHistory(seed);
      }),
      { numRuns: 3, endOnFailure: true },
    );
  }, 600_000);
});
