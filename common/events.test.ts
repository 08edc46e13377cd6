import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CASE_EVENT_ACTIONS, CASE_LOOP_EVENTS, SUBSCRIBABLE_ACTIONS } from './events.ts';
import { CASE_ACTIONS } from './workflow-vocabulary.ts';

const locale = (name: string) =>
  JSON.parse(readFileSync(new URL(`../web/src/locales/${name}.json`, import.meta.url), 'utf8')) as {
    case: { action: Record<string, string>; event: Record<string, string> };
  };

describe('the subscribable events', () => {
  it('are every transition of the case loop and the loop events outside the table, once each', () => {
    expect(CASE_EVENT_ACTIONS).toHaveLength(CASE_ACTIONS.length + CASE_LOOP_EVENTS.length);
    expect(new Set(CASE_EVENT_ACTIONS).size).toBe(CASE_EVENT_ACTIONS.length);
    expect(CASE_EVENT_ACTIONS).toContain('case.dispatch');
    expect(CASE_EVENT_ACTIONS).toContain('case.stage_overdue');
    expect(SUBSCRIBABLE_ACTIONS).toEqual(CASE_EVENT_ACTIONS);
  });

  it('each has a label in both locales (case.action.* or case.event.*)', () => {
    for (const name of ['zh-CN', 'en-US']) {
      const { action, event } = locale(name).case;
      const missing = CASE_EVENT_ACTIONS.map((a) => a.slice('case.'.length)).filter(
        (a) => !action[a] && !event[a],
      );
      expect({ name, missing }).toEqual({ name, missing: [] });
    }
  });
});
