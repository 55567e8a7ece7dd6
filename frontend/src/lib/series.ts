// The dates of a weekly series, as the server expands it (konullu.ExpandSeries):
// every date from the first shift's to repeatUntil, inclusive, whose weekday
// is chosen; the first date counts only when its weekday is chosen too.
import { addDays, minutesOfDay, weekdayOf, zonedToInstant } from './time';

export function seriesDates(first: string, weekdays: readonly number[], until: string, max = 1000): string[] {
  if (weekdays.length === 0) return [first];
  const out: string[] = [];
  for (let d = first; d <= until && out.length <= max; d = addDays(d, 1)) {
    if (weekdays.includes(weekdayOf(d))) out.push(d);
  }
  return out;
}

/** The instants of a shift given in the centre's wall-clock time; an end at or before the start is the next day. */
export function shiftInstants(date: string, start: string, end: string, timeZone: string): { startsAt: Date; endsAt: Date } {
  const startsAt = zonedToInstant(date, start, timeZone);
  const endDate = minutesOfDay(end) <= minutesOfDay(start) ? addDays(date, 1) : date;
  return { startsAt, endsAt: zonedToInstant(endDate, end, timeZone) };
}

/**
 * The ticked weekdays of a series form once its first date is set: until the
 * coordinator ticks weekdays themselves they follow the first date (so a
 * changed date never leaves the old date's weekday ticked); once they have,
 * exactly their choice is kept.
 */
export function weekdaysFor(date: string, weekdays: readonly number[], chosen: boolean): number[] {
  if (chosen) return [...weekdays];
  return [weekdayOf(date)];
}
