// Which language to start in and its catalogue's download, without React:
// boot.ts (index.html's first script) starts the download before React and
// the app's other scripts have arrived; index.tsx re-exports all of it.
import type { Messages } from './types';

export const languages = ['az', 'en', 'ru'] as const;
export type Lang = (typeof languages)[number];

const loaders: Record<Lang, () => Promise<Messages>> = {
  az: () => import('./az').then((m) => m.az),
  en: () => import('./en').then((m) => m.en),
  ru: () => import('./ru').then((m) => m.ru),
};
const loaded: Partial<Record<Lang, Promise<Messages>>> = {};

/** The language's catalogue, downloaded once. */
export function loadCatalog(lang: Lang): Promise<Messages> {
  let p = loaded[lang];
  if (!p) {
    p = loaders[lang]();
    // A failed download (offline) may be tried again later.
    p.catch(() => delete loaded[lang]);
    loaded[lang] = p;
  }
  return p;
}

export const storageKey = 'konullu.lang';

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

function readStored(): string | null {
  try {
    return localStorage.getItem(storageKey);
  } catch {
    return null;
  }
}

/** The starting language: the one chosen before, else the browser's. */
export function startingLang(): Lang {
  return initialLang(readStored(), navigator.languages ?? [navigator.language]);
}
