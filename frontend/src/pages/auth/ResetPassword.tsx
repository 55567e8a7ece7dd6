// Sets a new password with the token of a reset link. The token arrives in
// the URL fragment (#token=…), which browsers never send to a server; the
// page takes it out of the address bar at once, so it is not left in history.
import { useEffect, useState, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router';
import { AuthLayout } from '../../components/Layout';
import { Alert, Button, Field } from '../../components/ui';
import { FormError, useApiFormErrors } from '../../components/forms';
import { useMutation } from '../../api/hooks';
import { ResetPasswordDocument } from '../../gql/graphql';
import { homeOf, useSession } from '../../auth/session';
import { useI18n } from '../../i18n';

/** The token of a reset link's fragment, "" when there is none. */
export function tokenOfFragment(hash: string): string {
  return new URLSearchParams(hash.replace(/^#/, '')).get('token') ?? '';
}

export default function ResetPassword() {
  const { t } = useI18n();
  const { signedIn } = useSession();
  const navigate = useNavigate();
  const [token] = useState(() => tokenOfFragment(window.location.hash));
  const [password, setPassword] = useState('');
  const [reset, { pending, error }] = useMutation(ResetPasswordDocument);
  const badLink = error?.code === 'INVALID_INPUT' && error.field === 'token';
  const { fieldError, formError } = useApiFormErrors(badLink ? undefined : error, ['password']);

  useEffect(() => {
    document.title = `${t('reset.title')} · ${t('app.name')}`;
    if (window.location.hash) window.history.replaceState(null, '', window.location.pathname);
  }, [t]);

  async function submit(e: FormEvent) {
    e.preventDefault();
    const d = await reset({ token, password });
    if (d) {
      signedIn(d.resetPassword.token, d.resetPassword.user);
      navigate(homeOf(d.resetPassword.user), { replace: true });
    }
  }

  return (
    <AuthLayout>
      <h1>{t('reset.title')}</h1>
      {!token || badLink ? (
        <Alert tone="error" title={t('reset.badLink')}>
          <Link to="/forgot-password">{t('reset.askAgain')}</Link>
        </Alert>
      ) : (
        <>
          <p className="muted">{t('reset.lead')}</p>
          <form onSubmit={submit} noValidate className="form">
            <FormError error={formError} />
            <Field label={t('reset.password')} hint={t('field.password.hint')} error={fieldError('password')}>
              {(p) => <input {...p} type="password" autoComplete="new-password" required value={password} onChange={(e) => setPassword(e.target.value)} />}
            </Field>
            <Button type="submit" variant="primary" busy={pending} className="btn-block">
              {t('reset.submit')}
            </Button>
          </form>
        </>
      )}
      <p className="auth-switch">
        <Link to="/login">{t('forgot.back')}</Link>
      </p>
    </AuthLayout>
  );
}
