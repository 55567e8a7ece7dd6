// Languages: Azerbaijani (the default), English and Russian. Every message
// exists in all three: az.ts and ru.ts are typed by en.ts's keys, so a
// missing or misspelt key fails the type check.
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import type { Messages, MessageKey, Plural } from './types';
import { az } from './az';
import { en } from './en';
import { ru } from './ru';
import { formatNumber } from '../lib/format';

export type { MessageKey } from './types';

export const languages = ['az', 'en', 'ru'] as const;
export type Lang = (typeof languages)[number];

export const catalogs: Record<Lang, Messages> = { az, en, ru };

/** The BCP 47 locale each language formats dates and numbers in. */
export const localeOf: Record<Lang, string> = { az: 'az', en: 'en-GB', ru: 'ru-RU' };

/** Each language's name in itself, for the switcher. */
export const nativeName: Record<Lang, string> = { az: 'Azərbaycanca', en: 'English', ru: 'Русский' };

const storageKey = 'konullu.lang';

export function isLang(s: unknown): s is Lang {
  return typeof s === 'string' && (languages as readonly string[]).includes(s);
}

/** The language to start in: the one chosen before, else the browser's first supported one, else Azerbaijani. */
export function initialLang(stored: string | null, browser: readonly string[]): Lang {
  if (isLang(stored)) return stored;
  for (const tag of browser) {
    const base = tag.toLowerCase().split('-')[0];
    if (isLang(base)) return base;
  }
  return 'az';
}

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

function readStored(): string | null {
  try {
    return localStorage.getItem(storageKey);
  } catch {
    return null;
  }
}

export function I18nProvider({ children }: { children: ReactNode }) {
  const [lang, setLangState] = useState<Lang>(() => initialLang(readStored(), navigator.languages ?? [navigator.language]));
  const setLang = useCallback((next: Lang) => {
    setLangState(next);
    try {
      localStorage.setItem(storageKey, next);
    } catch {
      // Private mode: the choice lasts for this visit only.
    }
  }, []);
  useEffect(() => {
    document.documentElement.lang = lang;
  }, [lang]);
  const value = useMemo<I18n>(() => {
    const locale = localeOf[lang];
    const messages = catalogs[lang];
    return { lang, locale, setLang, t: (key, vars) => translate(messages, locale, key, vars) };
  }, [lang, setLang]);
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const v = useContext(I18nContext);
  if (!v) throw new Error('useI18n outside I18nProvider');
  return v;
}
