import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import 'dayjs/locale/en';
import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';
import enUS from './locales/en-US.json';
import zhCN from './locales/zh-CN.json';

export type AppLocale = 'zh-CN' | 'en-US';
export const APP_LOCALES: AppLocale[] = ['zh-CN', 'en-US'];
export const DEFAULT_LOCALE: AppLocale = 'zh-CN';
const STORAGE_KEY = 'cityops.locale';

export function isAppLocale(v: unknown): v is AppLocale {
  return v === 'zh-CN' || v === 'en-US';
}

/** The language chosen in this browser with the switch, if any. */
export function chosenLocale(): AppLocale | null {
  try {
    const v = window.localStorage.getItem(STORAGE_KEY);
    if (isAppLocale(v)) return v;
  } catch {
    // storage unavailable: nothing chosen
  }
  return null;
}

function storedLocale(): AppLocale {
  return chosenLocale() ?? DEFAULT_LOCALE;
}

/**
 * The browser's preferred language among ours: the first of its languages that is Chinese or
 * English decides (a visitor whose phone says en-GB, fr gets English; zh-TW, en gets Chinese).
 */
export function browserLocale(languages: readonly string[] = navigator.languages ?? []): AppLocale {
  for (const l of languages) {
    const tag = l.toLowerCase();
    if (tag === 'zh' || tag.startsWith('zh-')) return 'zh-CN';
    if (tag === 'en' || tag.startsWith('en-')) return 'en-US';
  }
  return DEFAULT_LOCALE;
}

function applySideEffects(lng: string): void {
  dayjs.locale(lng === 'en-US' ? 'en' : 'zh-cn');
  document.documentElement.lang = lng;
  document.title = i18n.t('app.title');
}

const initial = storedLocale();

void i18n.use(initReactI18next).init({
  resources: {
    'zh-CN': { translation: zhCN },
    'en-US': { translation: enUS },
  },
  lng: initial,
  fallbackLng: DEFAULT_LOCALE,
  supportedLngs: APP_LOCALES,
  // permission names contain ':' (user:read), so ':' must not split namespaces
  nsSeparator: false,
  interpolation: { escapeValue: false },
  returnNull: false,
});

applySideEffects(initial);
i18n.on('languageChanged', applySideEffects);

/** Switch the UI language and remember it in this browser (the server keeps it per user). */
export async function setLocale(lng: AppLocale): Promise<void> {
  try {
    window.localStorage.setItem(STORAGE_KEY, lng);
  } catch {
    // ignore
  }
  if (i18n.language !== lng) await i18n.changeLanguage(lng);
}

export function currentLocale(): AppLocale {
  return isAppLocale(i18n.language) ? i18n.language : DEFAULT_LOCALE;
}

export default i18n;
