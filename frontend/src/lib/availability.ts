// The weekly-availability editor's model: plain data and pure functions, so
// the rules live here and are tested, and the page only renders them.
import { isPlainDate, isPlainTime, minutesOfDay } from './time';

/** Minutes since midnight of a window's time; "24:00" (an end) is midnight at the end of the day. */
function minutes(t: string): number {
  return t === '24:00' ? 1440 : minutesOfDay(t);
}

/** A repeating window: on an ISO weekday (1 = Monday), from start to end, "HH:MM" wall-clock. */
export interface Window {
  weekday: number;
  start: string;
  end: string;
}

/**
 * A one-off change to a date, as the server reads it: available false without
 * times is a whole day off, with times those hours off; available true with
 * times adds extra hours, without times makes the whole day free.
 */
export interface Exception {
  date: string;
  available: boolean;
  start: string | null;
  end: string | null;
}

export interface AvailabilityModel {
  weekly: Window[];
  exceptions: Exception[];
}

export type ProblemCode =
  | 'time.invalid' // not an HH:MM time
  | 'time.quarter' // not on a quarter hour (:00, :15, :30, :45)
  | 'time.order' // end is not after start
  | 'window.overlap' // two windows of one weekday overlap
  | 'weekday.invalid'
  | 'exception.date' // not a calendar date
  | 'exception.duplicate' // two exceptions for one date
  | 'exception.times'; // both times or neither

/** A problem with one entry: which list, which index, what is wrong. */
export interface Problem {
  list: 'weekly' | 'exceptions';
  index: number;
  code: ProblemCode;
}

export const empty: AvailabilityModel = { weekly: [], exceptions: [] };

/** Presets offered as one-tap additions. */
export const presets = {
  morning: { start: '09:00', end: '13:00' },
  afternoon: { start: '13:00', end: '18:00' },
  evening: { start: '18:00', end: '21:00' },
} as const;
export type Preset = keyof typeof presets;

const byWindow = (a: Window, b: Window) =>
  a.weekday - b.weekday || a.start.localeCompare(b.start) || a.end.localeCompare(b.end);

export function fromApi(a: { weekly: readonly Window[]; exceptions: readonly { date: string; available: boolean; start?: string | null; end?: string | null }[] }): AvailabilityModel {
  return {
    weekly: a.weekly.map(({ weekday, start, end }) => ({ weekday, start, end })).sort(byWindow),
    exceptions: a.exceptions
      .map(({ date, available, start, end }) => ({ date, available, start: start ?? null, end: end ?? null }))
      .sort((x, y) => x.date.localeCompare(y.date)),
  };
}

export function addWindow(m: AvailabilityModel, w: Window): AvailabilityModel {
  return { ...m, weekly: [...m.weekly, w].sort(byWindow) };
}

export function updateWindow(m: AvailabilityModel, index: number, patch: Partial<Window>): AvailabilityModel {
  return { ...m, weekly: m.weekly.map((w, i) => (i === index ? { ...w, ...patch } : w)) };
}

export function removeWindow(m: AvailabilityModel, index: number): AvailabilityModel {
  return { ...m, weekly: m.weekly.filter((_, i) => i !== index) };
}

/** Whether the weekday already has exactly this preset's window. */
export function hasPreset(m: AvailabilityModel, weekday: number, preset: Preset): boolean {
  const p = presets[preset];
  return m.weekly.some((w) => w.weekday === weekday && w.start === p.start && w.end === p.end);
}

/** Adds the preset's window to the weekday, or removes it when it is there. */
export function togglePreset(m: AvailabilityModel, weekday: number, preset: Preset): AvailabilityModel {
  const p = presets[preset];
  const i = m.weekly.findIndex((w) => w.weekday === weekday && w.start === p.start && w.end === p.end);
  return i >= 0 ? removeWindow(m, i) : addWindow(m, { weekday, ...p });
}

/**
 * A block a centre's day is made of, offered as a choice: on a weekday, from
 * start to end (the day templates of the centres the volunteer prefers).
 */
export interface Block {
  weekday: number;
  start: string;
  end: string;
}

const sameWindow = (w: Window, b: Block) => w.weekday === b.weekday && w.start === b.start && w.end === b.end;

/** Whether the block is one of the windows, exactly. */
export function hasBlock(m: AvailabilityModel, b: Block): boolean {
  return m.weekly.some((w) => sameWindow(w, b));
}

/** Whether another window of the day overlaps the block (it cannot be ticked too). */
export function blockClashes(m: AvailabilityModel, b: Block): boolean {
  return m.weekly.some(
    (w) => w.weekday === b.weekday && !sameWindow(w, b) && timesProblem(w.start, w.end) === null && minutes(w.start) < minutes(b.end) && minutes(b.start) < minutes(w.end),
  );
}

/** Adds the block as a window, or removes it when it is there. */
export function toggleBlock(m: AvailabilityModel, b: Block): AvailabilityModel {
  const i = m.weekly.findIndex((w) => sameWindow(w, b));
  return i >= 0 ? removeWindow(m, i) : addWindow(m, { weekday: b.weekday, start: b.start, end: b.end });
}

/** Replaces the windows of the target weekdays with copies of those of one weekday. */
export function copyDay(m: AvailabilityModel, from: number, to: readonly number[]): AvailabilityModel {
  const source = m.weekly.filter((w) => w.weekday === from);
  const kept = m.weekly.filter((w) => !to.includes(w.weekday) || w.weekday === from);
  const copies = to.filter((d) => d !== from).flatMap((weekday) => source.map((w) => ({ ...w, weekday })));
  return { ...m, weekly: [...kept, ...copies].sort(byWindow) };
}

