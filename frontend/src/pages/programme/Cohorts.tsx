// Cohorts of the youth programme: the list (with how each fills) and, for
// staff and admins, a form to open one.
import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { useMutation, useQuery } from '../../api/hooks';
import { CatalogDocument, CreateCohortDocument, ProgrammeCohortsDocument } from '../../gql/graphql';
import { useI18n } from '../../i18n';
import { useProgrammeT } from './messages';
import { useSession } from '../../auth/session';
import { Alert, Badge, Button, Card, Empty, ErrorAlert, Field, Loading, Page } from '../../components/ui';
import { FormError, useApiFormErrors } from '../../components/forms';
import { formatDay } from '../../lib/format';
import { zonedToInstant } from '../../lib/time';
import { DateInput } from '../../components/DateInput';

const zone = 'Asia/Baku';

export default function Cohorts() {
  const { locale } = useI18n();
  const pt = useProgrammeT();
  const { hasRole } = useSession();
  const staff = hasRole('STAFF', 'ADMIN');
  const cohorts = useQuery(ProgrammeCohortsDocument, {});
  const catalog = useQuery(CatalogDocument, {}, { skip: !staff });
  const [create, { pending, error }] = useMutation(CreateCohortDocument);
  const { fieldError, formError } = useApiFormErrors(error, ['name', 'opensAt', 'closesAt', 'places', 'centreIds']);
  const today = new Date().toISOString().slice(0, 10);
  const [form, setForm] = useState({ name: '', opens: today, closes: '', places: '30' });
  const [centres, setCentres] = useState<string[]>([]);
  const [created, setCreated] = useState<string | undefined>();

  async function submit(e: FormEvent) {
    e.preventDefault();
    setCreated(undefined);
    const d = await create({
      input: {
        name: form.name,
        opensAt: zonedToInstant(form.opens, '00:00', zone).toISOString(),
        closesAt: form.closes ? zonedToInstant(form.closes, '23:59', zone).toISOString() : '',
        places: Number(form.places) || 0,
        centreIds: centres,
      },
    });
    if (d) {
      setCreated(d.createCohort.name);
      setForm({ name: '', opens: today, closes: '', places: '30' });
      setCentres([]);
      await cohorts.refetch();
    }
  }

  const list = cohorts.data?.cohorts ?? [];
  return (
    <Page title={pt('programme.cohorts.title')} lead={pt('programme.cohorts.lead')}>
      {cohorts.error && <ErrorAlert error={cohorts.error} onRetry={cohorts.refetch} />}
      {cohorts.loading && !cohorts.data && <Loading />}
      {cohorts.data && list.length === 0 && <Empty icon="users" title={pt('programme.cohorts.none')} />}
      <ul className="stack" aria-label={pt('programme.cohorts.title')}>
        {list.map((c) => (
          <Card as="li" key={c.id}>
            <h2 className="card-title">
              {c.name} <Badge tone={c.open ? 'success' : 'neutral'}>{c.open ? pt('programme.cohorts.open') : pt('programme.cohorts.closed')}</Badge>
            </h2>
            <p className="muted">
              {pt('programme.cohorts.window', { from: formatDay(c.opensAt, locale, zone, true), to: formatDay(c.closesAt, locale, zone, true) })}
            </p>
            <p>{c.centres.map((ce) => ce.name).join(', ')}</p>
            {c.acceptedCount !== null && <p>{pt('programme.cohorts.accepted', { accepted: c.acceptedCount, places: c.places })}</p>}
            <Link className="btn btn-secondary" to={`/programme/applications?cohort=${encodeURIComponent(c.id)}`}>
              {pt('programme.cohorts.board')}
            </Link>
          </Card>
        ))}
      </ul>
      {staff && (
        <Card aria-labelledby="new-cohort">
          <h2 id="new-cohort" className="card-title">
            {pt('programme.cohorts.new')}
          </h2>
          <form onSubmit={submit} noValidate className="form">
            {created && <Alert tone="success" title={pt('programme.cohorts.created', { name: created })} />}
            <FormError error={formError} />
            <Field id="cohort-name" label={pt('programme.cohorts.name')} error={fieldError('name')}>
              {(p) => <input {...p} required value={form.name} onChange={(e) => setForm((f) => ({ ...f, name: e.target.value }))} />}
            </Field>
            <div className="form-row">
              <Field id="cohort-opens" label={pt('programme.cohorts.opens')} error={fieldError('opensAt')}>
                {(p) => <DateInput {...p} value={form.opens} onChange={(v) => setForm((f) => ({ ...f, opens: v }))} />}
              </Field>
              <Field id="cohort-closes" label={pt('programme.cohorts.closes')} error={fieldError('closesAt')}>
                {(p) => <DateInput {...p} min={form.opens} value={form.closes} onChange={(v) => setForm((f) => ({ ...f, closes: v }))} />}
              </Field>
              <Field id="cohort-places" label={pt('programme.cohorts.places')} error={fieldError('places')}>
                {(p) => <input {...p} type="number" min={1} inputMode="numeric" value={form.places} onChange={(e) => setForm((f) => ({ ...f, places: e.target.value }))} />}
              </Field>
            </div>
            <fieldset className="fieldset">
              <legend>{pt('programme.cohorts.centres')}</legend>
              {fieldError('centreIds') && <p className="field-error">{fieldError('centreIds')}</p>}
              <div className="check-list">
                {(catalog.data?.centres ?? []).map((c) => (
                  <label key={c.id} className="check">
                    <input
                      type="checkbox"
                      checked={centres.includes(c.id)}
                      onChange={(e) => setCentres((cs) => (e.target.checked ? [...cs, c.id] : cs.filter((x) => x !== c.id)))}
                    />
                    {c.name}
                  </label>
                ))}
              </div>
            </fieldset>
            <Button type="submit" variant="primary" busy={pending}>
              {pt('programme.cohorts.create')}
            </Button>
          </form>
        </Card>
      )}
    </Page>
  );
}
