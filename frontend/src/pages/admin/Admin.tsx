import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { useMutation, useQuery } from '../../api/hooks';
import {
  CatalogDocument,
  CreateCentreDocument,
  CreatePositionDocument,
} from '../../gql/graphql';
import { useI18n } from '../../i18n';
import { Alert, Button, Card, Empty, ErrorAlert, Field, Loading, Page, ScrollRegion } from '../../components/ui';
import { FormError, useApiFormErrors } from '../../components/forms';
import { formatNumber } from '../../lib/format';
import { Roles } from './Roles';
import { Jobs } from './Jobs';

const zones = ['Asia/Baku', 'Europe/Istanbul', 'Asia/Tbilisi', 'Europe/Moscow', 'UTC'];

export default function Admin() {
  const { t } = useI18n();
  const catalog = useQuery(CatalogDocument, {});
  return (
    <Page wide title={t('admin.title')} lead={t('admin.lead')}>
      {catalog.error && <ErrorAlert error={catalog.error} onRetry={catalog.refetch} />}
      <div className="admin-grid">
        <Centres centres={catalog.data?.centres} onCreated={() => void catalog.refetch()} />
        <Positions positions={catalog.data?.positions} onCreated={() => void catalog.refetch()} />
        <Roles centres={catalog.data?.centres ?? []} />
        <AccountsCard />
        <Jobs />
      </div>
    </Page>
  );
}

function Centres({ centres, onCreated }: { centres: { id: string; name: string; city: string; timezone: string; address?: string | null }[] | undefined; onCreated: () => void }) {
  const { t } = useI18n();
  const [form, setForm] = useState({ name: '', city: '', address: '', timezone: 'Asia/Baku' });
  const [create, state] = useMutation(CreateCentreDocument);
  const [created, setCreated] = useState<string | null>(null);
  const { fieldError, formError } = useApiFormErrors(state.error, ['name', 'city', 'address', 'timezone']);
  async function submit(e: FormEvent) {
    e.preventDefault();
    setCreated(null);
    const d = await create({ input: { name: form.name.trim(), city: form.city.trim(), address: form.address.trim() || null, timezone: form.timezone } });
    if (d) {
      setCreated(d.createCentre.name);
      setForm({ name: '', city: '', address: '', timezone: form.timezone });
      onCreated();
    }
  }
  return (
    <Card aria-labelledby="centres-heading">
      <h2 id="centres-heading" className="card-title">
        {t('admin.centres')} {centres && <span className="count-pill">{formatNumber(centres.length, 'en')}</span>}
      </h2>
      {!centres ? (
        <Loading />
      ) : centres.length === 0 ? (
        <Empty icon="building" title={t('admin.noCentres')} />
      ) : (
        <ScrollRegion label={t('admin.centres')} className="scroll-list">
          <ul className="plain-list">
            {centres.map((c) => (
              <li key={c.id}>
                <span className="strong">{c.name}</span>
                <span className="muted small">
                  {c.city} · {c.timezone}
                </span>
              </li>
            ))}
          </ul>
        </ScrollRegion>
      )}
      <h3 className="subhead">{t('admin.newCentre')}</h3>
      <form className="form" onSubmit={submit} noValidate>
        {created && <Alert tone="success" title={t('admin.created', { name: created })} />}
        <FormError error={formError} />
        <Field label={t('admin.centreName')} error={fieldError('name')}>
          {(p) => <input {...p} required value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} />}
        </Field>
        <div className="form-row">
          <Field label={t('field.city')} error={fieldError('city')}>
            {(p) => <input {...p} required value={form.city} onChange={(e) => setForm({ ...form, city: e.target.value })} />}
          </Field>
          <Field label={t('admin.timezone')} error={fieldError('timezone')}>
            {(p) => (
              <select {...p} value={form.timezone} onChange={(e) => setForm({ ...form, timezone: e.target.value })}>
                {zones.map((z) => (
                  <option key={z}>{z}</option>
                ))}
              </select>
            )}
          </Field>
        </div>
        <Field label={t('admin.address')} optional error={fieldError('address')}>
          {(p) => <input {...p} value={form.address} onChange={(e) => setForm({ ...form, address: e.target.value })} />}
        </Field>
        <Button type="submit" variant="primary" busy={state.pending}>
          {t('admin.createCentre')}
        </Button>
      </form>
    </Card>
  );
}

