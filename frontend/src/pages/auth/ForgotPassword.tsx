// Asks for a password-reset link. The answer is the same whether or not the
// email has an account, so the page always says "if there is an account…".
import { useEffect, useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { AuthLayout } from '../../components/Layout';
import { Alert, Button, Field } from '../../components/ui';
import { FormError, useApiFormErrors } from '../../components/forms';
import { useMutation } from '../../api/hooks';
import { RequestPasswordResetDocument, type NotificationLanguage } from '../../gql/graphql';
import { useI18n } from '../../i18n';

export default function ForgotPassword() {
  const { t, lang } = useI18n();
  const [email, setEmail] = useState('');
  const [sent, setSent] = useState(false);
  const [request, { pending, error }] = useMutation(RequestPasswordResetDocument);
  const { fieldError, formError } = useApiFormErrors(error, ['email']);

  useEffect(() => {
    document.title = `${t('forgot.title')} · ${t('app.name')}`;
  }, [t]);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setSent(false);
    const d = await request({ email: email.trim(), language: lang.toUpperCase() as NotificationLanguage });
    if (d) setSent(true);
  }

  return (
    <AuthLayout>
      <h1>{t('forgot.title')}</h1>
      <p className="muted">{t('forgot.lead')}</p>
      <form onSubmit={submit} noValidate className="form">
        {sent && <Alert tone="success" title={t('forgot.sent')} />}
        <FormError error={formError} />
        <Field label={t('field.email')} error={fieldError('email')}>
          {(p) => <input {...p} type="email" autoComplete="username" inputMode="email" required value={email} onChange={(e) => setEmail(e.target.value)} />}
        </Field>
        <Button type="submit" variant="primary" busy={pending} className="btn-block">
          {t('forgot.submit')}
        </Button>
      </form>
      <p className="auth-switch">
        <Link to="/login">{t('forgot.back')}</Link>
      </p>
    </AuthLayout>
  );
}
