import { describe, expect, it } from 'vitest';
import { fromGraphQLError } from '../api/errors';
import { fromNode, obstacleText } from './obstacles';
import { ageOn, needsConsent } from './consent';

describe('what stands in the way, in words', () => {
  it('reads a refusal’s extensions: the age, the consent, the clash', () => {
    const e = fromGraphQLError({ message: 'x', extensions: { code: 'REQUIREMENT_NOT_MET', obstacle: 'UNDER_MINIMUM_AGE', minimumAge: 18, age: 17 } });
    expect(e.obstacle).toMatchObject({ code: 'UNDER_MINIMUM_AGE', minimumAge: 18, age: 17 });
    expect(obstacleText(e.obstacle!, 'az', 'az')).toBe('18 yaş və yuxarı üçündür (növbə günü yaş: 17).');
    expect(obstacleText(e.obstacle!, 'en', 'en-GB')).toBe('For ages 18 and over (age on the shift’s day: 17).');
    const consent = fromGraphQLError({ extensions: { code: 'REQUIREMENT_NOT_MET', obstacle: 'GUARDIAN_CONSENT_MISSING', adultAge: 18, age: 17 } });
    expect(obstacleText(consent.obstacle!, 'az', 'az')).toMatch(/^18 yaşdan kiçiklər üçün əvvəlcə valideyn/);
    expect(obstacleText(consent.obstacle!, 'ru', 'ru-RU')).toMatch(/^До 18 лет сначала нужно согласие/);
    const clash = fromGraphQLError({
      extensions: {
        code: 'OVERLAPPING_SHIFT',
        obstacle: 'OVERLAPPING_SHIFT',
        clash: { shiftId: 'x', startsAt: '2030-03-05T06:00:00Z', endsAt: '2030-03-05T10:00:00Z', centre: 'ASAN 1', position: 'Guide', timezone: 'Asia/Baku' },
      },
    });
    expect(obstacleText(clash.obstacle!, 'en', 'en-GB')).toMatch(/^Clashes with another shift: Guide, ASAN 1, .*10:00–14:00\.$/);
    const hidden = fromGraphQLError({ extensions: { code: 'OVERLAPPING_SHIFT', obstacle: 'OVERLAPPING_SHIFT' } });
    expect(obstacleText(hidden.obstacle!, 'en', 'en-GB')).toBe('Already has another shift at that time.');
    expect(fromGraphQLError({ extensions: { code: 'CONFLICT' } }).obstacle).toBeUndefined();
  });

  it('names qualifications in the reader’s language, and every code has words in every language', () => {
    const node = {
      code: 'MISSING_QUALIFICATIONS',
      blocking: true,
      expiring: [],
      qualifications: [{ name: 'First aid', az: 'İlk yardım', en: null, ru: 'Первая помощь' }],
    };
    expect(obstacleText(fromNode(node), 'az', 'az')).toBe('Bu ixtisas tələb olunur: İlk yardım.');
    expect(obstacleText(fromNode(node), 'en', 'en-GB')).toBe('Needs the qualification: First aid.');
    const codes = ['SHIFT_CANCELLED', 'SHIFT_NOT_PUBLISHED', 'SHIFT_STARTED', 'SHIFT_ENDED', 'SIGNUP_NOT_OPEN_YET', 'AWAITING_APPROVAL', 'VOLUNTEER_NOT_ACTIVE', 'ALREADY_ASSIGNED', 'SHIFT_FULL'];
    for (const lang of ['az', 'en', 'ru'] as const) {
      const seen = new Set<string>();
      for (const code of codes) {
        const s = obstacleText({ code, days: 60 }, lang, lang);
        expect(s).not.toMatch(/[{}]/);
        seen.add(s);
      }
      expect(seen.size).toBe(codes.length);
    }
  });
});

describe('a guardian’s consent', () => {
  it('is needed under 18 on the day', () => {
    expect(ageOn('2008-12-09', '2026-12-08')).toBe(17);
    expect(ageOn('2008-12-08', '2026-12-08')).toBe(18);
    expect(needsConsent('2008-12-09', '2026-12-08')).toBe(true);
    expect(needsConsent('2008-12-08', '2026-12-08')).toBe(false);
    expect(needsConsent('', '2026-12-08')).toBe(false);
  });
});
