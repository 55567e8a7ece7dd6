import { describe, expect, it } from 'vitest';
import { formatDateTime, formatDay, formatHours, formatNumber, formatPlainDate, formatShortDay, formatTimeRange, weekdayNames } from './format';

// 05:00 UTC on Wednesday 3 December 2025 is 09:00 in Baku.
const start = '2025-12-03T05:00:00Z';
const end = '2025-12-03T09:30:00Z';

describe('dates and times in the centre’s zone', () => {
  it('shows Baku times whatever the zone of the computer', () => {
    expect(formatTimeRange(start, end, 'en-GB', 'Asia/Baku')).toBe('09:00–13:30');
    expect(formatTimeRange(start, end, 'ru-RU', 'Asia/Baku')).toBe('09:00–13:30');
    expect(formatTimeRange(start, end, 'az', 'Asia/Baku')).toBe('09:00–13:30');
  });

  it('names the day in each language', () => {
    expect(formatDay(start, 'en-GB', 'Asia/Baku')).toBe('Wednesday 3 December');
    expect(formatDay(start, 'ru-RU', 'Asia/Baku')).toBe('среда, 3 декабря');
    expect(formatDay(start, 'az', 'Asia/Baku')).toBe('3 dekabr, çərşənbə');
  });

  it('takes the date in the zone: late evening UTC is the next day in Baku', () => {
    expect(formatDay('2025-12-03T21:00:00Z', 'az', 'Asia/Baku')).toBe('4 dekabr, cümə axşamı');
    expect(formatDay('2025-12-03T21:00:00Z', 'en-GB', 'Europe/London')).toBe('Wednesday 3 December');
  });

  it('shortens days and dates', () => {
    expect(formatShortDay(start, 'az', 'Asia/Baku')).toBe('3 dek, Ç.');
    expect(formatShortDay(start, 'en-GB', 'Asia/Baku')).toBe('Wed 3 Dec');
    expect(formatDateTime(start, 'az', 'Asia/Baku')).toBe('3 dek 2025, 09:00');
  });

  it('adds the end date to a shift that runs past midnight', () => {
    expect(formatTimeRange('2025-12-03T18:00:00Z', '2025-12-03T22:00:00Z', 'az', 'Asia/Baku')).toBe('22:00–4 dek, C.a. 02:00');
  });

  it('shows plain dates as they are, with no zone shift', () => {
    expect(formatPlainDate('2025-12-31', 'az')).toBe('31 dekabr 2025');
    expect(formatPlainDate('2025-12-31', 'en-GB')).toBe('31 December 2025');
    expect(formatPlainDate('2025-12-31', 'az', { weekday: 'short' })).toBe('Ç.');
  });

  it('names weekdays from Monday', () => {
    expect(weekdayNames('az')[0]).toBe('bazar ertəsi');
    expect(weekdayNames('en-GB', 'short')[6]).toBe('Sun');
    expect(weekdayNames('ru-RU')[2]).toBe('среда');
  });
});

describe('numbers and hours', () => {
  it('uses the Azerbaijani separators', () => {
    expect(formatNumber(2000, 'az')).toBe('2.000');
    expect(formatNumber(12.5, 'az')).toBe('12,5');
    expect(formatHours(750, 'az')).toBe('12,5 saat');
  });

  it('rounds hours to tenths', () => {
    expect(formatHours(100, 'en-GB')).toMatch(/^1\.7 hr/);
    expect(formatHours(120, 'ru-RU')).toMatch(/^2 ч/);
  });
});
