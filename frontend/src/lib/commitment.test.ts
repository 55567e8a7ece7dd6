import { describe, expect, it } from 'vitest';
import { parseCommitmentLimits } from './commitment';

describe('parseCommitmentLimits', () => {
  it('reads empty as no limit and hours as minutes', () => {
    expect(parseCommitmentLimits({ maxShifts: '', maxHours: '' })).toEqual({ maxShiftsPerWeek: 0, maxMinutesPerWeek: 0 });
    expect(parseCommitmentLimits({ maxShifts: ' 2 ', maxHours: '7,5' })).toEqual({ maxShiftsPerWeek: 2, maxMinutesPerWeek: 450 });
  });
  it('names the field at fault', () => {
    expect(parseCommitmentLimits({ maxShifts: '1.5', maxHours: '' })).toEqual({ field: 'maxShiftsPerWeek' });
    expect(parseCommitmentLimits({ maxShifts: '-1', maxHours: '' })).toEqual({ field: 'maxShiftsPerWeek' });
    expect(parseCommitmentLimits({ maxShifts: '2', maxHours: 'many' })).toEqual({ field: 'maxMinutesPerWeek' });
    expect(parseCommitmentLimits({ maxShifts: '2', maxHours: '169' })).toEqual({ field: 'maxMinutesPerWeek' });
  });
});
