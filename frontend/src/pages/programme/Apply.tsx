// The public application form of the youth programme (/apply): no account.
// The language of the page (the switcher on top) is the language we write
// to the applicant in. Under-18s name a guardian.
import { useEffect, useMemo, useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { AuthLayout } from '../../components/Layout';
import { Alert, Button, ErrorAlert, Field, Loading } from '../../components/ui';
import { FormError, useApiFormErrors } from '../../components/forms';
import { useMutation, useQuery } from '../../api/hooks';
import { OpenCohortsDocument, SubmitApplicationDocument } from '../../gql/graphql';
import { useI18n } from '../../i18n';
import { useProgrammeT } from './messages';
import { formatDay, weekdayNames } from '../../lib/format';
import { ageOn, levels } from './programme';
import { DateInput, TimeInput } from '../../components/DateInput';

interface LangRow {
  language: string;
  level: string;
}
interface TimeRow {
  weekday: number;
  start: string;
  end: string;
}

const fields = ['fullName', 'email', 'phone', 'birthDate', 'languages', 'preferredCentreIds', 'preferredTimes', 'motivation', 'guardianName', 'guardianContact'];

export default function Apply() {
  const { t, lang, locale } = useI18n();
  const pt = useProgrammeT();
  const cohorts = useQuery(OpenCohortsDocument, {});
  const [submit, { pending, error }] = useMutation(SubmitApplicationDocument);
  const { fieldError, formError } = useApiFormErrors(error, fields);
  const [cohortId, setCohortId] = useState('');
  const [form, setForm] = useState({ fullName: '', email: '', phone: '', birthDate: '', motivation: '', guardianName: '', guardianContact: '' });
  const [langs, setLangs] = useState<LangRow[]>([{ language: '', level: 'B1' }]);
  const [times, setTimes] = useState<TimeRow[]>([]);
  const [centres, setCentres] = useState<string[]>([]);
  const [sent, setSent] = useState<string | undefined>();

  useEffect(() => {
    document.title = `${pt('apply.title')} · ${t('app.name')}`;
  }, [t]);

  const list = cohorts.data?.cohorts ?? [];
  const cohort = list.find((c) => c.id === cohortId) ?? list[0];
  const today = new Date().toISOString().slice(0, 10);
  const minor = useMemo(() => form.birthDate !== '' && ageOn(form.birthDate, today) < 18, [form.birthDate, today]);
  const days = weekdayNames(locale);

  const set = (k: keyof typeof form) => (e: { target: { value: string } }) => setForm((f) => ({ ...f, [k]: e.target.value }));

  async function send(e: FormEvent) {
    e.preventDefault();
    if (!cohort) return;
    const d = await submit({
      input: {
        cohortId: cohort.id,
        fullName: form.fullName.trim(),
        email: form.email.trim(),
        phone: form.phone.trim() || null,
        birthDate: form.birthDate,
        languages: langs.filter((l) => l.language.trim() !== ''),
        preferredCentreIds: cohort.centres.length === 1 ? [cohort.centres[0]!.id] : centres,
        preferredTimes: times,
        motivation: form.motivation,
        guardianName: minor ? form.guardianName : null,
        guardianContact: minor ? form.guardianContact : null,
        language: lang,
      },
    });
    if (d) setSent(d.submitApplication.cohort.name);
  }

  if (sent) {
    return (
      <AuthLayout>
        <h1>{pt('apply.title')}</h1>
        <Alert tone="success" title={pt('apply.sent', { cohort: sent })} />
        <p className="auth-switch">
          <Link to="/login">{t('nav.signIn')}</Link>
        </p>
      </AuthLayout>
    );
  }

  return (
    <AuthLayout>
      <h1>{pt('apply.title')}</h1>
      <p className="muted">{pt('apply.lead')}</p>
      {cohorts.error && <ErrorAlert error={cohorts.error} onRetry={cohorts.refetch} />}
      {cohorts.loading && !cohorts.data && <Loading />}
      {cohorts.data && !cohort && <Alert tone="info" title={pt('apply.none')} />}
      {cohort && (
        <form onSubmit={send} noValidate className="form">
          {error?.code === 'CONFLICT' ? <Alert tone="warning" title={pt('apply.duplicate')} /> : <FormError error={formError} />}
          {list.length > 1 ? (
            <Field label={pt('apply.cohort')}>
              {(p) => (
                <select {...p} value={cohort.id} onChange={(e) => setCohortId(e.target.value)}>
                  {list.map((c) => (
                    <option key={c.id} value={c.id}>
                      {c.name}
                    </option>
                  ))}
                </select>
              )}
            </Field>
          ) : (
            <p>
              <strong>{cohort.name}</strong>
            </p>
          )}
          <p className="muted">{pt('apply.until', { date: formatDay(cohort.closesAt, locale, 'Asia/Baku', true) })}</p>
          <Field id="apply-fullName" label={t('field.fullName')} error={fieldError('fullName')}>
            {(p) => <input {...p} autoComplete="name" required value={form.fullName} onChange={set('fullName')} />}
          </Field>
          <Field id="apply-email" label={t('field.email')} error={fieldError('email')}>
            {(p) => <input {...p} type="email" inputMode="email" autoComplete="email" required value={form.email} onChange={set('email')} />}
          </Field>
          <Field id="apply-phone" label={t('field.phone')} optional error={fieldError('phone')}>
            {(p) => <input {...p} type="tel" autoComplete="tel" value={form.phone} onChange={set('phone')} />}
          </Field>
          <Field id="apply-birthDate" label={t('field.birthDate')} error={fieldError('birthDate')}>
            {(p) => <DateInput {...p} autoComplete="bday" required max={today} value={form.birthDate} onChange={(v) => setForm((f) => ({ ...f, birthDate: v }))} />}
          </Field>
          {minor && (
            <fieldset className="fieldset">
              <legend>{pt('apply.guardian')}</legend>
              <Field id="apply-guardianName" label={pt('apply.guardianName')} error={fieldError('guardianName')}>
                {(p) => <input {...p} required value={form.guardianName} onChange={set('guardianName')} />}
              </Field>
              <Field id="apply-guardianContact" label={pt('apply.guardianContact')} error={fieldError('guardianContact')}>
                {(p) => <input {...p} required value={form.guardianContact} onChange={set('guardianContact')} />}
              </Field>
            </fieldset>
          )}
          <fieldset className="fieldset">
            <legend>{pt('apply.languages')}</legend>
            {fieldError('languages') && <p className="field-error">{fieldError('languages')}</p>}
            {langs.map((l, i) => (
              <div className="form-row" key={i}>
                <Field id={`apply-lang-${i}`} label={pt('apply.language')}>
                  {(p) => (
                    <input {...p} value={l.language} onChange={(e) => setLangs((ls) => ls.map((x, j) => (j === i ? { ...x, language: e.target.value } : x)))} />
                  )}
                </Field>
                <Field id={`apply-level-${i}`} label={pt('apply.level')}>
                  {(p) => (
                    <select {...p} value={l.level} onChange={(e) => setLangs((ls) => ls.map((x, j) => (j === i ? { ...x, level: e.target.value } : x)))}>
                      {levels.map((v) => (
                        <option key={v} value={v}>
                          {v === 'NATIVE' ? pt('apply.level.NATIVE') : v}
                        </option>
                      ))}
                    </select>
                  )}
                </Field>
                {langs.length > 1 && (
                  <Button type="button" onClick={() => setLangs((ls) => ls.filter((_, j) => j !== i))}>
                    {pt('apply.remove')}
                  </Button>
                )}
              </div>
            ))}
            <Button type="button" onClick={() => setLangs((ls) => [...ls, { language: '', level: 'B1' }])}>
              {pt('apply.addLanguage')}
            </Button>
          </fieldset>
          {cohort.centres.length > 1 && (
            <fieldset className="fieldset">
              <legend>{pt('apply.centres')}</legend>
              {fieldError('preferredCentreIds') && <p className="field-error">{fieldError('preferredCentreIds')}</p>}
              {cohort.centres.map((c) => (
                <label key={c.id} className="check">
                  <input
                    type="checkbox"
                    checked={centres.includes(c.id)}
                    onChange={(e) => setCentres((cs) => (e.target.checked ? [...cs, c.id] : cs.filter((x) => x !== c.id)))}
                  />
                  {c.name}
                </label>
              ))}
            </fieldset>
          )}
          <fieldset className="fieldset">
            <legend>{pt('apply.times')}</legend>
            {fieldError('preferredTimes') && <p className="field-error">{fieldError('preferredTimes')}</p>}
            {times.map((w, i) => (
              <div className="form-row" key={i}>
                <Field id={`apply-day-${i}`} label={pt('apply.weekday')}>
                  {(p) => (
                    <select {...p} value={w.weekday} onChange={(e) => setTimes((ts) => ts.map((x, j) => (j === i ? { ...x, weekday: Number(e.target.value) } : x)))}>
                      {days.map((d, k) => (
                        <option key={k} value={k + 1}>
                          {d}
                        </option>
                      ))}
                    </select>
                  )}
                </Field>
                <Field id={`apply-start-${i}`} label={pt('apply.from')}>
                  {(p) => <TimeInput {...p} value={w.start} onChange={(v) => setTimes((ts) => ts.map((x, j) => (j === i ? { ...x, start: v } : x)))} />}
                </Field>
                <Field id={`apply-end-${i}`} label={pt('apply.to')}>
                  {(p) => <TimeInput {...p} value={w.end} onChange={(v) => setTimes((ts) => ts.map((x, j) => (j === i ? { ...x, end: v } : x)))} />}
                </Field>
                <Button type="button" onClick={() => setTimes((ts) => ts.filter((_, j) => j !== i))}>
                  {pt('apply.remove')}
                </Button>
              </div>
            ))}
            <Button type="button" onClick={() => setTimes((ts) => [...ts, { weekday: 6, start: '10:00', end: '14:00' }])}>
              {pt('apply.addTime')}
            </Button>
          </fieldset>
          <Field id="apply-motivation" label={pt('apply.motivation')} error={fieldError('motivation')}>
            {(p) => <textarea {...p} rows={4} required value={form.motivation} onChange={set('motivation')} />}
          </Field>
          <Button type="submit" variant="primary" busy={pending} className="btn-block">
            {pt('apply.submit')}
          </Button>
        </form>
      )}
    </AuthLayout>
  );
}
