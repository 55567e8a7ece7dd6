import { useEffect, useState, type FormEvent } from 'react';
import { Link, Navigate, useNavigate, useSearchParams } from 'react-router';
import { AuthLayout } from '../../components/Layout';
import { Button, Field } from '../../components/ui';
import { FormError, stillWrong, useApiFormErrors } from '../../components/forms';
import { useMutation } from '../../api/hooks';
import { RegisterDocument } from '../../gql/graphql';
import { homeOf, useSession } from '../../auth/session';
import { useI18n } from '../../i18n';
import { safeNext } from './Login';
import { DateInput } from '../../components/DateInput';
import { ConsentExplainer, needsConsent } from '../../lib/consent';

const fields = ['email', 'password', 'fullName', 'birthDate', 'phone', 'city'] as const;
type Form = Record<(typeof fields)[number], string>;

/** Problems the browser can tell before asking the server. */
export function checkRegistration(f: Form): Partial<Record<keyof Form, 'required' | 'email' | 'password'>> {
  const out: Partial<Record<keyof Form, 'required' | 'email' | 'password'>> = {};
  if (!f.fullName.trim()) out.fullName = 'required';
  if (!f.email.trim()) out.email = 'required';
  else if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(f.email.trim())) out.email = 'email';
  if ([...f.password].length < 10) out.password = 'password';
  if (!f.birthDate) out.birthDate = 'required';
  return out;
}

export default function Register() {
  const { t } = useI18n();
  const { viewer, signedIn } = useSession();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const next = safeNext(params.get('next'));
  const [form, setForm] = useState<Form>({ email: '', password: '', fullName: '', birthDate: '', phone: '', city: '' });
  const [local, setLocal] = useState<ReturnType<typeof checkRegistration>>({});
  const [register, { pending, error }] = useMutation(RegisterDocument);
  const { fieldError, formError } = useApiFormErrors(error, fields, {}, form as unknown as Record<string, unknown>);

  useEffect(() => {
    document.title = `${t('register.title')} · ${t('app.name')}`;
  }, [t]);

  if (viewer) return <Navigate to={next ?? homeOf(viewer)} replace />;

  const set = (k: keyof Form) => (e: { target: { value: string } }) => setForm((f) => ({ ...f, [k]: e.target.value }));
  const localError = (k: keyof Form) => {
    const p = stillWrong(local, checkRegistration(form))[k];
    if (p === 'required') return t('field.required.hint');
    if (p === 'email') return t('field.email.hint');
    if (p === 'password') return t('field.password.hint');
    return fieldError(k);
  };

  async function submit(e: FormEvent) {
    e.preventDefault();
    const problems = checkRegistration(form);
    setLocal(problems);
    const first = fields.find((k) => problems[k]);
    if (first) {
      document.getElementById(`register-${first}`)?.focus();
      return;
    }
    const data = await register({
      input: {
        email: form.email.trim(),
        password: form.password,
        fullName: form.fullName.trim(),
        birthDate: form.birthDate,
        phone: form.phone.trim() || null,
        city: form.city.trim() || null,
      },
    });
    if (data) {
      signedIn(data.register.token, data.register.user);
      navigate(next ?? '/shifts', { replace: true });
    }
  }

  return (
    <AuthLayout>
      <h1>{t('register.title')}</h1>
      <p className="muted">{t('register.lead')}</p>
      <form onSubmit={submit} noValidate className="form">
        <FormError error={formError} context="register" />
        <Field id="register-fullName" label={t('field.fullName')} error={localError('fullName')}>
          {(p) => <input {...p} autoComplete="name" required value={form.fullName} onChange={set('fullName')} />}
        </Field>
        <Field id="register-email" label={t('field.email')} error={localError('email')}>
          {(p) => <input {...p} type="email" inputMode="email" autoComplete="email" required value={form.email} onChange={set('email')} />}
        </Field>
        <Field id="register-password" label={t('field.password')} hint={t('field.password.hint')} error={localError('password')}>
          {(p) => (
            <input
              {...p}
              type="password"
              autoComplete="new-password"
              required
              minLength={10}
              value={form.password}
              onChange={set('password')}
            />
          )}
        </Field>
        <Field id="register-birthDate" label={t('field.birthDate')} hint={t('register.birthDateHint')} error={localError('birthDate')}>
          {(p) => <DateInput {...p} autoComplete="bday" required max={new Date().toISOString().slice(0, 10)} value={form.birthDate} onChange={(v) => setForm((f) => ({ ...f, birthDate: v }))} />}
        </Field>
        <ConsentExplainer needed={needsConsent(form.birthDate, new Date().toISOString().slice(0, 10))} />
        <div className="form-row">
          <Field id="register-phone" label={t('field.phone')} optional error={localError('phone')}>
            {(p) => <input {...p} type="tel" inputMode="tel" autoComplete="tel" placeholder="+994 50 123 45 67" value={form.phone} onChange={set('phone')} />}
          </Field>
          <Field id="register-city" label={t('field.city')} optional error={localError('city')}>
            {(p) => <input {...p} autoComplete="address-level2" value={form.city} onChange={set('city')} />}
          </Field>
        </div>
        <Button type="submit" variant="primary" busy={pending} className="btn-block">
          {t('register.submit')}
        </Button>
      </form>
      <p className="auth-switch">
        {t('register.haveAccount')} <Link to={next ? `/login?next=${encodeURIComponent(next)}` : '/login'}>{t('register.toLogin')}</Link>
      </p>
    </AuthLayout>
  );
}
