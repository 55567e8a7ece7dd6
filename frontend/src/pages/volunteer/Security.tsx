// The account's security on the profile: change the password (every other
// session ends) and sign out on every device.
import { useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router';
import { useMutation } from '../../api/hooks';
import { ChangePasswordDocument, LogoutEverywhereDocument } from '../../gql/graphql';
import { setToken } from '../../api/token';
import { useSession } from '../../auth/session';
import { useI18n } from '../../i18n';
import { Alert, Button, Card, ErrorAlert, Field } from '../../components/ui';
import { FormError, useApiFormErrors } from '../../components/forms';

export function SecurityCard() {
  const { t } = useI18n();
  const navigate = useNavigate();
  const { reload } = useSession();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [changed, setChanged] = useState(false);
  const [change, state] = useMutation(ChangePasswordDocument);
  const [logoutAll, logoutState] = useMutation(LogoutEverywhereDocument);
  // A wrong current password is FORBIDDEN about the field: said next to it.
  const wrongCurrent = state.error?.code === 'FORBIDDEN' && state.error.field === 'current';
  const { fieldError, formError } = useApiFormErrors(wrongCurrent ? undefined : state.error, ['current', 'new']);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setChanged(false);
    const d = await change({ current, new: next });
    if (d?.changePassword) {
      setChanged(true);
      setCurrent('');
      setNext('');
    }
  }

  return (
    <Card aria-labelledby="security-heading">
      <h2 id="security-heading" className="card-title">
        {t('security.title')}
      </h2>
      <form className="form" onSubmit={submit} noValidate>
        {changed && <Alert tone="success" title={t('security.changed')} />}
        <FormError error={formError} />
        <Field label={t('security.current')} error={wrongCurrent ? t('security.wrongCurrent') : fieldError('current')}>
          {(p) => <input {...p} type="password" autoComplete="current-password" required value={current} onChange={(e) => setCurrent(e.target.value)} />}
        </Field>
        <Field label={t('security.new')} hint={t('field.password.hint')} error={fieldError('new')}>
          {(p) => <input {...p} type="password" autoComplete="new-password" required value={next} onChange={(e) => setNext(e.target.value)} />}
        </Field>
        <Button type="submit" variant="primary" busy={state.pending}>
          {t('security.change')}
        </Button>
      </form>
      <h3 className="subhead">{t('security.sessions')}</h3>
      <p className="muted">{t('security.sessionsLead')}</p>
      {logoutState.error && <ErrorAlert error={logoutState.error} />}
      <Button
        busy={logoutState.pending}
        onClick={async () => {
          const d = await logoutAll({});
          if (d?.logoutEverywhere) {
            setToken(null);
            await reload();
            navigate('/login', { replace: true });
          }
        }}
      >
        {t('security.logoutEverywhere')}
      </Button>
    </Card>
  );
}
