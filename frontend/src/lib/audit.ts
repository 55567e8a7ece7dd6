// The audit log: its query's variables, its pages, and each change's JSON
// made readable (pretty-printed, and what changed field by field).
import type { AuditLogQueryVariables } from '../gql/graphql';

export const auditPageSize = 25;

/** The query's variables: an action filter (exact mutation name) and the page's cursor. */
export function auditVariables(action: string, after: string | null, first = auditPageSize): AuditLogQueryVariables {
  return { action: action.trim() || null, first, after };
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
