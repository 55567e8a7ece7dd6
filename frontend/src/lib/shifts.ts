// Rules about shifts and places that pages show, as the server applies them.
import type { AssignmentStatus } from '../gql/graphql';

export type Fill = 'full' | 'short' | 'empty';

/** How full a shift is: all places taken, some, or none. */
export function fillOf(s: { confirmedCount: number; capacity: number }): Fill {
  if (s.confirmedCount >= s.capacity) return 'full';
  if (s.confirmedCount === 0) return 'empty';
  return 'short';
}

export function freePlaces(s: { confirmedCount: number; capacity: number }): number {
  return Math.max(0, s.capacity - s.confirmedCount);
}

/** Statuses that hold a place or a place in the queue. */
export const activeStatuses: readonly AssignmentStatus[] = ['CONFIRMED', 'WAITLISTED', 'CHECKED_IN'];

export function isActive(status: AssignmentStatus): boolean {
  return activeStatuses.includes(status);
}

/** Check-in opens this long before the start (DESIGN: 30 minutes) and closes at the end. */
export const checkInOpensMinutes = 30;

export function checkInOpen(shift: { startsAt: string; endsAt: string }, now: Date = new Date()): boolean {
  const start = new Date(shift.startsAt).getTime();
  const end = new Date(shift.endsAt).getTime();
  return now.getTime() >= start - checkInOpensMinutes * 60_000 && now.getTime() < end;
}

/** Whether the shift has started (a volunteer can no longer withdraw or sign up). */
export function started(shift: { startsAt: string }, now: Date = new Date()): boolean {
  return new Date(shift.startsAt).getTime() <= now.getTime();
}

export function ended(shift: { endsAt: string }, now: Date = new Date()): boolean {
  return new Date(shift.endsAt).getTime() <= now.getTime();
}

/** The one assignment of the viewer that counts: an active one before any cancelled one. */
export function myPlace<A extends { status: AssignmentStatus }>(assignments: readonly A[] | null | undefined): A | undefined {
  if (!assignments || assignments.length === 0) return undefined;
  return assignments.find((a) => a.status !== 'CANCELLED') ?? assignments[0];
}
