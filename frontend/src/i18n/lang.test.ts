import { describe, expect, it } from 'vitest';
import { initialLang } from './index';

describe('the language to start in', () => {
  it('is the one chosen before', () => {
    expect(initialLang('ru', ['en-US'])).toBe('ru');
  });

  it('else the browser’s first supported language', () => {
    expect(initialLang(null, ['de-DE', 'ru-RU', 'en'])).toBe('ru');
    expect(initialLang(null, ['en-US'])).toBe('en');
    expect(initialLang('xx', ['az-AZ'])).toBe('az');
  });

  it('else Azerbaijani', () => {
    expect(initialLang(null, ['de-DE', 'fr'])).toBe('az');
    expect(initialLang(null, [])).toBe('az');
  });
});
