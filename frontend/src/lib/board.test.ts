import { describe, expect, it } from 'vitest';
import { board, type BoardShift } from './board';

const now = Date.parse('2025-03-10T08:00:00Z');

function shift(id: string, startsInMin: number, hours: number, capacity: number, places: [string, string][]): BoardShift {
  const start = new Date(now + startsInMin * 60_000);
  return {
    id,
    startsAt: start.toISOString(),
    endsAt: new Date(start.getTime() + hours * 3600_000).toISOString(),
    capacity,
    confirmedCount: places.length,
    waitlistCount: 0,
    status: 'PUBLISHED',
    cancelReason: null,
    centre: { id: 'c', name: 'C', city: 'Bakı', address: null, timezone: 'Asia/Baku' },
    position: { id: 'p', name: 'Greeter', description: null, requiredSkills: [], minimumAge: null },
    assignments: places.map(([name, status], i) => ({ id: `${id}-${i}`, status, checkedInAt: null, volunteer: { id: name, fullName: name } })),
  } as unknown as BoardShift;
}

describe('board', () => {
  it('sorts places into due, late and checked in, and counts open places ahead', () => {
    const b = board(
      [
        shift('started', -20, 4, 3, [['Aysel', 'CONFIRMED'], ['Bahar', 'CHECKED_IN']]),
        shift('soon', 15, 4, 2, [['Cavid', 'CONFIRMED']]),
        shift('later', 120, 4, 2, [['Dilarə', 'CONFIRMED']]),
        shift('far', 8 * 60, 4, 5, []),
        shift('over', -300, 4, 2, [['Elvin', 'CONFIRMED']]),
      ],
      now,
    );
    expect(b.late.map((p) => p.name)).toEqual(['Aysel']);
    expect(b.checkedIn.map((p) => p.name)).toEqual(['Bahar']);
    expect(b.due.map((p) => p.name)).toEqual(['Cavid']);
    expect(b.open.map((o) => [o.shift.id, o.places])).toEqual([['started', 1], ['soon', 1], ['later', 1]]);
  });
});
