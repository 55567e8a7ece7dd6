// An audit change made readable: the fields that differ between the object
// before and after, each named in words and each value as people read it
// (dates in the reader's zone and language, yes/no, lists, statuses in
// words). Ids and other internals stay in the raw JSON behind "details".
import { formatDateTime, formatNumber, formatPlainDate } from './format';

export interface ReadableText {
  locale: string;
  timeZone: string;
  /** A field's name in words. */
  field: (name: string) => string;
  /** An enum value (PUBLISHED, COORDINATOR…) of a field in words; undefined: as it is. */
  value: (field: string, value: string) => string | undefined;
  yes: string;
  no: string;
  /** What an empty value reads as. */
  none: string;
}

export interface ReadableRow {
  field: string;
  label: string;
  before: string;
  after: string;
}

/** Fields that hold ids or internals: kept in the raw JSON only. */
export function hiddenField(name: string): boolean {
  return /(^|[a-z])IDs?$/.test(name) || name === 'ID' || name === 'PasswordHash';
}

const isoInstant = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;
const midnightUTC = /^(\d{4}-\d{2}-\d{2})T00:00:00Z$/;
const enumValue = /^[A-Z][A-Z_]+$/;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function empty(v: unknown): boolean {
  return v === null || v === undefined || v === '' || (Array.isArray(v) && v.length === 0) || (isObject(v) && Object.keys(v).length === 0);
}

/** One value as words. */
export function readableValue(field: string, v: unknown, text: ReadableText): string {
  if (empty(v)) return text.none;
  if (typeof v === 'boolean') return v ? text.yes : text.no;
  if (typeof v === 'number') return formatNumber(v, text.locale);
  if (typeof v === 'string') {
    const day = midnightUTC.exec(v);
    // A date (birth date, say) is kept as midnight UTC: show the day, in no zone.
    if (day && /Date$/.test(field)) return formatPlainDate(day[1]!, text.locale);
    if (isoInstant.test(v) && !Number.isNaN(Date.parse(v))) return formatDateTime(v, text.locale, text.timeZone);
    if (enumValue.test(v)) return text.value(field, v) ?? v;
    return v;
  }
  if (Array.isArray(v)) return v.map((e) => readableValue(field, e, text)).join(', ');
  if (isObject(v)) {
    return Object.entries(v)
      .filter(([k, e]) => !hiddenField(k) && !empty(e))
      .map(([k, e]) => `${text.field(k)}: ${readableValue(k, e, text)}`)
      .join('; ');
  }
  return String(v);
}

function parseObject(json: string | null | undefined): Record<string, unknown> | null | undefined {
  if (json == null) return null;
  try {
    const v: unknown = JSON.parse(json);
    return isObject(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The fields that differ, in words, in the order the object lists them. A
 * created object lists its fields that hold something (before: none); a
 * deleted one, what it held. Returns null when either side is not a JSON
 * object (then there is nothing to read field by field).
 */
export function readableDiff(before: string | null | undefined, after: string | null | undefined, text: ReadableText): ReadableRow[] | null {
  const b = parseObject(before);
  const a = parseObject(after);
  if (b === undefined || a === undefined || (b === null && a === null)) return null;
  const bv = b ?? {};
  const av = a ?? {};
  const out: ReadableRow[] = [];
  for (const field of [...Object.keys(bv), ...Object.keys(av).filter((k) => !(k in bv))]) {
    if (hiddenField(field)) continue;
    const x = bv[field];
    const y = av[field];
    if (JSON.stringify(x ?? null) === JSON.stringify(y ?? null)) continue;
    if (empty(x) && empty(y)) continue;
    out.push({ field, label: text.field(field), before: readableValue(field, x, text), after: readableValue(field, y, text) });
  }
  return out;
}
