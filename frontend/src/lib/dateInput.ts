// What people type into date and time fields, and how those fields show
// values: day-month-year dates and 24-hour times in every language, whatever
// the operating system's locale (a browser's own date and time pickers follow
// the system, so a Russian coordinator on an American laptop saw "2:30 PM").
// The values the app keeps and sends stay ISO: "YYYY-MM-DD" and "HH:MM".

export type InputLang = 'az' | 'en' | 'ru';

/** The separator a language writes dates with: 14.03.2026 in az and ru, 14/03/2026 in en (en-GB). */
export function dateSeparator(lang: InputLang): string {
  return lang === 'en' ? '/' : '.';
}

/** The pattern shown to people as the expected format, in their letters. */
export function datePattern(lang: InputLang): string {
  const s = dateSeparator(lang);
  if (lang === 'az') return `GG${s}AA${s}İİİİ`;
  if (lang === 'ru') return `ДД${s}ММ${s}ГГГГ`;
  return `DD${s}MM${s}YYYY`;
}

export function timePattern(lang: InputLang): string {
  if (lang === 'az') return 'SS:DD';
  if (lang === 'ru') return 'ЧЧ:ММ';
  return 'HH:MM';
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** Years a person may mean; outside them a typo is more likely than a date. */
export const minYear = 1900;
export const maxYear = 2199;

function daysIn(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** An ISO plain date ("2026-03-14") as the language writes it ("14.03.2026"); "" stays "". */
export function formatDateInput(iso: string, lang: InputLang): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!m) return iso;
  const s = dateSeparator(lang);
  return `${m[3]}${s}${m[2]}${s}${m[1]}`;
}

export type DateProblem = 'format' | 'noSuchDay' | 'year' | 'tooEarly' | 'tooLate';

export type Parsed<P> = { value: string; problem?: undefined } | { value?: undefined; problem: P };

/**
 * What a typed date means, as an ISO plain date. Day first in every language:
 * "14.03.2026", "14/3/2026", "14-03-2026", "14 03 2026", "14032026" and
 * "14,03,2026" (a phone's number pad may offer only a comma); an ISO
 * "2026-03-14" (pasted) is read as such. Empty text is the empty value.
 * min and max (ISO) bound the date, as a native input's min and max do.
 */
export function parseDateInput(text: string, min?: string, max?: string): Parsed<DateProblem> {
  const s = text.trim();
  if (s === '') return { value: '' };
  let day: number, month: number, year: number;
  let m: RegExpExecArray | null;
  if ((m = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(s))) {
    year = Number(m[1]);
    month = Number(m[2]);
    day = Number(m[3]);
  } else if ((m = /^(\d{1,2})\s*[.,/\-\s]\s*(\d{1,2})\s*[.,/\-\s]\s*(\d+)$/.exec(s))) {
    day = Number(m[1]);
    month = Number(m[2]);
    if (m[3]!.length !== 4) return { problem: 'year' };
    year = Number(m[3]);
  } else if ((m = /^(\d{2})(\d{2})(\d{4})$/.exec(s))) {
    day = Number(m[1]);
    month = Number(m[2]);
    year = Number(m[3]);
  } else {
    return { problem: 'format' };
  }
  if (year < minYear || year > maxYear) return { problem: 'year' };
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month)) return { problem: 'noSuchDay' };
  const value = `${pad(year, 4)}-${pad(month)}-${pad(day)}`;
  if (min && value < min) return { problem: 'tooEarly' };
  if (max && value > max) return { problem: 'tooLate' };
  return { value };
}

export type TimeProblem = 'format' | 'noSuchTime';

/** A time of day "HH:MM" as shown: always 24-hour, two digits each. */
export function formatTimeInput(hhmm: string): string {
  const m = /^(\d{1,2}):(\d{2})/.exec(hhmm);
  if (!m) return hhmm;
  return `${pad(Number(m[1]))}:${m[2]}`;
}

/**
 * What a typed time means, as "HH:MM" (24-hour): "14:30", "14.30", "14,30", "14 30",
 * "1430", "930", "9", "9:05". A 12-hour "2:30 pm" is understood too (and
 * shown as 14:30 afterwards). Empty text is the empty value.
 */
export function parseTimeInput(text: string): Parsed<TimeProblem> {
  let s = text.trim().toLowerCase();
  if (s === '') return { value: '' };
  let half: 'am' | 'pm' | undefined;
  const ampm = /\s*([ap])\.?\s*m\.?$/.exec(s);
  if (ampm) {
    half = ampm[1] === 'a' ? 'am' : 'pm';
    s = s.slice(0, ampm.index);
  }
  let hour: number, minute: number;
  let m: RegExpExecArray | null;
  if ((m = /^(\d{1,2})\s*[:.,\s]\s*(\d{2})$/.exec(s))) {
    hour = Number(m[1]);
    minute = Number(m[2]);
  } else if ((m = /^(\d{1,2})$/.exec(s))) {
    hour = Number(m[1]);
    minute = 0;
  } else if ((m = /^(\d{1,2})(\d{2})$/.exec(s))) {
    hour = Number(m[1]);
    minute = Number(m[2]);
  } else {
    return { problem: 'format' };
  }
  if (half) {
    if (hour < 1 || hour > 12) return { problem: 'noSuchTime' };
    hour = (hour % 12) + (half === 'pm' ? 12 : 0);
  }
  if (hour > 23 || minute > 59) return { problem: 'noSuchTime' };
  return { value: `${pad(hour)}:${pad(minute)}` };
}

/** "2026-03-14T09:30" → its date and time parts; anything else → empty parts. */
export function splitDateTime(local: string): { date: string; time: string } {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})/.exec(local);
  return m ? { date: m[1]!, time: m[2]! } : { date: '', time: '' };
}

/** The date and time parts joined as a datetime-local value, or "" unless both are there. */
export function joinDateTime(date: string, time: string): string {
  return date && time ? `${date}T${time}` : '';
}
