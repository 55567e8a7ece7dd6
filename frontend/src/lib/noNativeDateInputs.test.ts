// No page uses the browser's own date or time inputs: they follow the
// operating system's locale (an en-US laptop shows 02:30 PM and 03/14/2026
// to an Azerbaijani or Russian reader). Pages use components/DateInput.tsx.
import { describe, expect, it } from 'vitest';

const sources = import.meta.glob(['../**/*.tsx', '../**/*.ts', '!../**/*.test.ts', '!../**/*.test.tsx'], {
  query: '?raw',
  import: 'default',
  eager: true,
}) as Record<string, string>;

describe('date and time fields', () => {
  it('are never the browser’s native ones', () => {
    expect(Object.keys(sources).length).toBeGreaterThan(50);
    const found: string[] = [];
    for (const [file, text] of Object.entries(sources)) {
      text.split('\n').forEach((line, i) => {
        if (/type\s*=\s*\{?\s*["'`](date|time|datetime-local|month|week)["'`]/.test(line)) found.push(`${file}:${i + 1}`);
      });
    }
    expect(found).toEqual([]);
  });
});