export function windowsOf(m: AvailabilityModel, weekday: number): { window: Window; index: number }[] {
  return m.weekly.map((window, index) => ({ window, index })).filter((x) => x.window.weekday === weekday);
}

export function addException(m: AvailabilityModel, e: Exception): AvailabilityModel {
  return { ...m, exceptions: [...m.exceptions, e].sort((x, y) => x.date.localeCompare(y.date)) };
}

export function updateException(m: AvailabilityModel, index: number, patch: Partial<Exception>): AvailabilityModel {
  return { ...m, exceptions: m.exceptions.map((e, i) => (i === index ? { ...e, ...patch } : e)) };
}

export function removeException(m: AvailabilityModel, index: number): AvailabilityModel {
  return { ...m, exceptions: m.exceptions.filter((_, i) => i !== index) };
}

/** Drops exceptions for dates before today: they no longer change anything. */
export function dropPastExceptions(m: AvailabilityModel, today: string): AvailabilityModel {
  return { ...m, exceptions: m.exceptions.filter((e) => e.date >= today) };
}

/** What a exception of a date means; the editor offers these four. */
export type ExceptionKind = 'dayOff' | 'hoursOff' | 'extraHours' | 'dayFree';

export function kindOf(e: Exception): ExceptionKind {
  const times = !!(e.start || e.end);
  if (e.available) return times ? 'extraHours' : 'dayFree';
  return times ? 'hoursOff' : 'dayOff';
}

/** The exception with a kind: times are kept, or given defaults, when the kind has them. */
export function withKind(e: Exception, kind: ExceptionKind): Exception {
  const timed = kind === 'hoursOff' || kind === 'extraHours';
  return {
    date: e.date,
    available: kind === 'extraHours' || kind === 'dayFree',
    start: timed ? (e.start ?? '10:00') : null,
    end: timed ? (e.end ?? '14:00') : null,
  };
}

const quarter = (t: string) => t === '24:00' || minutesOfDay(t) % 15 === 0;

function timesProblem(start: string, end: string): ProblemCode | null {
  if (!isPlainTime(start) || !(isPlainTime(end) || end === '24:00')) return 'time.invalid';
  if (!quarter(start) || !quarter(end)) return 'time.quarter';
  if (minutes(end) <= minutes(start)) return 'time.order';
  return null;
}

/** Everything wrong with the model; empty when it can be saved. */
export function validate(m: AvailabilityModel): Problem[] {
  const problems: Problem[] = [];
  m.weekly.forEach((w, index) => {
    if (!Number.isInteger(w.weekday) || w.weekday < 1 || w.weekday > 7) {
      problems.push({ list: 'weekly', index, code: 'weekday.invalid' });
      return;
    }
    const p = timesProblem(w.start, w.end);
    if (p) {
      problems.push({ list: 'weekly', index, code: p });
      return;
    }
    const overlaps = m.weekly.some(
      (o, j) =>
        j !== index &&
        o.weekday === w.weekday &&
        timesProblem(o.start, o.end) === null &&
        minutes(o.start) < minutes(w.end) &&
        minutes(w.start) < minutes(o.end),
    );
    if (overlaps) problems.push({ list: 'weekly', index, code: 'window.overlap' });
  });
  const seen = new Map<string, number>();
  m.exceptions.forEach((e, index) => {
    if (!isPlainDate(e.date)) {
      problems.push({ list: 'exceptions', index, code: 'exception.date' });
      return;
    }
    if (seen.has(e.date)) problems.push({ list: 'exceptions', index, code: 'exception.duplicate' });
    seen.set(e.date, index);
    const start = e.start ?? '';
    const end = e.end ?? '';
    if ((start === '') !== (end === '')) {
      problems.push({ list: 'exceptions', index, code: 'exception.times' });
      return;
    }
    if (start !== '') {
      const p = timesProblem(start, end);
      if (p) problems.push({ list: 'exceptions', index, code: p });
    }
  });
  return problems;
}

/**
 * The input for setMyAvailability: windows sorted. Touching windows of a day
 * stay apart (09:00–13:30 and 13:30–18:00 are two blocks, and the server
 * keeps them two), so that the blocks ticked are ticked again after a
 * reload. Call only when validate finds nothing.
 */
export function toInput(m: AvailabilityModel): {
  weekly: Window[];
  exceptions: { date: string; available: boolean; start: string | null; end: string | null }[];
} {
  const weekly: Window[] = [...m.weekly].sort(byWindow).map((w) => ({ weekday: w.weekday, start: w.start, end: w.end }));
  const exceptions = m.exceptions.map((e) => ({
    date: e.date,
    available: e.available,
    start: e.start || null,
    end: e.end || null,
  }));
  return { weekly, exceptions };
}

/** Minutes a week the weekly windows cover. */
export function weeklyMinutes(m: AvailabilityModel): number {
  return m.weekly.reduce((sum, w) => (timesProblem(w.start, w.end) ? sum : sum + minutes(w.end) - minutes(w.start)), 0);
}

/** Whether two models would save the same availability. */
export function sameAvailability(a: AvailabilityModel, b: AvailabilityModel): boolean {
  return JSON.stringify(toInput(a)) === JSON.stringify(toInput(b));
}
