import { describe, expect, it } from 'vitest';
import { readCode, untilRefresh } from './checkin';

describe('readCode', () => {
  it('reads kiosk codes typed, spaced or as the address in the QR code', () => {
    expect(readCode('123456')).toEqual({ kind: 'kiosk', code: '123456' });
    expect(readCode(' 123 456 ')).toEqual({ kind: 'kiosk', code: '123456' });
    expect(readCode('https://konullu.az/checkin?code=654321')).toEqual({ kind: 'kiosk', code: '654321' });
    expect(readCode('/checkin?code=654321')).toEqual({ kind: 'kiosk', code: '654321' });
  });
  it('reads personal codes and refuses anything else', () => {
    expect(readCode('42-12345678')).toEqual({ kind: 'personal', code: '42-12345678' });
    expect(readCode('12345')).toBeNull();
    expect(readCode('https://example.org/verify/ABC')).toBeNull();
  });
  it('refreshes when the code changes, within bounds', () => {
    expect(untilRefresh('2025-01-01T00:00:30Z', Date.parse('2025-01-01T00:00:10Z'))).toBe(20_200);
    expect(untilRefresh('2025-01-01T00:00:30Z', Date.parse('2025-01-01T00:01:00Z'))).toBe(1_000);
  });
});
