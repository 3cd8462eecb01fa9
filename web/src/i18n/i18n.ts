import i18next, { type i18n } from 'i18next';
import { initReactI18next } from 'react-i18next';
import { z } from 'zod';
import { resources } from './resources';

export const languages = ['nl', 'en'] as const;
export type Language = (typeof languages)[number];
const LanguageSchema = z.enum(languages);

/** The chosen language is a preference, not personal data: it may stay in localStorage. */
const STORAGE_KEY = 'vermist.language';

export function storedLanguage(): Language {
  try {
    return LanguageSchema.catch('nl').parse(localStorage.getItem(STORAGE_KEY));
  } catch {
    return 'nl';
  }
}

/** i18next with every namespace of both languages bundled; Dutch unless the user chose English. */
export async function createI18n(): Promise<i18n> {
  const instance = i18next.createInstance();
  await instance.use(initReactI18next).init({
    resources,
    lng: storedLanguage(),
    fallbackLng: 'nl',
    supportedLngs: languages,
    defaultNS: 'common',
    ns: Object.keys(resources.nl),
    interpolation: { escapeValue: false },
    returnNull: false,
  });
  const follow = (lng: string) => {
    document.documentElement.lang = lng;
    try {
      localStorage.setItem(STORAGE_KEY, lng);
    } catch {
      // Storage may be disabled; the choice then lasts until reload.
    }
  };
  follow(instance.language);
  instance.on('languageChanged', follow);
  return instance;
}

export const currentLanguage = (instance: i18n): Language =>
  LanguageSchema.catch('nl').parse(instance.language);
