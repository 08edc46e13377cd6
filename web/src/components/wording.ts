/** Small pieces of wording that depend on the language: counted units, label colons, actors. */
import type { TFunction } from 'i18next';

/**
 * An amount with its time unit, in the form the language needs: "1 work hour", "2 work days",
 * "1.5 work days", "3 工作日". The unit's labels live under `group` (`case.timeUnit`,
 * `catalog.unit`) with English `_one`/`_other` plural forms; the bare key is the unit's name
 * without a count (a unit picker).
 */
export function timeAmount(
  t: TFunction,
  amount: number,
  unit: string,
  group: 'case.timeUnit' | 'catalog.unit' = 'case.timeUnit',
): string {
  return `${amount} ${t(`${group}.${unit}`, { count: amount, defaultValue: unit })}`;
}

/** "label：" in Chinese, "label: " in English (the colon after a label is the locale's). */
export function withColon(t: TFunction, label: string): string {
  return `${label}${t('common.colon')}`;
}

/**
 * Who took a step of a case's timeline, as people read it: a user's display name (or an API
 * key's name), "系统 / System" for the timers and other system actors, "匿名 / Anonymous" for the
 * public. The username is only a fallback for an answer without display names.
 */
export function timelineActor(
  t: TFunction,
  e: { actorType: string; actorName: string | null; actorDisplayName?: string | null },
): string {
  if (e.actorType === 'system' || e.actorType === 'anonymous') return t(`actorType.${e.actorType}`);
  return e.actorDisplayName || e.actorName || t(`actorType.${e.actorType}`, { defaultValue: e.actorType });
}

/**
 * The filing condition a timeline step chose at filing (its event's `after.filing`), as the desktop
 * and the field app both show it: the label, the condition's text, and the urgent mark when the
 * condition makes the case urgent. Null for a step without one.
 */
export function timelineFiling(
  t: TFunction,
  after: unknown,
): { label: string; text: string; urgent: string | null } | null {
  const filing = (after as { filing?: { text?: unknown; urgent?: unknown } } | null)?.filing;
  if (!filing || typeof filing.text !== 'string' || filing.text.trim() === '') return null;
  return {
    label: withColon(t, t('case.field.filingConditionId')),
    text: filing.text,
    urgent: filing.urgent === true ? t('case.filedUrgent') : null,
  };
}
