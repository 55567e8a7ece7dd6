// Dates and times. The API speaks UTC instants (DateTime) and plain calendar
// dates (Date); people see wall-clock times in the centre's time zone, in the
// chosen language. A "plain date" here is a YYYY-MM-DD string.

/** The wall-clock reading of an instant in a time zone. */
export interface WallTime {
  year: number;
  month: number; // 1..12
  day: number;
  hour: number;
  minute: number;
  second: number;
  /** ISO weekday: 1 = Monday … 7 = Sunday. */
  weekday: number;
}

const partsFormatters = new Map<string, Intl.DateTimeFormat>();

function partsFormatter(timeZone: string): Intl.DateTimeFormat {
  let f = partsFormatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      weekday: 'short',
    });
    partsFormatters.set(timeZone, f);
  }
  return f;
}

const weekdays: Record<string, number> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };

/** wallTime tells what a clock in timeZone shows at the instant. */
export function wallTime(instant: Date | string, timeZone: string): WallTime {
  const d = typeof instant === 'string' ? new Date(instant) : instant;
  const out: Record<string, string> = {};
  for (const p of partsFormatter(timeZone).formatToParts(d)) out[p.type] = p.value;
  return {
    year: Number(out.year),
    month: Number(out.month),
    day: Number(out.day),
    hour: Number(out.hour),
    minute: Number(out.minute),
    second: Number(out.second),
    weekday: weekdays[out.weekday ?? ''] ?? 0,
  };
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** The plain date (YYYY-MM-DD) an instant falls on in timeZone. */
export function plainDateIn(instant: Date | string, timeZone: string): string {
  const w = wallTime(instant, timeZone);
  return `${pad(w.year, 4)}-${pad(w.month)}-${pad(w.day)}`;
}

/** The wall-clock time (HH:MM) of an instant in timeZone. */
export function plainTimeIn(instant: Date | string, timeZone: string): string {
  const w = wallTime(instant, timeZone);
  return `${pad(w.hour)}:${pad(w.minute)}`;
}

/** Today's plain date in timeZone. */
export function todayIn(timeZone: string, now: Date = new Date()): string {
  return plainDateIn(now, timeZone);
}

const plainDateRe = /^(\d{4})-(\d{2})-(\d{2})$/;
const plainTimeRe = /^([01]\d|2[0-3]):([0-5]\d)$/;

export function isPlainDate(s: string): boolean {
  const m = plainDateRe.exec(s);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3]);
}

export function isPlainTime(s: string): boolean {
  return plainTimeRe.test(s);
}

function parsePlainDate(date: string): [number, number, number] {
  const m = plainDateRe.exec(date);
  if (!m) throw new RangeError(`not a date: ${date}`);
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}

/** Minutes since midnight of an HH:MM time. */
export function minutesOfDay(time: string): number {
  const m = plainTimeRe.exec(time);
  if (!m) throw new RangeError(`not a time: ${time}`);
  return Number(m[1]) * 60 + Number(m[2]);
}

/** The plain date n days after date (n may be negative). */
export function addDays(date: string, n: number): string {
  const [y, m, d] = parsePlainDate(date);
  const t = new Date(Date.UTC(y, m - 1, d + n));
  return `${pad(t.getUTCFullYear(), 4)}-${pad(t.getUTCMonth() + 1)}-${pad(t.getUTCDate())}`;
}

/** ISO weekday of a plain date: 1 = Monday … 7 = Sunday. */
export function weekdayOf(date: string): number {
  const [y, m, d] = parsePlainDate(date);
  const w = new Date(Date.UTC(y, m - 1, d)).getUTCDay();
  return w === 0 ? 7 : w;
}

/** The Monday of the week date falls in. */
export function mondayOf(date: string): string {
  return addDays(date, 1 - weekdayOf(date));
}

/** Offset of timeZone from UTC at the instant, in minutes (Asia/Baku: +240). */
export function offsetMinutes(instant: Date, timeZone: string): number {
  const w = wallTime(instant, timeZone);
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  return Math.round((asUtc - Math.floor(instant.getTime() / 1000) * 1000) / 60000);
}

/**
 * The instant at which a clock in timeZone shows date and time (HH:MM).
 * A time skipped by a DST change is taken after the change (02:30 on a
 * spring-forward night is 03:30); a repeated time is taken the first time.
 */
export function zonedToInstant(date: string, time: string, timeZone: string): Date {
  const [y, m, d] = parsePlainDate(date);
  const minutes = minutesOfDay(time);
  const wallAsUtc = Date.UTC(y, m - 1, d, 0, minutes);
  // The offset is one of those in force a day either side of the moment.
  const before = offsetMinutes(new Date(wallAsUtc - 86_400_000), timeZone);
  const after = offsetMinutes(new Date(wallAsUtc + 86_400_000), timeZone);
  const candidates = [...new Set([before, after])].sort((a, b) => b - a); // earliest instant first
  for (const off of candidates) {
    const t = new Date(wallAsUtc - off * 60000);
    if (offsetMinutes(t, timeZone) === off) return t;
  }
  // In a gap: no offset fits. Keep the wall time's distance from the change.
  return new Date(wallAsUtc - Math.min(before, after) * 60000);
}

/** The instant a plain date starts (00:00) in timeZone. */
export function startOfDayIn(date: string, timeZone: string): Date {
  return zonedToInstant(date, '00:00', timeZone);
}

/** Minutes between two instants. */
export function minutesBetween(from: Date | string, to: Date | string): number {
  return Math.round((new Date(to).getTime() - new Date(from).getTime()) / 60000);
}
