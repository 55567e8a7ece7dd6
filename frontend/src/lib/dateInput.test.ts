import { describe, expect, it } from 'vitest';
import {
  datePattern,
  formatDateInput,
  formatTimeInput,
  joinDateTime,
  parseDateInput,
  parseTimeInput,
  splitDateTime,
  timePattern,
} from './dateInput';

describe('dates as people write them', () => {
  it('shows day, month and year in each language', () => {
    expect(formatDateInput('2026-03-14', 'az')).toBe('14.03.2026');
    expect(formatDateInput('2026-03-14', 'ru')).toBe('14.03.2026');
    expect(formatDateInput('2026-03-14', 'en')).toBe('14/03/2026');
    expect(formatDateInput('', 'ru')).toBe('');
    expect(datePattern('az')).toBe('GG.AA.İİİİ');
    expect(datePattern('ru')).toBe('ДД.ММ.ГГГГ');
    expect(datePattern('en')).toBe('DD/MM/YYYY');
  });

  it('reads the day first, whatever the separator', () => {
    for (const text of ['14.03.2026', '14.3.2026', '14/03/2026', '14-03-2026', '14 03 2026', ' 14. 03. 2026 ', '14032026', '14,03,2026']) {
      expect(parseDateInput(text), text).toEqual({ value: '2026-03-14' });
    }
    // 03.04 is the 3rd of April, never the 4th of March.
    expect(parseDateInput('03.04.2026')).toEqual({ value: '2026-04-03' });
    // A pasted ISO date (and what a test or autofill types) is read as ISO.
    expect(parseDateInput('2026-03-14')).toEqual({ value: '2026-03-14' });
    expect(parseDateInput('')).toEqual({ value: '' });
    expect(parseDateInput('   ')).toEqual({ value: '' });
  });

  it('knows the calendar', () => {
    expect(parseDateInput('29.02.2028')).toEqual({ value: '2028-02-29' });
    expect(parseDateInput('29.02.2026')).toEqual({ problem: 'noSuchDay' });
    expect(parseDateInput('29.02.1900')).toEqual({ problem: 'noSuchDay' });
    expect(parseDateInput('29.02.2000')).toEqual({ value: '2000-02-29' });
    expect(parseDateInput('31.04.2026')).toEqual({ problem: 'noSuchDay' });
    expect(parseDateInput('31.12.2026')).toEqual({ value: '2026-12-31' });
    expect(parseDateInput('01.01.2027')).toEqual({ value: '2027-01-01' });
    expect(parseDateInput('00.01.2026')).toEqual({ problem: 'noSuchDay' });
    expect(parseDateInput('12.13.2026')).toEqual({ problem: 'noSuchDay' });
    expect(parseDateInput('2026-02-30')).toEqual({ problem: 'noSuchDay' });
  });

  it('refuses what is not a date, and a year that is not written in full', () => {
    for (const text of ['tomorrow', '14.03', '14..03.2026', '2026/03/14x', '1.2.3.4', 'Mar 14 2026']) {
      expect(parseDateInput(text), text).toEqual({ problem: 'format' });
    }
    expect(parseDateInput('14.03.26')).toEqual({ problem: 'year' });
    expect(parseDateInput('14.03.0026')).toEqual({ problem: 'year' });
    expect(parseDateInput('14.03.20266')).toEqual({ problem: 'year' });
  });

  it('keeps within the bounds it is given', () => {
    expect(parseDateInput('13.03.2026', '2026-03-14')).toEqual({ problem: 'tooEarly' });
    expect(parseDateInput('14.03.2026', '2026-03-14', '2026-03-14')).toEqual({ value: '2026-03-14' });
    expect(parseDateInput('15.03.2026', undefined, '2026-03-14')).toEqual({ problem: 'tooLate' });
  });
});

describe('times as people write them: 24-hour', () => {
  it('shows two digits each', () => {
    expect(formatTimeInput('9:05')).toBe('09:05');
    expect(formatTimeInput('14:30')).toBe('14:30');
    expect(formatTimeInput('14:30:00')).toBe('14:30');
    expect(timePattern('az')).toBe('SS:DD');
    expect(timePattern('ru')).toBe('ЧЧ:ММ');
    expect(timePattern('en')).toBe('HH:MM');
  });

  it('reads hours and minutes', () => {
    const cases: Record<string, string> = {
      '14:30': '14:30',
      '14.30': '14.30'.replace('.', ':'),
      '14 30': '14:30',
      '14,30': '14:30',
      '1430': '14:30',
      '930': '09:30',
      '9': '09:00',
      '09': '09:00',
      '9:05': '09:05',
      '00:00': '00:00',
      '23:59': '23:59',
      // Typed the 12-hour way, still understood, and shown 24-hour after.
      '2:30 pm': '14:30',
      '2:30 PM': '14:30',
      '12:15 am': '00:15',
      '12 pm': '12:00',
    };
    for (const [text, want] of Object.entries(cases)) expect(parseTimeInput(text), text).toEqual({ value: want });
    expect(parseTimeInput('')).toEqual({ value: '' });
  });

  it('refuses what is not a time', () => {
    for (const text of ['24:00', '14:60', '25', '13 pm', '0 am']) expect(parseTimeInput(text), text).toEqual({ problem: 'noSuchTime' });
    for (const text of ['noon', '14:3', '1:2:3', '14:30:00', '12345']) expect(parseTimeInput(text), text).toEqual({ problem: 'format' });
  });
});

describe('date and time together', () => {
  it('splits and joins a datetime-local value', () => {
    expect(splitDateTime('2026-03-14T09:30')).toEqual({ date: '2026-03-14', time: '09:30' });
    expect(splitDateTime('')).toEqual({ date: '', time: '' });
    expect(joinDateTime('2026-03-14', '09:30')).toBe('2026-03-14T09:30');
    expect(joinDateTime('2026-03-14', '')).toBe('');
    expect(joinDateTime('', '09:30')).toBe('');
  });
});
