// Formatting for people, in a locale and the centre's time zone.
//
// Azerbaijani is formatted here rather than by Intl: Chromium's ICU data
// leaves Azerbaijani out (it formats "26 noyabr" as "M11 26"), so the names
// and patterns below follow CLDR's az data instead, in every browser alike.
import { plainDateIn, wallTime } from './time';

const azMonths = ['yanvar', 'fevral', 'mart', 'aprel', 'may', 'iyun', 'iyul', 'avqust', 'sentyabr', 'oktyabr', 'noyabr', 'dekabr'];
const azMonthsShort = ['yan', 'fev', 'mar', 'apr', 'may', 'iyn', 'iyl', 'avq', 'sen', 'okt', 'noy', 'dek'];
const azWeekdays = ['bazar ertəsi', 'çərşənbə axşamı', 'çərşənbə', 'cümə axşamı', 'cümə', 'şənbə', 'bazar'];
const azWeekdaysShort = ['B.e.', 'Ç.a.', 'Ç.', 'C.a.', 'C.', 'Ş.', 'B.'];

const isAz = (locale: string) => locale === 'az' || locale.startsWith('az-');

interface Formatter {
  format(d: Date): string;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** CLDR az patterns: "d MMMM y", then ", EEEE" and ", HH:mm" as asked. */
function azFormatter(timeZone: string, o: Intl.DateTimeFormatOptions): Formatter {
  return {
    format(d) {
      const w = wallTime(d, timeZone);
      const date: string[] = [];
      if (o.day) date.push(o.day === '2-digit' ? pad(w.day) : String(w.day));
      if (o.month === 'long') date.push(azMonths[w.month - 1]!);
      else if (o.month === 'short' || o.month === 'narrow') date.push(azMonthsShort[w.month - 1]!);
      else if (o.month) date.push(pad(w.month));
      if (o.year) date.push(String(w.year));
      const out: string[] = [];
      const numericMonth = o.month === 'numeric' || o.month === '2-digit';
      if (date.length) out.push(date.join(numericMonth ? '.' : ' '));
      if (o.weekday) out.push((o.weekday === 'long' ? azWeekdays : azWeekdaysShort)[w.weekday - 1]!);
      if (o.hour || o.minute) out.push(`${pad(w.hour)}:${pad(w.minute)}`);
      return out.join(', ');
    },
  };
}

const cache = new Map<string, Formatter>();

function dtf(locale: string, timeZone: string, options: Intl.DateTimeFormatOptions): Formatter {
  const key = `${locale}|${timeZone}|${JSON.stringify(options)}`;
  let f = cache.get(key);
  if (!f) {
    f = isAz(locale) && !options.timeZoneName ? azFormatter(timeZone, options) : new Intl.DateTimeFormat(locale, { timeZone, ...options });
    cache.set(key, f);
  }
  return f;
}

/** "09:00" in the zone, 24-hour in every supported locale. */
export function formatTime(instant: string | Date, locale: string, timeZone: string): string {
  return dtf(locale, timeZone, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(instant));
}

/** "Wednesday, 3 December" style: the date of the instant in the zone. */
export function formatDay(instant: string | Date, locale: string, timeZone: string, withYear = false): string {
  return dtf(locale, timeZone, {
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    ...(withYear ? { year: 'numeric' } : {}),
  }).format(new Date(instant));
}

/** "Wed, 3 Dec" style. */
export function formatShortDay(instant: string | Date, locale: string, timeZone: string): string {
  return dtf(locale, timeZone, { weekday: 'short', day: 'numeric', month: 'short' }).format(new Date(instant));
}

/** "3 Dec 2025, 09:00" style. */
export function formatDateTime(instant: string | Date, locale: string, timeZone: string): string {
  return dtf(locale, timeZone, {
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(new Date(instant));
}

/** "09:00–13:30" in the zone; the end's date is added when it falls on another day. */
export function formatTimeRange(start: string, end: string, locale: string, timeZone: string): string {
  const s = formatTime(start, locale, timeZone);
  const e = formatTime(end, locale, timeZone);
  if (plainDateIn(start, timeZone) === plainDateIn(end, timeZone)) return `${s}–${e}`;
  return `${s}–${formatShortDay(end, locale, timeZone)} ${e}`;
}

/** A plain date (YYYY-MM-DD) as people read it; it has no zone of its own. */
export function formatPlainDate(
  date: string,
  locale: string,
  options: Intl.DateTimeFormatOptions = { day: 'numeric', month: 'long', year: 'numeric' },
): string {
  return dtf(locale, 'UTC', options).format(new Date(`${date}T12:00:00Z`));
}

/** Short zone label shown next to times of another zone, such as "GMT+4". */
export function zoneLabel(instant: string | Date, locale: string, timeZone: string): string {
  const parts = new Intl.DateTimeFormat(isAz(locale) ? 'en-GB' : locale, { timeZone, timeZoneName: 'short' }).formatToParts(new Date(instant));
  return parts.find((p) => p.type === 'timeZoneName')?.value ?? timeZone;
}

/** Numbers: Azerbaijani groups with "." and uses "," for decimals (2.000; 12,5). */
export function formatNumber(n: number, locale: string, options?: Intl.NumberFormatOptions): string {
  if (!isAz(locale)) return new Intl.NumberFormat(locale, options).format(n);
  return new Intl.NumberFormat('en-US', options)
    .formatToParts(n)
    .map((p) => (p.type === 'group' ? '.' : p.type === 'decimal' ? ',' : p.value))
    .join('');
}

/** Hours, from minutes, as "12.5 h" in the locale's words. */
export function formatHours(minutes: number, locale: string): string {
  const hours = Math.round((minutes / 60) * 10) / 10;
  if (isAz(locale)) return `${formatNumber(hours, locale, { maximumFractionDigits: 1 })} saat`;
  return new Intl.NumberFormat(locale, { style: 'unit', unit: 'hour', unitDisplay: 'short', maximumFractionDigits: 1 }).format(hours);
}

export function formatPercent(ratio: number, locale: string): string {
  return formatNumber(ratio, locale, { style: 'percent', maximumFractionDigits: 1 });
}

/** The names of the ISO weekdays 1..7 in the locale. */
export function weekdayNames(locale: string, style: 'long' | 'short' = 'long'): string[] {
  // 2024-01-01 was a Monday.
  return Array.from({ length: 7 }, (_, i) => dtf(locale, 'UTC', { weekday: style }).format(new Date(Date.UTC(2024, 0, 1 + i, 12))));
}
