import i18next, { type TFunction } from 'i18next';
import { resources, type Namespace } from '../../web/src/i18n/resources';

/** The languages the app speaks; the walk runs in each. */
export type Lang = keyof typeof resources;
export const LANGS = Object.keys(resources) as Lang[];

/** `t` over every namespace: `t('desk:claim')`. Keys are type-checked against the locale files. */
export type Texts = TFunction<Namespace[]>;

/**
 * The app's own strings in one language, from its locale files: tests find buttons, labels and headings by
 * the names a user reads, and a renamed or missing string fails both the typecheck and the test.
 */
export async function textsFor(lang: Lang): Promise<Texts> {
  const instance = i18next.createInstance();
  await instance.init({
    resources,
    lng: lang,
    fallbackLng: false,
    defaultNS: 'common',
    ns: Object.keys(resources[lang]),
    interpolation: { escapeValue: false },
    // A key the locale files lack must not quietly become its own name.
    saveMissing: true,
    missingKeyHandler: (_lngs, ns, key) => {
      throw new Error(`no string ${ns}:${key} in the ${lang} locale files`);
    },
  });
  return instance.t;
}

/** A string picked by a value at run time, e.g. `enumText(t, 'enums:role', 'clinic')`; checked when the test runs. */
export const enumText = (t: Texts, prefix: string, value: string): string =>
  (t as unknown as (key: string) => string)(`${prefix}.${value}`);
