import type { en } from './en';

/** A message that depends on a number: forms as Intl.PluralRules names them. */
export interface Plural {
  zero?: string;
  one?: string;
  two?: string;
  few?: string;
  many?: string;
  other: string;
}

export type MessageKey = keyof typeof en;

/** A catalogue: every key of en.ts, a plural message where en.ts has one. */
export type Messages = { readonly [K in MessageKey]: (typeof en)[K] extends string ? string : Plural };
