// Form helpers: which field an API error belongs to, and messages for fields.
import { useRef } from 'react';
import type { ApiError } from '../api/errors';
import { errorField, fieldErrorKey } from '../api/errors';
import { useI18n, type MessageKey } from '../i18n';
import { ErrorAlert } from './ui';
import type { ErrorContext } from '../api/errors';

/**
 * Splits an API error between the form's fields and the form itself: an
 * INVALID_INPUT about one of fields is shown next to it, anything else on top.
 * hints: a form's own words for a field, where the common ones do not fit.
 * values: the form's current values by API field name; a field's message goes
 * away as soon as its value differs from what was sent (the user fixed it).
 */
export function useApiFormErrors(
  error: ApiError | undefined,
  fields: readonly string[],
  hints: Partial<Record<string, MessageKey>> = {},
  values?: Readonly<Record<string, unknown>>,
) {
  const { t } = useI18n();
  const field = error ? errorField(error) : undefined;
  const onField = field && fields.includes(field) ? field : undefined;
  // The values as they were when this error arrived.
  const sent = useRef<{ error: ApiError | undefined; values: Record<string, string> }>({ error: undefined, values: {} });
  if (sent.current.error !== error) sent.current = { error, values: snapshot(values) };
  const changed = (name: string) => values !== undefined && JSON.stringify(values[name]) !== sent.current.values[name];
  return {
    /** The message to show next to the field, if the error is about it and the field is unchanged since. */
    fieldError: (name: string): string | undefined =>
      onField === name && !changed(name) ? t(hints[name] ?? fieldErrorKey(name)) : undefined,
    /** The error to show for the whole form, unless it went next to a field. */
    formError: onField ? undefined : error,
  };
}

export function FormError({ error, context }: { error: ApiError | undefined; context?: ErrorContext }) {
  if (!error) return null;
  return <ErrorAlert error={error} {...(context ? { context } : {})} />;
}

function snapshot(values: Readonly<Record<string, unknown>> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(values ?? {})) out[k] = JSON.stringify(v);
  return out;
}

/**
 * The problems found when the form was sent, kept only while they remain:
 * a message goes away as soon as its field is fixed, without sending again.
 */
export function stillWrong<K extends string, P>(shown: Partial<Record<K, P>>, now: Partial<Record<K, P>>): Partial<Record<K, P>> {
  const out: Partial<Record<K, P>> = {};
  for (const k of Object.keys(shown) as K[]) {
    if (shown[k] !== undefined && now[k] !== undefined) out[k] = now[k];
  }
  return out;
}
