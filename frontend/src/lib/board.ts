// The live board's columns (pages/coordinator/LiveBoard.tsx), worked out
// from a centre's shifts around now.
import type { LiveBoardQuery } from '../gql/graphql';

export type BoardShift = LiveBoardQuery['shifts']['edges'][number]['node'];

export const hour = 3600_000;
export const ahead = 6 * hour; // open places of the next six hours
const dueWindow = 30 * 60_000; // due: starts within half an hour, or has started

export interface Person {
  id: string;
  name: string;
  shift: BoardShift;
}

/** Sorts the places of the shifts around now into the board's columns. */
export function board(shifts: BoardShift[], now: number) {
  const due: Person[] = [];
  const late: Person[] = [];
  const checkedIn: Person[] = [];
  const open: { shift: BoardShift; places: number }[] = [];
  for (const s of shifts) {
    const start = Date.parse(s.startsAt);
    const end = Date.parse(s.endsAt);
    if (end <= now) continue;
    for (const a of s.assignments) {
      const p = { id: a.id, name: a.volunteer.fullName, shift: s };
      if (a.status === 'CHECKED_IN') checkedIn.push(p);
      else if (a.status === 'CONFIRMED' && start <= now) late.push(p);
      else if (a.status === 'CONFIRMED' && start - now <= dueWindow) due.push(p);
    }
    const places = s.capacity - s.confirmedCount;
    if (places > 0 && start < now + ahead) open.push({ shift: s, places });
  }
  return { due, late, checkedIn, open };
}

