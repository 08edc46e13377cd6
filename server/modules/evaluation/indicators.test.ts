/**
 * The indicator definitions are complete and coherent: each says what it counts, when, with which
 * clock, for which subjects, in both languages; a subject type is offered only where the source
 * row names it (a post needs the row's actor, a unit the row's unit); rates have a numerator,
 * averages a value, counts neither. The figures themselves are checked on a hand-built history in
 * test/integration/evaluation.test.ts.
 */
import { PgDialect } from 'drizzle-orm/pg-core';
import { describe, expect, it } from 'vitest';
import { STAGES } from '../../../common/workflow.ts';
import { INDICATORS, POST_TYPES, REGION_TYPES, SOURCES, SUBJECT_TYPES } from './indicators.ts';

const dialect = new PgDialect();
const render = (s: Parameters<PgDialect['sqlToQuery']>[0]) => dialect.sqlToQuery(s).sql;

describe('indicator definitions', () => {
  it('keys are unique and every one the issue lists is there', () => {
    const keys = INDICATORS.map((i) => i.key);
    expect(new Set(keys).size).toBe(keys.length);
    for (const k of [
      'reports',
      'validReportRate',
      'missRate',
      'onTimeVerifyRate',
      'onTimeCheckRate',
      'filedCount',
      'filingAccuracy',
      'onTimeDispatchRate',
      'dispatchAccuracy',
      'disposalRate',
      'onTimeDisposalRate',
      'overdueDisposalRate',
      'closureRate',
      'onTimeClosureRate',
      'reworkRate',
      'avgHandlingHours',
      'satisfactionRate',
      'departmentSelfDisposals',
    ]) {
      expect(keys, k).toContain(k);
    }
  });

  for (const ind of INDICATORS) {
    it(`${ind.key}: complete, in both languages, with subjects its rows can name`, () => {
      expect(ind.name.zh.length).toBeGreaterThan(1);
      expect(ind.name.en.length).toBeGreaterThan(3);
      expect(ind.description.zh.length).toBeGreaterThan(10);
      expect(ind.description.en.length).toBeGreaterThan(10);
      if (ind.lacks) expect(ind.lacks.zh.length * ind.lacks.en.length).toBeGreaterThan(0);
      const src = SOURCES[ind.source] as { actor?: unknown; unit?: unknown };
      expect(ind.subjects.length).toBeGreaterThan(0);
      for (const s of ind.subjects) {
        expect(SUBJECT_TYPES).toContain(s);
        if ((POST_TYPES as readonly string[]).includes(s))
          expect(src.actor, `${s} needs the row's actor`).toBeDefined();
        if (s === 'unit') expect(src.unit, 'unit needs the row’s unit').toBeDefined();
      }
      // Regions are every case's: an indicator of one region level is of all of them.
      const regions = ind.subjects.filter((s) => (REGION_TYPES as readonly string[]).includes(s));
      expect(regions.length === 0 || regions.length === REGION_TYPES.length).toBe(true);
      if (ind.clock) expect(STAGES).toContain(ind.clock);
      if (ind.kind === 'rate') expect(ind.numerator).toBeDefined();
      else expect(ind.numerator).toBeUndefined();
      if (ind.kind === 'average') expect(ind.value).toBeDefined();
      else expect(ind.value).toBeUndefined();
      // Predicates read the source's row `f` and its case `c` only.
      for (const part of [ind.denominator, ind.numerator, ind.value]) {
        if (!part) continue;
        const text = render(part).replace(/'[^']*'/g, "''");
        for (const alias of text.match(/\b([a-z]+)\.[a-z_]+/g) ?? []) {
          expect(['f', 'c', 'e', 's'], `${ind.key}: ${alias}`).toContain(alias.split('.')[0]);
        }
      }
    });
  }

  it('an on-time rate reads its stage decision rows: the clock is the source’s stage', () => {
    for (const ind of INDICATORS.filter((i) => i.source.endsWith('Decisions'))) {
      expect(ind.clock, ind.key).not.toBeNull();
      expect(ind.source.toLowerCase().startsWith(ind.clock!), ind.key).toBe(true);
      expect(render(ind.numerator!)).toBe('f.on_time');
    }
  });
});
