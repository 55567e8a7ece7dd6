// A volunteer's commitment as the profile form reads it.

const maxWeekHours = 7 * 24;

/**
 * The form's limits as the API takes them (0: no limit; hours to minutes,
 * "7,5" as 7.5), or the API's name of the field at fault.
 */
export function parseCommitmentLimits(f: {
  maxShifts: string;
  maxHours: string;
}): { maxShiftsPerWeek: number; maxMinutesPerWeek: number } | { field: 'maxShiftsPerWeek' | 'maxMinutesPerWeek' } {
  const shifts = f.maxShifts.trim();
  const hours = f.maxHours.trim().replace(',', '.');
  const s = shifts === '' ? 0 : Number(shifts);
  if (!Number.isInteger(s) || s < 0 || s > maxWeekHours) return { field: 'maxShiftsPerWeek' };
  const h = hours === '' ? 0 : Number(hours);
  if (!Number.isFinite(h) || h < 0 || h > maxWeekHours) return { field: 'maxMinutesPerWeek' };
  return { maxShiftsPerWeek: s, maxMinutesPerWeek: Math.round(h * 60) };
}
