import { describe, expect, it } from 'vitest';
import { ApiError, errorCodes, errorField, errorKey, fieldErrorKey, fromGraphQLError, isMissingFeature, qualificationName, toApiError } from './errors';
import { fileNameOf } from '../lib/download';
import { languages, translate, type Lang } from '../i18n';
import type { Messages } from '../i18n/types';
import { az } from '../i18n/az';
import { en } from '../i18n/en';
import { ru } from '../i18n/ru';

const catalogs: Record<Lang, Messages> = { az, en, ru };

describe('API errors', () => {
  it('reads code and field from a GraphQL error', () => {
    const e = fromGraphQLError({ message: 'not a valid email address', extensions: { code: 'INVALID_INPUT', field: 'email' } });
    expect(e.code).toBe('INVALID_INPUT');
    expect(e.field).toBe('email');
  });

  it('reads the qualifications a refusal names, in each language', () => {
    const e = fromGraphQLError({
      message: 'the position needs the qualifications: First aid',
      extensions: { code: 'REQUIREMENT_NOT_MET', qualifications: ['First aid'], expiring: [], qualificationNames: [{ name: 'First aid', ru: 'Первая помощь' }] },
    });
    expect(e.qualifications?.map((q) => qualificationName(q, 'ru'))).toEqual(['Первая помощь']);
    expect(e.qualifications?.map((q) => qualificationName(q, 'az'))).toEqual(['First aid']);
    expect(fromGraphQLError({ extensions: { code: 'REQUIREMENT_NOT_MET', qualifications: ['English B2'] } }).qualifications).toEqual([{ name: 'English B2' }]);
    expect(fromGraphQLError({ extensions: { code: 'REQUIREMENT_NOT_MET', missedSessions: ['U2hpZnQ6Mg'] } }).missedSessions).toEqual(['U2hpZnQ6Mg']);
  });

  it('treats an unknown or missing code as INTERNAL', () => {
    expect(fromGraphQLError({ message: 'x', extensions: { code: 'TEAPOT' } }).code).toBe('INTERNAL');
    expect(fromGraphQLError({ message: 'x' }).code).toBe('INTERNAL');
  });

  it('turns a failed fetch into NETWORK and anything else into INTERNAL', () => {
    expect(toApiError(new TypeError('Failed to fetch')).code).toBe('NETWORK');
    expect(toApiError(new Error('boom')).code).toBe('INTERNAL');
    const e = new ApiError('CONFLICT', 'x');
    expect(toApiError(e)).toBe(e);
  });

  it('says a failed sign-in differently from a missing one', () => {
    const e = new ApiError('UNAUTHENTICATED', 'wrong email or password');
    expect(errorKey(e, 'login')).toBe('error.login');
    expect(errorKey(e)).toBe('error.UNAUTHENTICATED');
  });

  it('explains SIGNUP_CLOSED by what was tried', () => {
    const e = new ApiError('SIGNUP_CLOSED', 'x');
    expect(errorKey(e)).toBe('error.SIGNUP_CLOSED');
    expect(errorKey(e, 'withdraw')).toBe('error.SIGNUP_CLOSED.withdraw');
    expect(errorKey(e, 'checkIn')).toBe('error.SIGNUP_CLOSED.checkIn');
  });

  it('puts an INVALID_INPUT next to the input field it names', () => {
    expect(errorField(new ApiError('INVALID_INPUT', 'x', 'input.birthDate'))).toBe('birthDate');
    expect(errorField(new ApiError('INVALID_INPUT', 'x', 'email'))).toBe('email');
    expect(errorField(new ApiError('CONFLICT', 'x', 'email'))).toBeUndefined();
    expect(fieldErrorKey('password')).toBe('field.password.hint');
    expect(fieldErrorKey('somethingNew')).toBe('field.invalid.hint');
    expect(errorField(new ApiError('INVALID_INPUT', 'x', 'input.relationship'))).toBe('relationship');
    expect(fieldErrorKey('relationship')).toBe('field.relationship.hint');
  });

  it('has words for every code in every language', () => {
    for (const lang of languages) {
      for (const code of errorCodes) {
        const key = errorKey(new ApiError(code, ''));
        const text = translate(catalogs[lang], lang, key);
        expect(text, `${lang} ${code}`).not.toBe('');
        expect(text, `${lang} ${code}`).not.toContain('error.');
      }
    }
  });
});

describe('translate', () => {
  it('fills placeholders and picks Russian plural forms', () => {
    expect(translate(catalogs.ru, 'ru-RU', 'browse.count', { count: 1 })).toBe('1 смена');
    expect(translate(catalogs.ru, 'ru-RU', 'browse.count', { count: 3 })).toBe('3 смены');
    expect(translate(catalogs.ru, 'ru-RU', 'browse.count', { count: 5 })).toBe('5 смен');
    expect(translate(catalogs.en, 'en-GB', 'browse.count', { count: 1 })).toBe('1 shift');
    expect(translate(catalogs.az, 'az', 'places.free', { count: 2 })).toBe('2 boş yer');
  });

  it('has the same placeholders in every language', () => {
    const names = (s: unknown) => JSON.stringify(s).match(/\{\w+\}/g)?.sort().filter((v, i, a) => a.indexOf(v) === i) ?? [];
    for (const key of Object.keys(catalogs.en) as (keyof typeof catalogs.en)[]) {
      for (const lang of ['az', 'ru'] as const) {
        expect(names(catalogs[lang][key]), `${lang} ${key}`).toEqual(names(catalogs.en[key]));
      }
    }
  });
});

describe('parts of the contract a server does not have yet', () => {
  it('are told by the validation message, not by any other error', () => {
    const missing = fromGraphQLError({ message: 'Cannot query field "participationReport" on type "Query".', extensions: { code: 'INVALID_INPUT' } });
    expect(isMissingFeature(missing)).toBe(true);
    expect(isMissingFeature(fromGraphQLError({ message: 'Unknown type "AvailabilityInput".', extensions: { code: 'INVALID_INPUT' } }))).toBe(true);
    expect(isMissingFeature(fromGraphQLError({ message: 'not a valid email address', extensions: { code: 'INVALID_INPUT', field: 'email' } }))).toBe(false);
    expect(isMissingFeature(new ApiError('FORBIDDEN', 'Cannot query field "x"'))).toBe(false);
    expect(isMissingFeature(undefined)).toBe(false);
  });
});

describe('downloads', () => {
  it('take the server’s file name', () => {
    expect(fileNameOf('attachment; filename="participation_20260101_20260131.csv"')).toBe('participation_20260101_20260131.csv');
    expect(fileNameOf("attachment; filename*=UTF-8''sertifikat%20%C9%99.pdf")).toBe('sertifikat ə.pdf');
    expect(fileNameOf(null)).toBeNull();
  });
});
