// Form helpers: which field an API error belongs to, and messages for fields.
import type { ApiError } from '../api/errors';
import { errorField, fieldErrorKey } from '../api/errors';
import { useI18n, type MessageKey } from '../i18n';
import { ErrorAlert } from './ui';
import type { ErrorContext } from '../api/errors';

/**
 * Splits an API error between the form's fields and the form itself: an
 * INVALID_INPUT about one of fields is shown next to it, anything else on top.
 * hints: a form's own words for a field, where the common ones do not fit.
 */
export function useApiFormErrors(error: ApiError | undefined, fields: readonly string[], hints: Partial<Record<string, MessageKey>> = {}) {
  const { t } = useI18n();
  const field = error ? errorField(error) : undefined;
  const onField = field && fields.includes(field) ? field : undefined;
  return {
    /** The message to show next to the field, if the error is about it. */
    fieldError: (name: string): string | undefined => (onField === name ? t(hints[name] ?? fieldErrorKey(name)) : undefined),
    /** The error to show for the whole form, unless it went next to a field. */
    formError: onField ? undefined : error,
  };
}

export function FormError({ error, context }: { error: ApiError | undefined; context?: ErrorContext }) {
  if (!error) return null;
  return <ErrorAlert error={error} {...(context ? { context } : {})} />;
}