function Positions({ positions, onCreated }: { positions: { id: string; name: string; requiredSkills: string[]; minimumAge?: number | null }[] | undefined; onCreated: () => void }) {
  const { t } = useI18n();
  const [form, setForm] = useState({ name: '', description: '', skills: '', minimumAge: '' });
  const [create, state] = useMutation(CreatePositionDocument);
  const [created, setCreated] = useState<string | null>(null);
  const { fieldError, formError } = useApiFormErrors(state.error, ['name', 'description', 'requiredSkills', 'minimumAge']);
  async function submit(e: FormEvent) {
    e.preventDefault();
    setCreated(null);
    const skills = form.skills.split(',').map((s) => s.trim()).filter(Boolean);
    const d = await create({
      input: {
        name: form.name.trim(),
        description: form.description.trim() || null,
        requiredSkills: skills,
        minimumAge: form.minimumAge ? Number(form.minimumAge) : null,
      },
    });
    if (d) {
      setCreated(d.createPosition.name);
      setForm({ name: '', description: '', skills: '', minimumAge: '' });
      onCreated();
    }
  }
  return (
    <Card aria-labelledby="positions-heading">
      <h2 id="positions-heading" className="card-title">
        {t('admin.positions')}
      </h2>
      {!positions ? (
        <Loading />
      ) : (
        <ul className="plain-list">
          {positions.map((p) => (
            <li key={p.id}>
              <span className="strong">{p.name}</span>
              <span className="muted small">
                {[p.requiredSkills.length ? p.requiredSkills.join(', ') : null, p.minimumAge ? t('shift.minimumAge', { age: p.minimumAge }) : null].filter(Boolean).join(' · ') || t('admin.noRequirements')}
              </span>
            </li>
          ))}
        </ul>
      )}
      <h3 className="subhead">{t('admin.newPosition')}</h3>
      <form className="form" onSubmit={submit} noValidate>
        {created && <Alert tone="success" title={t('admin.created', { name: created })} />}
        <FormError error={formError} />
        <Field label={t('admin.positionName')} error={fieldError('name')}>
          {(p) => <input {...p} required value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} />}
        </Field>
        <Field label={t('admin.description')} optional error={fieldError('description')}>
          {(p) => <textarea {...p} rows={2} value={form.description} onChange={(e) => setForm({ ...form, description: e.target.value })} />}
        </Field>
        <div className="form-row">
          <Field label={t('admin.skills')} hint={t('admin.skillsHint')} optional error={fieldError('requiredSkills')}>
            {(p) => <input {...p} value={form.skills} onChange={(e) => setForm({ ...form, skills: e.target.value })} />}
          </Field>
          <Field label={t('admin.minimumAge')} optional error={fieldError('minimumAge')}>
            {(p) => <input {...p} type="number" inputMode="numeric" min={0} max={99} value={form.minimumAge} onChange={(e) => setForm({ ...form, minimumAge: e.target.value })} className="input-short" />}
          </Field>
        </div>
        <Button type="submit" variant="primary" busy={state.pending}>
          {t('admin.createPosition')}
        </Button>
      </form>
    </Card>
  );
}

function AccountsCard() {
  const { t } = useI18n();
  return (
    <Card aria-labelledby="accounts-heading">
      <h2 id="accounts-heading" className="card-title">
        {t('accounts.title')}
      </h2>
      <p className="muted">{t('admin.accountsLead')}</p>
      <Link className="btn btn-secondary" to="/admin/accounts">
        {t('admin.openAccounts')}
      </Link>
    </Card>
  );
}
