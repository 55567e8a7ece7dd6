import { describe, expect, it } from 'vitest';
import * as av from './availability';

const m = (weekly: av.Window[], exceptions: av.Exception[] = []): av.AvailabilityModel => ({ weekly, exceptions });

describe('availability editor model', () => {
  it('reads the API shape and sorts it', () => {
    const model = av.fromApi({
      weekly: [
        { weekday: 3, start: '13:00', end: '18:00' },
        { weekday: 1, start: '09:00', end: '13:00' },
      ],
      exceptions: [{ date: '2025-12-31', available: false, start: null, end: null }],
    });
    expect(model.weekly.map((w) => w.weekday)).toEqual([1, 3]);
    expect(model.exceptions[0]).toEqual({ date: '2025-12-31', available: false, start: null, end: null });
  });

  it('toggles a preset on and off', () => {
    let model = av.togglePreset(av.empty, 2, 'morning');
    expect(model.weekly).toEqual([{ weekday: 2, start: '09:00', end: '13:00' }]);
    expect(av.hasPreset(model, 2, 'morning')).toBe(true);
    model = av.togglePreset(model, 2, 'morning');
    expect(model.weekly).toEqual([]);
  });

  it('copies one day to other days, replacing what they had', () => {
    const model = m([
      { weekday: 1, start: '09:00', end: '13:00' },
      { weekday: 1, start: '18:00', end: '21:00' },
      { weekday: 2, start: '10:00', end: '11:00' },
      { weekday: 6, start: '10:00', end: '12:00' },
    ]);
    const copied = av.copyDay(model, 1, [1, 2, 3, 4, 5]);
    expect(av.windowsOf(copied, 2).map((x) => x.window.start)).toEqual(['09:00', '18:00']);
    expect(av.windowsOf(copied, 5)).toHaveLength(2);
    expect(av.windowsOf(copied, 6)).toHaveLength(1);
    expect(copied.weekly).toHaveLength(11);
  });

  it('finds ends before starts, bad times and overlaps', () => {
    const problems = av.validate(
      m([
        { weekday: 1, start: '13:00', end: '09:00' },
        { weekday: 2, start: '', end: '10:00' },
        { weekday: 3, start: '09:00', end: '13:00' },
        { weekday: 3, start: '12:00', end: '15:00' },
        { weekday: 4, start: '09:00', end: '12:00' },
        { weekday: 4, start: '12:00', end: '15:00' },
      ]),
    );
    expect(problems).toEqual([
      { list: 'weekly', index: 0, code: 'time.order' },
      { list: 'weekly', index: 1, code: 'time.invalid' },
      { list: 'weekly', index: 2, code: 'window.overlap' },
      { list: 'weekly', index: 3, code: 'window.overlap' },
    ]);
  });

  it('takes quarter hours only, and 24:00 as the end of the day', () => {
    const problems = av.validate(
      m([
        { weekday: 1, start: '09:10', end: '12:00' },
        { weekday: 2, start: '20:00', end: '24:00' },
      ]),
    );
    expect(problems).toEqual([{ list: 'weekly', index: 0, code: 'time.quarter' }]);
    expect(av.weeklyMinutes(m([{ weekday: 2, start: '20:00', end: '24:00' }]))).toBe(240);
  });

  it('tells the four kinds of exception apart, as the server reads them', () => {
    const day = { date: '2026-01-05', available: false, start: null, end: null };
    expect(av.kindOf(day)).toBe('dayOff');
    expect(av.withKind(day, 'hoursOff')).toEqual({ date: '2026-01-05', available: false, start: '10:00', end: '14:00' });
    expect(av.kindOf(av.withKind(day, 'extraHours'))).toBe('extraHours');
    expect(av.withKind(av.withKind(day, 'extraHours'), 'dayFree')).toEqual({ date: '2026-01-05', available: true, start: null, end: null });
  });

  it('checks exceptions: one per date, both times or none', () => {
    const problems = av.validate(
      m(
        [],
        [
          { date: '2025-12-31', available: false, start: null, end: null },
          { date: '2025-12-31', available: true, start: '10:00', end: '12:00' },
          { date: '2026-01-02', available: true, start: '10:00', end: null },
          { date: '2026-02-30', available: false, start: null, end: null },
          { date: '2026-01-03', available: true, start: null, end: null },
          { date: '2026-01-04', available: false, start: '10:00', end: null },
        ],
      ),
    );
    expect(problems).toEqual([
      { list: 'exceptions', index: 1, code: 'exception.duplicate' },
      { list: 'exceptions', index: 2, code: 'exception.times' },
      { list: 'exceptions', index: 3, code: 'exception.date' },
      { list: 'exceptions', index: 5, code: 'exception.times' },
    ]);
  });

  it('keeps touching windows apart when saving, sorted', () => {
    const input = av.toInput(
      m(
        [
          { weekday: 1, start: '13:30', end: '18:00' },
          { weekday: 1, start: '09:00', end: '13:30' },
          { weekday: 2, start: '09:00', end: '12:00' },
        ],
        [{ date: '2025-12-31', available: false, start: '', end: '' }],
      ),
    );
    expect(input.weekly).toEqual([
      { weekday: 1, start: '09:00', end: '13:30' },
      { weekday: 1, start: '13:30', end: '18:00' },
      { weekday: 2, start: '09:00', end: '12:00' },
    ]);
    expect(input.exceptions).toEqual([{ date: '2025-12-31', available: false, start: null, end: null }]);
  });

  it('ticks blocks of a centre’s day, adjacent ones as two, and refuses one that overlaps', () => {
    const morning = { weekday: 4, start: '09:00', end: '13:30' };
    const afternoon = { weekday: 4, start: '13:30', end: '18:00' };
    let model = av.toggleBlock(av.toggleBlock(av.empty, afternoon), morning);
    expect(model.weekly).toEqual([morning, afternoon]);
    expect(av.hasBlock(model, morning) && av.hasBlock(model, afternoon)).toBe(true);
    expect(av.blockClashes(model, afternoon)).toBe(false);
    expect(av.blockClashes(model, { weekday: 4, start: '12:00', end: '14:00' })).toBe(true);
    expect(av.toInput(model).weekly).toEqual([morning, afternoon]);
    model = av.toggleBlock(model, morning);
    expect(model.weekly).toEqual([afternoon]);
  });

  it('sums the week and tells unsaved changes apart', () => {
    const a = m([
      { weekday: 1, start: '09:00', end: '13:00' },
      { weekday: 5, start: '18:00', end: '21:00' },
    ]);
    expect(av.weeklyMinutes(a)).toBe(7 * 60);
    const b = m([
      { weekday: 5, start: '18:00', end: '21:00' },
      { weekday: 1, start: '09:00', end: '13:00' },
    ]);
    expect(av.sameAvailability(a, b)).toBe(true);
    expect(av.sameAvailability(a, av.removeWindow(a, 0))).toBe(false);
  });

  it('drops exceptions in the past', () => {
    const model = m([], [
      { date: '2025-01-01', available: false, start: null, end: null },
      { date: '2026-01-01', available: false, start: null, end: null },
    ]);
    expect(av.dropPastExceptions(model, '2025-06-01').exceptions.map((e) => e.date)).toEqual(['2026-01-01']);
  });
});
