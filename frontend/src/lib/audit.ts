// The audit log: its query's variables, its pages, and each change's JSON
// made readable (pretty-printed, and what changed field by field).
import type { AuditLogQueryVariables } from '../gql/graphql';
import { addDays, isPlainDate, startOfDayIn } from './time';

export const auditPageSize = 25;

/**
 * What the reader filters by, as the page's address keeps it: an action
 * (its exact name), the person who acted, objects (a person's account and
 * volunteer profile together, or one object), and a period of whole days in
 * the reader's zone, both ends included. Names go with ids so that the
 * filters read as words.
 */
export interface AuditFilter {
  action: string;
  actorId: string;
  actorName: string;
  objectIds: string[];
  objectName: string;
  from: string;
  to: string;
}

export const noAuditFilter: AuditFilter = { action: '', actorId: '', actorName: '', objectIds: [], objectName: '', from: '', to: '' };

const keys = { action: 'action', actorId: 'actor', actorName: 'actorName', objectName: 'objectName', from: 'from', to: 'to' } as const;

/** The filter an address holds. */
export function filterFromParams(p: URLSearchParams): AuditFilter {
  return {
    action: p.get(keys.action) ?? '',
    actorId: p.get(keys.actorId) ?? '',
    actorName: p.get(keys.actorName) ?? '',
    objectIds: (p.get('objects') ?? '').split(',').filter(Boolean),
    objectName: p.get(keys.objectName) ?? '',
    from: p.get(keys.from) ?? '',
    to: p.get(keys.to) ?? '',
  };
}

/** The address's parameters for a filter (empty ones left out). */
export function filterToParams(f: AuditFilter): URLSearchParams {
  const p = new URLSearchParams();
  for (const [k, name] of Object.entries(keys) as [keyof typeof keys, string][]) {
    const v = f[k].trim();
    if (v) p.set(name, v);
  }
  if (f.objectIds.length) p.set('objects', f.objectIds.join(','));
  return p;
}

/** The query's variables: the filters (days made instants in the zone) and the page's cursor. */
export function auditVariables(f: AuditFilter, after: string | null, timeZone: string, first = auditPageSize): AuditLogQueryVariables {
  return {
    action: f.action.trim() || null,
    actorId: f.actorId || null,
    objectIds: f.objectIds.length ? f.objectIds : null,
    from: isPlainDate(f.from) ? startOfDayIn(f.from, timeZone).toISOString() : null,
    // The last day is included: up to the start of the next.
    to: isPlainDate(f.to) ? startOfDayIn(addDays(f.to, 1), timeZone).toISOString() : null,
    first,
    after,
  };
}

/**
 * The cursor of the page after entries, the last entry's id; null when the
 * page was not full (there are no older entries).
 */
export function auditNextCursor(entries: readonly { id: string }[], pageSize = auditPageSize): string | null {
  if (entries.length < pageSize) return null;
  return entries[entries.length - 1]?.id ?? null;
}

/** Appends a page, leaving out entries already shown (ids are unique). */
export function appendEntries<E extends { id: string }>(shown: readonly E[], page: readonly E[]): E[] {
  const seen = new Set(shown.map((e) => e.id));
  return [...shown, ...page.filter((e) => !seen.has(e.id))];
}

function parse(json: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(json) as unknown };
  } catch {
    return { ok: false };
  }
}

/** JSON indented by two spaces, keys as the server sent them; text that is not JSON stays as it is. */
export function prettyJson(json: string | null | undefined): string | null {
  if (json == null) return null;
  const p = parse(json);
  return p.ok ? JSON.stringify(p.value, null, 2) : json;
}

/** One value as a short line of JSON. */
export function compactJson(value: unknown): string {
  return value === undefined ? '' : JSON.stringify(value);
}

export interface FieldChange {
  field: string;
  kind: 'added' | 'removed' | 'changed';
  /** Compact JSON; undefined when the field was not there. */
  before?: string;
  after?: string;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The top-level fields that differ between two JSON objects, in the order
 * they appear (before's fields, then those only after has). An object that
 * is created has every field added; one that is deleted, every field
 * removed. Values are compared as JSON, nested objects as a whole. Returns
 * null when either side is not a JSON object, so there is nothing to compare
 * field by field.
 */
export function diffJson(before: string | null | undefined, after: string | null | undefined): FieldChange[] | null {
  const b = before == null ? { ok: true as const, value: {} } : parse(before);
  const a = after == null ? { ok: true as const, value: {} } : parse(after);
  if (!b.ok || !a.ok || !isObject(b.value) || !isObject(a.value)) return null;
  const bv = b.value;
  const av = a.value;
  const out: FieldChange[] = [];
  for (const field of [...Object.keys(bv), ...Object.keys(av).filter((k) => !(k in bv))]) {
    const inB = field in bv;
    const inA = field in av;
    if (inB && !inA) {
      out.push({ field, kind: 'removed', before: compactJson(bv[field]) });
    } else if (!inB && inA) {
      out.push({ field, kind: 'added', after: compactJson(av[field]) });
    } else if (compactJson(bv[field]) !== compactJson(av[field])) {
      out.push({ field, kind: 'changed', before: compactJson(bv[field]), after: compactJson(av[field]) });
    }
  }
  return out;
}
