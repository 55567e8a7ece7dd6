import { describe, expect, it } from 'vitest';
import {
  addDays,
  isPlainDate,
  isPlainTime,
  mondayOf,
  offsetMinutes,
  plainDateIn,
  plainTimeIn,
  startOfDayIn,
  todayIn,
  wallTime,
  weekdayOf,
  zonedToInstant,
} from './time';
import { seriesDates, shiftInstants } from './series';

describe('wall-clock time in a zone', () => {
  it('reads an instant in Baku (UTC+4, no DST)', () => {
    expect(plainDateIn('2025-03-30T21:30:00Z', 'Asia/Baku')).toBe('2025-03-31');
    expect(plainTimeIn('2025-03-30T21:30:00Z', 'Asia/Baku')).toBe('01:30');
    expect(wallTime('2025-03-31T05:00:00Z', 'Asia/Baku').weekday).toBe(1);
  });

  it('knows the offset on both sides of a DST change', () => {
    expect(offsetMinutes(new Date('2025-03-30T00:30:00Z'), 'Europe/Berlin')).toBe(60);
    expect(offsetMinutes(new Date('2025-03-30T01:30:00Z'), 'Europe/Berlin')).toBe(120);
    expect(offsetMinutes(new Date('2025-06-01T00:00:00Z'), 'Asia/Baku')).toBe(240);
  });

  it('says which day it is in the zone, not in UTC', () => {
    expect(todayIn('Asia/Baku', new Date('2025-12-31T21:00:00Z'))).toBe('2026-01-01');
    expect(todayIn('UTC', new Date('2025-12-31T21:00:00Z'))).toBe('2025-12-31');
  });
});

describe('zonedToInstant', () => {
  it('turns Baku wall time into UTC', () => {
    expect(zonedToInstant('2025-12-03', '09:00', 'Asia/Baku').toISOString()).toBe('2025-12-03T05:00:00.000Z');
    expect(startOfDayIn('2026-01-01', 'Asia/Baku').toISOString()).toBe('2025-12-31T20:00:00.000Z');
  });

  it('keeps 09:00 at 09:00 across a DST change', () => {
    expect(zonedToInstant('2025-03-29', '09:00', 'Europe/Berlin').toISOString()).toBe('2025-03-29T08:00:00.000Z');
    expect(zonedToInstant('2025-03-31', '09:00', 'Europe/Berlin').toISOString()).toBe('2025-03-31T07:00:00.000Z');
  });

  it('moves a time skipped by spring-forward past the gap', () => {
    // 02:30 does not exist in Berlin on 2025-03-30; the clock shows 03:30 then.
    const t = zonedToInstant('2025-03-30', '02:30', 'Europe/Berlin');
    expect(plainTimeIn(t, 'Europe/Berlin')).toBe('03:30');
  });

  it('takes a repeated time the first time it happens', () => {
    // 02:30 happens twice in Berlin on 2025-10-26; the first is in summer time.
    expect(zonedToInstant('2025-10-26', '02:30', 'Europe/Berlin').toISOString()).toBe('2025-10-26T00:30:00.000Z');
  });
});

describe('plain dates', () => {
  it('adds days across months and years', () => {
    expect(addDays('2025-12-31', 1)).toBe('2026-01-01');
    expect(addDays('2024-03-01', -1)).toBe('2024-02-29');
  });

  it('finds weekdays and Mondays', () => {
    expect(weekdayOf('2025-12-07')).toBe(7);
    expect(mondayOf('2025-12-07')).toBe('2025-12-01');
    expect(mondayOf('2025-12-01')).toBe('2025-12-01');
  });

  it('validates dates and times', () => {
    expect(isPlainDate('2025-02-29')).toBe(false);
    expect(isPlainDate('2024-02-29')).toBe(true);
    expect(isPlainTime('24:00')).toBe(false);
    expect(isPlainTime('23:59')).toBe(true);
  });
});

describe('weekly series, as the server expands them', () => {
  it('lists the chosen weekdays up to and including the last date', () => {
    // 2025-12-01 is a Monday.
    expect(seriesDates('2025-12-01', [1, 3], '2025-12-10')).toEqual(['2025-12-01', '2025-12-03', '2025-12-08', '2025-12-10']);
  });

  it('leaves the first date out when its weekday is not chosen', () => {
    expect(seriesDates('2025-12-01', [2], '2025-12-09')).toEqual(['2025-12-02', '2025-12-09']);
  });

  it('is one date without weekdays', () => {
    expect(seriesDates('2025-12-01', [], '2025-12-31')).toEqual(['2025-12-01']);
  });

  it('puts an end at or before the start on the next day', () => {
    const { startsAt, endsAt } = shiftInstants('2025-12-01', '22:00', '02:00', 'Asia/Baku');
    expect(startsAt.toISOString()).toBe('2025-12-01T18:00:00.000Z');
    expect(endsAt.toISOString()).toBe('2025-12-01T22:00:00.000Z');
  });
});
