import { useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { Me } from '../api/types';
import { type AppLocale, currentLocale, setLocale } from '../i18n';
import { mapi } from './api';
import * as db from './db';

export const mobileMeKey = ['mobile', 'me'] as const;

/**
 * 中 / EN: the same two locales as the desktop. The choice is kept on the phone at once and saved
 * for the user when signed in and online (the desktop opens in it too).
 */
export function LanguageToggle({ save }: { save: boolean }) {
  const { t, i18n } = useTranslation();
  const qc = useQueryClient();
  const current = currentLocale();
  const next: AppLocale = current === 'zh-CN' ? 'en-US' : 'zh-CN';
  const change = async () => {
    await setLocale(next);
    if (!save) return;
    try {
      const me = await mapi.put<Me>('/api/me/preferences', { locale: next });
      qc.setQueryData(mobileMeKey, me);
      await db.putSnapshot('me', me).catch(() => undefined);
    } catch {
      // Kept on this phone; the server learns it at the next change made online.
    }
  };
  return (
    <button
      type="button"
      className="m-lang"
      onClick={() => void change()}
      data-testid="m-lang"
      data-locale={i18n.language}
      aria-label={t('mobile.language', { lang: t(`mobile.localeName.${next}`) })}
    >
      {t(`mobile.localeShort.${next}`)}
    </button>
  );
}
