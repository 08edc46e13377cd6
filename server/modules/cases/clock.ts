/** Loads what the case clocks need: the working calendar and the case-loop settings. */
import type { Db } from '../../platform/db.ts';
import { getCalendar } from '../calendar/index.ts';
import { getSetting } from '../settings/index.ts';
import { type CaseSettings, DEFAULT_CASE_SETTINGS, SETTING_KEYS } from './config.ts';
import type { Clock } from './stages.ts';

export async function loadSettings(db: Db): Promise<CaseSettings> {
  // One after another, not Promise.all: `db` is often a transaction, i.e. one connection, where
  // pg only queues concurrent queries (and warns that pg@9 will refuse them).
  const warnShare = await getSetting<number>(db, SETTING_KEYS.warnShare);
  const stageLimits = await getSetting<CaseSettings['stageLimits']>(db, SETTING_KEYS.stageLimits);
  const duplicate = await getSetting<CaseSettings['duplicate']>(db, SETTING_KEYS.duplicate);
  return {
    warnShare: warnShare ?? DEFAULT_CASE_SETTINGS.warnShare,
    stageLimits: { ...DEFAULT_CASE_SETTINGS.stageLimits, ...(stageLimits ?? {}) },
    duplicate: duplicate ?? DEFAULT_CASE_SETTINGS.duplicate,
  };
}

export async function loadClock(db: Db, now = new Date()): Promise<Clock> {
  const calendar = await getCalendar(db); // sequential: see loadSettings
  const settings = await loadSettings(db);
  return { calendar, settings, now };
}
