/**
 * The web's own words for counts, labels and actors, through i18next with the real locale files:
 * English time units agree with their amount, a label's colon is the locale's, and the timeline
 * names people by their display name and the system as such.
 */
import i18next, { type TFunction } from 'i18next';
import { beforeAll, describe, expect, it } from 'vitest';
import enUS from '../locales/en-US.json';
import zhCN from '../locales/zh-CN.json';
import { timeAmount, timelineActor, timelineFiling, withColon } from './wording';

let en: TFunction;
let zh: TFunction;

beforeAll(async () => {
  const i18n = i18next.createInstance();
  await i18n.init({
    resources: { 'zh-CN': { translation: zhCN }, 'en-US': { translation: enUS } },
    lng: 'zh-CN',
    fallbackLng: 'zh-CN',
    nsSeparator: false,
    interpolation: { escapeValue: false },
  });
  en = i18n.getFixedT('en-US');
  zh = i18n.getFixedT('zh-CN');
});

const UNITS = ['urgent_hour', 'work_hour', 'work_day', 'natural_day'];

describe('time amounts', () => {
  it('are singular for one and plural otherwise in English', () => {
    expect(timeAmount(en, 1, 'work_hour')).toBe('1 work hour');
    expect(timeAmount(en, 2, 'work_hour')).toBe('2 work hours');
    expect(timeAmount(en, 1, 'work_day')).toBe('1 work day');
    expect(timeAmount(en, 1.5, 'work_day')).toBe('1.5 work days');
    expect(timeAmount(en, 0, 'natural_day')).toBe('0 calendar days');
    expect(timeAmount(en, 1, 'natural_day', 'catalog.unit')).toBe('1 day');
    expect(timeAmount(en, 3, 'urgent_hour', 'catalog.unit')).toBe('3 urgent hours');
  });

  it('have both English forms for every unit of both groups, and Chinese needs none', () => {
    for (const group of ['case.timeUnit', 'catalog.unit'] as const) {
      for (const u of UNITS) {
        const one = timeAmount(en, 1, u, group);
        const many = timeAmount(en, 2, u, group);
        expect(one, `${group}.${u}`).not.toMatch(/s$/);
        expect(many, `${group}.${u}`).toMatch(/s$/);
        expect(timeAmount(zh, 1, u, group)).toBe(`1 ${zh(`${group}.${u}`)}`);
        expect(timeAmount(zh, 2, u, group)).toBe(`2 ${zh(`${group}.${u}`)}`);
      }
    }
    expect(timeAmount(zh, 1, 'work_hour')).toBe('1 工作时');
  });

  it('keep an unknown unit as it is', () => {
    expect(timeAmount(en, 2, 'fortnight')).toBe('2 fortnight');
  });
});

describe('label colons', () => {
  it('are full-width in Chinese and ": " in English', () => {
    expect(withColon(zh, '当前环节')).toBe('当前环节：');
    expect(withColon(en, 'Current stage')).toBe('Current stage: ');
  });
});

describe('timeline actors', () => {
  it('a user by display name, the system and the public by what they are', () => {
    const user = { actorType: 'user', actorName: 'haishu.shift_leader', actorDisplayName: '海曙区值班长' };
    expect(timelineActor(zh, user)).toBe('海曙区值班长');
    expect(timelineActor(en, user)).toBe('海曙区值班长');
    const timer = { actorType: 'system', actorName: 'timer', actorDisplayName: null };
    expect(timelineActor(zh, timer)).toBe('系统');
    expect(timelineActor(en, timer)).toBe('System');
    expect(timelineActor(en, { actorType: 'anonymous', actorName: null })).toBe('Anonymous');
    expect(
      timelineActor(en, { actorType: 'api_key', actorName: 'api-key:x', actorDisplayName: '环卫系统' }),
    ).toBe('环卫系统');
    // An answer without display names (an older server): the username rather than nothing.
    expect(timelineActor(zh, { actorType: 'user', actorName: 'haishu.shift_leader' })).toBe(
      'haishu.shift_leader',
    );
  });
});

describe('the filing condition of a timeline step (desktop and field app alike)', () => {
  it('names the condition chosen at filing and marks an urgent one, in both languages', () => {
    const after = {
      state: 'pending_dispatch',
      filing: { conditionId: 'c1', text: '井盖缺失', urgent: true, standardVersion: 1 },
    };
    expect(timelineFiling(zh, after)).toEqual({
      label: '立案条件：',
      text: '井盖缺失',
      urgent: '按紧急案件处理',
    });
    expect(timelineFiling(en, { filing: { text: 'Cover missing', urgent: false } })).toMatchObject({
      text: 'Cover missing',
      urgent: null,
    });
    expect(timelineFiling(en, { filing: { text: 'Cover missing' } })?.label).toMatch(/: $/);
    expect(timelineFiling(zh, { state: 'reported' })).toBeNull();
    expect(timelineFiling(zh, null)).toBeNull();
  });
});
