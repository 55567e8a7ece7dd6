// API errors and how they read in words. The server's own message is English
// and meant for developers; people get the message of the code in their language.
import type { MessageKey } from '../i18n/types';
import type { ObstacleFacts } from '../lib/obstacles';

/** The codes the API puts in extensions.code, plus the two the client makes itself. */
export const errorCodes = [
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'INVALID_INPUT',
  'CONFLICT',
  'OVERLAPPING_SHIFT',
  'SIGNUP_CLOSED',
  'REQUIREMENT_NOT_MET',
  'RATE_LIMITED',
  'UNAVAILABLE',
  'INTERNAL',
  'CODE_EXPIRED', // a check-in code older than a minute, or a personal code scanned already
  'WRONG_CENTRE', // another centre's check-in code
  'SELF_CHECK_IN_OFF', // the centre checks volunteers in at its kiosk
  'MENTOR_NOT_EXPERIENCED', // the chosen mentor has fewer credited hours than a mentor needs
  'SHIFT_ENDED', // a place in a shift that has ended (record past work instead)
  'NETWORK', // the server could not be reached
] as const;
export type ErrorCode = (typeof errorCodes)[number];

export function isErrorCode(s: unknown): s is ErrorCode {
  return typeof s === 'string' && (errorCodes as readonly string[]).includes(s);
}

/** An error the API (or the way to it) returned. */
export class ApiError extends Error {
  readonly code: ErrorCode;
  /** For INVALID_INPUT: the input field at fault, as the server names it. */
  readonly field: string | undefined;
  /** For REQUIREMENT_NOT_MET: the qualifications missing or expiring, with their names per language. */
  qualifications?: QualificationName[];
  /** The ones of them held that expire before the shift ends. */
  expiring?: string[];
  /** For a refused signup: what stood in the way, with its facts (lib/obstacles). */
  obstacle?: ObstacleFacts;
  /** For markCoursePassed: the sessions the volunteer missed. */
  missedSessions?: string[];
  constructor(code: ErrorCode, message: string, field?: string) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.field = field;
  }
}

/** A qualification as a refusal names it: its main name and its names per language. */
export interface QualificationName {
  name: string;
  az?: string;
  en?: string;
  ru?: string;
}

const strings = (v: unknown): string[] | undefined =>
  Array.isArray(v) && v.every((x) => typeof x === 'string') ? (v as string[]) : undefined;

/** Normalises anything thrown into an ApiError (unknown things are INTERNAL). */
export function toApiError(e: unknown): ApiError {
  if (e instanceof ApiError) return e;
  if (e instanceof DOMException && e.name === 'AbortError') return new ApiError('NETWORK', 'aborted');
  if (e instanceof TypeError) return new ApiError('NETWORK', e.message); // fetch's failure to connect
  return new ApiError('INTERNAL', e instanceof Error ? e.message : String(e));
}

/** The error of one GraphQL response error object, as the API shapes it. */
export function fromGraphQLError(err: { message?: unknown; extensions?: { code?: unknown; field?: unknown; [k: string]: unknown } }): ApiError {
  const code = isErrorCode(err.extensions?.code) ? err.extensions.code : 'INTERNAL';
  const field = typeof err.extensions?.field === 'string' ? err.extensions.field : undefined;
  const e = new ApiError(code, typeof err.message === 'string' ? err.message : '', field);
  const ext = err.extensions ?? {};
  const named = Array.isArray(ext.qualificationNames) ? (ext.qualificationNames as QualificationName[]).filter((q) => q && typeof q.name === 'string') : undefined;
  const plain = strings(ext.qualifications);
  if (named?.length) e.qualifications = named;
  else if (plain?.length) e.qualifications = plain.map((name) => ({ name }));
  e.expiring = strings(ext.expiring);
  e.missedSessions = strings(ext.missedSessions);
  e.obstacle = fromExtensions(ext, e.qualifications, e.expiring);
  return e;
}

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** The obstacle a refusal's extensions carry, when they carry one. */
export function fromExtensions(ext: Record<string, unknown>, qualifications?: QualificationName[], expiring?: string[]): ObstacleFacts | undefined {
  const code = str(ext.obstacle);
  if (!code) return undefined;
  const c = ext.clash as Record<string, unknown> | undefined;
  const clash =
    c && typeof c === 'object' && str(c.startsAt) && str(c.endsAt)
      ? { startsAt: str(c.startsAt)!, endsAt: str(c.endsAt)!, centre: str(c.centre) ?? '', position: str(c.position) ?? '', timezone: str(c.timezone) ?? 'Asia/Baku' }
      : null;
  return {
    code,
    blocking: true,
    days: num(ext.days),
    minimumAge: num(ext.minimumAge),
    age: num(ext.age),
    adultAge: num(ext.adultAge),
    qualifications,
    expiring,
    status: str(ext.status),
    clash,
  };
}


