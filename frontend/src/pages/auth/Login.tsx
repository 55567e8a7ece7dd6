import { useEffect, useState, type FormEvent } from 'react';
import { Link, Navigate, useNavigate, useSearchParams } from 'react-router';
import { AuthLayout } from '../../components/Layout';
import { Button, Field } from '../../components/ui';
import { FormError, useApiFormErrors } from '../../components/forms';
import { useMutation } from '../../api/hooks';
import { LoginDocument } from '../../gql/graphql';
import { homeOf, useSession } from '../../auth/session';
import { useI18n } from '../../i18n';

/** A path inside the app to go back to after signing in; anything else is ignored. */
export function safeNext(next: string | null): string | null {
  return next && next.startsWith('/') && !next.startsWith('//') ? next : null;
}

export default function Login() {
  const { t } = useI18n();
  const { viewer, signedIn } = useSession();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const next = safeNext(params.get('next'));
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [login, { pending, error }] = useMutation(LoginDocument);
  const { fieldError, formError } = useApiFormErrors(error, ['email', 'password']);

  useEffect(() => {
    document.title = `${t('login.title')} · ${t('app.name')}`;
  }, [t]);

  if (viewer) return <Navigate to={next ?? homeOf(viewer)} replace />;

  async function submit(e: FormEvent) {
    e.preventDefault();
    const data = await login({ email: email.trim(), password });
    if (data) {
      signedIn(data.login.token, data.login.user);
      navigate(next ?? homeOf(data.login.user), { replace: true });
    }
  }

  return (
    <AuthLayout>
      <h1>{t('login.title')}</h1>
      <p className="muted">{t('login.lead')}</p>
      <form onSubmit={submit} noValidate className="form">
        <FormError error={formError} context="login" />
        <Field label={t('field.email')} error={fieldError('email')}>
          {(p) => <input {...p} type="email" autoComplete="username" inputMode="email" required value={email} onChange={(e) => setEmail(e.target.value)} />}
        </Field>
        <Field label={t('field.password')} error={fieldError('password')}>
          {(p) => <input {...p} type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />}
        </Field>
        <Button type="submit" variant="primary" busy={pending} className="btn-block">
          {t('login.submit')}
        </Button>
      </form>
      <p className="auth-switch">
        <Link to="/forgot-password">{t('login.forgot')}</Link>
      </p>
      <p className="auth-switch">
        {t('login.noAccount')} <Link to={next ? `/register?next=${encodeURIComponent(next)}` : '/register'}>{t('login.toRegister')}</Link>
      </p>
      <p className="auth-switch">
        <Link to="/shifts">{t('login.browse')}</Link>
      </p>
      <p className="auth-switch">
        <Link to="/apply">{t('apply.link')}</Link>
      </p>
    </AuthLayout>
  );
}
