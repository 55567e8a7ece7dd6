// What a scanned or typed check-in code is: a kiosk's (six digits, or the
// address of the check-in page with them) or a volunteer's personal code.

export type ScannedCode = { kind: 'kiosk'; code: string } | { kind: 'personal'; code: string };

export function readCode(text: string): ScannedCode | null {
  const s = text.trim();
  if (/^\d+-\d{8}$/.test(s)) return { kind: 'personal', code: s };
  const digits = s.replace(/[\s-]/g, '');
  if (/^\d{6}$/.test(digits)) return { kind: 'kiosk', code: digits };
  try {
    const u = new URL(s, 'http://x');
    const c = u.searchParams.get('code');
    if (u.pathname.endsWith('/checkin') && c && /^\d{6}$/.test(c)) return { kind: 'kiosk', code: c };
  } catch {
    // not an address
  }
  return null;
}

/** Milliseconds until the instant (at least a second, at most 30). */
export function untilRefresh(validUntil: string, now = Date.now()): number {
  return Math.min(30_000, Math.max(1_000, new Date(validUntil).getTime() - now + 200));
}
