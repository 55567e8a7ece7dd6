// Languages: Azerbaijani (the default), English and Russian. Every message
// exists in all three: az.ts and ru.ts are typed by en.ts's keys, so a
// missing or misspelt key fails the type check.
//
// Each language's catalogue is a chunk of its own, loaded when it is first
// needed: a phone downloads one language, not three (together they were a
// third of the first page load). main.tsx loads the starting language before
// the first render; switching loads the next one, then switches.
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import type { Messages, MessageKey, Plural } from './types';
import { formatNumber } from '../lib/format';
import { loadCatalog, storageKey, type Lang } from './lang';

export type { MessageKey } from './types';
// Without React, for boot.ts to start the first download early.
export { languages, isLang, initialLang, loadCatalog, startingLang, type Lang } from './lang';

/** The BCP 47 locale each language formats dates and numbers in. */
export const localeOf: Record<Lang, string> = { az: 'az', en: 'en-GB', ru: 'ru-RU' };

/** Each language's name in itself, for the switcher. */
export const nativeName: Record<Lang, string> = { az: 'Azərbaycanca', en: 'English', ru: 'Русский' };

export type Vars = Record<string, string | number>;

/** Fills {name} placeholders; a plural message picks its form by vars.count. */
export function translate(messages: Messages, locale: string, key: MessageKey, vars?: Vars): string {
  const m: string | Plural = messages[key];
  let text: string;
  if (typeof m === 'string') {
    text = m;
  } else {
    const n = Number(vars?.count ?? 0);
    const form = n === 0 && m.zero !== undefined ? 'zero' : (new Intl.PluralRules(locale).select(n) as keyof Plural);
    text = m[form] ?? m.other;
  }
  if (!vars) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const v = vars[name];
    if (v === undefined) return whole;
    return typeof v === 'number' ? formatNumber(v, locale) : v;
  });
}

export type T = (key: MessageKey, vars?: Vars) => string;

interface I18n {
  lang: Lang;
  locale: string;
  t: T;
  setLang: (lang: Lang) => void;
}

const I18nContext = createContext<I18n | null>(null);

/** Holds the language; initial is the starting one with its catalogue already loaded (main.tsx). */
export function I18nProvider({ initial, children }: { initial: { lang: Lang; messages: Messages }; children: ReactNode }) {
  const [current, setCurrent] = useState(initial);
  const wanted = useRef<Lang>(initial.lang);
  const setLang = useCallback((next: Lang) => {
    wanted.current = next;
    try {
      localStorage.setItem(storageKey, next);
    } catch {
      // Private mode: the choice lasts for this visit only.
    }
    loadCatalog(next).then(
      (messages) => {
        // Two quick switches: the last one chosen wins.
        if (wanted.current === next) setCurrent({ lang: next, messages });
      },
      () => {
        // Offline: stay in the language already shown.
        wanted.current = current.lang;
      },
    );
  }, [current.lang]);
  const { lang, messages } = current;
  useEffect(() => {
    document.documentElement.lang = lang;
  }, [lang]);
  const value = useMemo<I18n>(() => {
    const locale = localeOf[lang];
    return { lang, locale, setLang, t: (key, vars) => translate(messages, locale, key, vars) };
  }, [lang, messages, setLang]);
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const v = useContext(I18nContext);
  if (!v) throw new Error('useI18n outside I18nProvider');
  return v;
}
