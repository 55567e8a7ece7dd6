// Shared bits of the youth programme's pages.
import type { ApplicationStatus } from '../../gql/graphql';

/** The language levels an applicant may give (the CEFR's, and native). */
export const levels = ['A1', 'A2', 'B1', 'B2', 'C1', 'C2', 'NATIVE'] as const;

export const statuses: ApplicationStatus[] = ['SUBMITTED', 'INTERVIEW', 'ACCEPTED', 'WAITLISTED', 'REJECTED', 'WITHDRAWN'];

/** Age in whole years on a day, both as YYYY-MM-DD. */
export function ageOn(birth: string, day: string): number {
  const [by, bm, bd] = birth.split('-').map(Number) as [number, number, number];
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  let age = y - by;
  if (m < bm || (m === bm && d < bd)) age--;
  return age;
}
