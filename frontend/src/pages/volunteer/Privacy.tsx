// The person's own data: a copy of everything held, and deleting the account.
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { useMutation } from '../../api/hooks';
import { DeleteMyAccountDocument } from '../../gql/graphql';
import { ApiError, toApiError } from '../../api/errors';
import { setToken } from '../../api/token';
import { useSession } from '../../auth/session';
import { useI18n } from '../../i18n';
import { Button, Card, Dialog, ErrorAlert, Field } from '../../components/ui';
import { useApiFormErrors } from '../../components/forms';
import { downloadFile } from '../../lib/download';

export function PrivacyCard() {
  const { t } = useI18n();
  const navigate = useNavigate();
  const { reload } = useSession();
  const [busy, setBusy] = useState(false);
  const [exportError, setExportError] = useState<ApiError | null>(null);
  const [confirm, setConfirm] = useState(false);
  const [password, setPassword] = useState('');
  const [remove, state] = useMutation(DeleteMyAccountDocument);
  // A wrong password is FORBIDDEN about the password field: said next to it.
  const wrongPassword = state.error?.code === 'FORBIDDEN' && state.error.field === 'password';
  const { fieldError, formError } = useApiFormErrors(wrongPassword ? undefined : state.error, ['password']);

  return (
    <Card aria-labelledby="privacy-heading">
      <h2 id="privacy-heading" className="card-title">
        {t('privacy.title')}
      </h2>
      <p className="muted">{t('privacy.lead')}</p>
      {exportError && <ErrorAlert error={exportError} />}
      <div className="button-row privacy-actions">
        <Button
          icon="download"
          busy={busy}
          onClick={async () => {
            setBusy(true);
            setExportError(null);
            try {
              await downloadFile('/me/export', 'konullu-my-data.json');
            } catch (e) {
              setExportError(toApiError(e));
            } finally {
              setBusy(false);
            }
          }}
        >
          {t('privacy.export')}
        </Button>
        <Button variant="ghost" className="btn-danger-text" onClick={() => setConfirm(true)}>
          {t('privacy.delete')}
        </Button>
      </div>
      <Dialog
        open={confirm}
        title={t('privacy.delete')}
        onClose={() => setConfirm(false)}
        footer={
          <>
            <Button onClick={() => setConfirm(false)}>{t('action.keep')}</Button>
            <Button
              variant="danger"
              busy={state.pending}
              disabled={!password}
              onClick={async () => {
                const d = await remove({ password });
                if (d?.deleteMyAccount.deleted) {
                  setToken(null);
                  await reload();
                  navigate('/login', { replace: true });
                }
              }}
            >
              {t('privacy.deleteConfirm')}
            </Button>
          </>
        }
      >
        <p>{t('privacy.deleteText')}</p>
        {formError && <ErrorAlert error={formError} />}
        <Field label={t('field.password')} error={wrongPassword ? t('privacy.wrongPassword') : fieldError('password')}>
          {(p) => <input {...p} type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} />}
        </Field>
      </Dialog>
    </Card>
  );
}
