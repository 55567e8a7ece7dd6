import { describe, expect, it } from 'vitest';
import { seriesDates, weekdaysFor } from './series';

describe('weekdaysFor', () => {
  it('follows the first date until weekdays are chosen', () => {
    // 2026-12-07 is a Monday, 2026-12-09 a Wednesday.
    expect(weekdaysFor('2026-12-07', [1], false)).toEqual([1]);
    expect(weekdaysFor('2026-12-09', [1], false)).toEqual([3]);
  });
  it('keeps exactly the chosen weekdays', () => {
    expect(weekdaysFor('2026-12-09', [1, 5], true)).toEqual([1, 5]);
  });
  it('a series after a changed date has only the new weekday', () => {
    const w = weekdaysFor('2026-12-09', weekdaysFor('2026-12-07', [], false), false);
    expect(seriesDates('2026-12-09', w, '2026-12-23')).toEqual(['2026-12-09', '2026-12-16', '2026-12-23']);
  });
});
