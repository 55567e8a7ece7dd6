// What a volunteer offers: at most so many shifts and hours a week, and the
// centres and positions they prefer. Automatic plans never go beyond it.
import { useEffect, useState, type FormEvent } from 'react';
import { useMutation, useQuery } from '../../api/hooks';
import { CatalogDocument, MyCommitmentDocument, SetMyCommitmentDocument, type CommitmentFieldsFragment } from '../../gql/graphql';
import { useI18n, type MessageKey } from '../../i18n';
import { Alert, Button, Card, ErrorAlert, Field, Loading } from '../../components/ui';
import { FormError, useApiFormErrors } from '../../components/forms';
import { formatHours } from '../../lib/format';
import { ApiError } from '../../api/errors';
import { parseCommitmentLimits } from '../../lib/commitment';

interface Form {
  maxShifts: string;
  maxHours: string;
  centres: string[];
  positions: string[];
}

function formOf(c: CommitmentFieldsFragment): Form {
  return {
    maxShifts: c.maxShiftsPerWeek ? String(c.maxShiftsPerWeek) : '',
    maxHours: c.maxMinutesPerWeek ? String(Math.round((c.maxMinutesPerWeek / 60) * 100) / 100) : '',
    centres: c.preferredCentres.map((x) => x.id),
    positions: c.preferredPositions.map((x) => x.id),
  };
}

/** "at most 2 shifts a week, at most 8 hrs a week", or that there is no limit. */
function useSummary(): (c: CommitmentFieldsFragment) => string {
  const { t, locale } = useI18n();
  return (c) => {
    const parts: string[] = [];
    if (c.maxShiftsPerWeek) parts.push(t('commitment.shifts', { count: c.maxShiftsPerWeek }));
    if (c.maxMinutesPerWeek) parts.push(t('commitment.hours', { hours: formatHours(c.maxMinutesPerWeek, locale) }));
    if (c.preferredCentres.length) parts.push(c.preferredCentres.map((x) => x.name).join(', '));
    if (c.preferredPositions.length) parts.push(c.preferredPositions.map((x) => x.name).join(', '));
    return parts.length ? t('commitment.current', { text: parts.join('; ') }) : t('commitment.none');
  };
}

export function CommitmentCard() {
  const { t } = useI18n();
  const q = useQuery(MyCommitmentDocument, {});
  const catalog = useQuery(CatalogDocument, {});
  const [save, saveState] = useMutation(SetMyCommitmentDocument);
  const [form, setForm] = useState<Form | null>(null);
  const [saved, setSaved] = useState<CommitmentFieldsFragment | null>(null);
  const [local, setLocal] = useState<ApiError | undefined>();
  const summary = useSummary();
  const fields = ['maxShiftsPerWeek', 'maxMinutesPerWeek', 'preferredCentreIds', 'preferredPositionIds'];
  const { fieldError, formError } = useApiFormErrors(local ?? saveState.error, fields);
  const current = saved ?? q.data?.me?.volunteer?.commitment;

  useEffect(() => {
    if (current && !form) setForm(formOf(current));
  }, [current, form]);

  if (q.error && !q.data) return <ErrorAlert error={q.error} onRetry={q.refetch} />;
  if (!q.data) return <Loading />;
  if (!current || !form) return null; // not a volunteer

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!form) return;
    setSaved(null);
    const limits = parseCommitmentLimits(form);
    if ('field' in limits) {
      setLocal(new ApiError('INVALID_INPUT', 'out of range', limits.field));
      return;
    }
    setLocal(undefined);
    const d = await save({ input: { ...limits, preferredCentreIds: form.centres, preferredPositionIds: form.positions } });
    if (d) {
      setSaved(d.setMyCommitment);
      setForm(formOf(d.setMyCommitment));
    }
  }

  const toggle = (list: string[], id: string, on: boolean) => (on ? [...list, id] : list.filter((x) => x !== id));
  const choices = (legend: MessageKey, field: string, all: { id: string; name: string }[], chosen: string[], set: (next: string[]) => void) => {
    const error = fieldError(field);
    return (
      <fieldset className={error ? 'fieldset field-invalid' : 'fieldset'}>
        <legend>
          {t(legend)} <span className="optional">({t('form.optional')})</span>
        </legend>
        {error && (
          <p className="field-error" id={`commitment-${field}-error`}>
            {error}
          </p>
        )}
        <div className="check-grid">
          {all.map((x) => (
            <label key={x.id} className="check">
              <input type="checkbox" checked={chosen.includes(x.id)} onChange={(e) => set(toggle(chosen, x.id, e.target.checked))} />
              {x.name}
            </label>
          ))}
        </div>
      </fieldset>
    );
  };

  return (
    <Card aria-labelledby="profile-commitment">
      <h2 id="profile-commitment" className="card-title">
        {t('commitment.title')}
      </h2>
      <p className="muted small">{t('commitment.lead')}</p>
      <p className="commitment-now">{summary(current)}</p>
      <form className="form" onSubmit={submit} noValidate>
        {saved && <Alert tone="success" title={t('commitment.saved')} />}
        <FormError error={formError} />
        <div className="form-row">
          <Field id="commitment-maxShifts" label={t('commitment.maxShifts')} optional error={fieldError('maxShiftsPerWeek')}>
            {(p) => <input {...p} inputMode="numeric" value={form.maxShifts} onChange={(e) => setForm({ ...form, maxShifts: e.target.value })} />}
          </Field>
          <Field id="commitment-maxHours" label={t('commitment.maxHours')} optional error={fieldError('maxMinutesPerWeek')}>
            {(p) => <input {...p} inputMode="decimal" value={form.maxHours} onChange={(e) => setForm({ ...form, maxHours: e.target.value })} />}
          </Field>
        </div>
        {catalog.data &&
          choices('commitment.centres', 'preferredCentreIds', catalog.data.centres, form.centres, (centres) => setForm({ ...form, centres }))}
        {catalog.data &&
          choices('commitment.positions', 'preferredPositionIds', catalog.data.positions, form.positions, (positions) => setForm({ ...form, positions }))}
        <Button type="submit" variant="primary" busy={saveState.pending}>
          {t('action.save')}
        </Button>
      </form>
    </Card>
  );
}