/** A qualification's name in a language (its main name when it has none there). */
export function qualificationName(q: { name: string; az?: string | null; en?: string | null; ru?: string | null }, lang: 'az' | 'en' | 'ru'): string {
  return q[lang] || q.name;
}

/**
 * Whether the server does not have a field or type the operation uses: a
 * part of the contract (schema-pending/) that has not landed on this server.
 * graphql-go says so in its validation message, before running anything.
 */
export function isMissingFeature(e: ApiError | undefined): boolean {
  return !!e && e.code === 'INVALID_INPUT' && /^(Cannot query field|Unknown type|Unknown argument) "/.test(e.message);
}

/** Where an error happened, when that changes what it means to a person. */
export type ErrorContext = 'login' | 'register' | 'signup' | 'withdraw' | 'checkIn' | 'take' | 'default';

/** The message key that says in words what went wrong. */
export function errorKey(e: ApiError, context: ErrorContext = 'default'): MessageKey {
  switch (e.code) {
    case 'UNAUTHENTICATED':
      return context === 'login' ? 'error.login' : 'error.UNAUTHENTICATED';
    case 'SIGNUP_CLOSED':
      if (context === 'withdraw') return 'error.SIGNUP_CLOSED.withdraw';
      if (context === 'checkIn') return 'error.SIGNUP_CLOSED.checkIn';
      return 'error.SIGNUP_CLOSED';
    case 'CONFLICT':
      if (context === 'take') return 'error.CONFLICT.take';
      return context === 'register' ? 'error.CONFLICT.register' : 'error.CONFLICT';
    case 'INVALID_INPUT':
      return e.field ? 'error.INVALID_INPUT.field' : 'error.INVALID_INPUT';
    default:
      return `error.${e.code}`;
  }
}

/**
 * The form field an INVALID_INPUT error belongs to. The server names the
 * argument or the input field ("email", "input", "startsAt", "input.email");
 * the last part is what forms use as their field names.
 */
export function errorField(e: ApiError): string | undefined {
  if (e.code !== 'INVALID_INPUT' || !e.field) return undefined;
  const parts = e.field.split('.');
  return parts[parts.length - 1];
}

/** Field hints: what a field needs, said in words, keyed by the API's field names. */
export const fieldHints: Partial<Record<string, MessageKey>> = {
  email: 'field.email.hint',
  password: 'field.password.hint',
  fullName: 'field.fullName.hint',
  birthDate: 'field.birthDate.hint',
  phone: 'field.phone.hint',
  timezone: 'field.timezone.hint',
  capacity: 'field.capacity.hint',
  startsAt: 'field.startsAt.hint',
  endsAt: 'field.endsAt.hint',
  repeatUntil: 'field.repeatUntil.hint',
  repeatWeekdays: 'field.repeatWeekdays.hint',
  minimumAge: 'field.minimumAge.hint',
  checkedOutAt: 'field.checkedOutAt.hint',
  checkedInAt: 'field.checkedInAt.hint',
  reason: 'field.required.hint',
  note: 'field.required.hint',
  name: 'field.required.hint',
  city: 'field.required.hint',
  centreIds: 'field.centreIds.hint',
  userId: 'field.userId.hint',
  weekly: 'field.weekly.hint',
  exceptions: 'field.exceptions.hint',
  guardianName: 'field.guardianName.hint',
  relationship: 'field.relationship.hint',
  contact: 'field.contact.hint',
  maxShiftsPerWeek: 'field.maxShiftsPerWeek.hint',
  maxMinutesPerWeek: 'field.maxMinutesPerWeek.hint',
  preferredCentreIds: 'field.preferredCentreIds.hint',
  preferredPositionIds: 'field.preferredPositionIds.hint',
};

/** The message next to a form field for an INVALID_INPUT error about it. */
export function fieldErrorKey(field: string): MessageKey {
  return fieldHints[field] ?? 'field.invalid.hint';
}
