// Admins find accounts, suspend them (with a reason) or reactivate them, and
// take roles back. Each change holds from the account's next request.
import { useState, type FormEvent } from 'react';
import { useMutation, useQuery } from '../../api/hooks';
import {
  ReactivateUserDocument,
  RevokeRoleDocument,
  SuspendUserDocument,
  UsersDocument,
  type AccountRowFragment,
  type Role,
} from '../../gql/graphql';
import { useI18n, type MessageKey } from '../../i18n';
import { Alert, Badge, Button, Card, Dialog, Empty, ErrorAlert, Field, Loading, Page } from '../../components/ui';
import { useAdminText } from './messages';
import { useApiFormErrors } from '../../components/forms';
import { formatDateTime } from '../../lib/format';

type Filter = 'all' | 'active' | 'suspended';

export default function Accounts() {
  const { t } = useI18n();
  const [search, setSearch] = useState('');
  const [filter, setFilter] = useState<Filter>('all');
  const [applied, setApplied] = useState<{ search: string; filter: Filter }>({ search: '', filter: 'all' });
  const q = useQuery(UsersDocument, {
    search: applied.search || null,
    suspended: applied.filter === 'all' ? null : applied.filter === 'suspended',
    first: 50,
  });
  const [suspending, setSuspending] = useState<AccountRowFragment | null>(null);
  const [revoking, setRevoking] = useState<AccountRowFragment | null>(null);
  const [reactivate, reactivateState] = useMutation(ReactivateUserDocument);

  function submit(e: FormEvent) {
    e.preventDefault();
    setApplied({ search: search.trim(), filter });
  }

  return (
    <Page wide title={t('accounts.title')} lead={t('accounts.lead')}>
      <form className="filters card" onSubmit={submit} role="search" aria-label={t('accounts.find')}>
        <div className="filters-grid">
          <Field label={t('accounts.search')}>
            {(p) => <input {...p} type="search" value={search} onChange={(e) => setSearch(e.target.value)} autoComplete="off" />}
          </Field>
          <Field label={t('accounts.filter')}>
            {(p) => (
              <select {...p} value={filter} onChange={(e) => setFilter(e.target.value as Filter)}>
                <option value="all">{t('accounts.filter.all')}</option>
                <option value="active">{t('accounts.filter.active')}</option>
                <option value="suspended">{t('accounts.filter.suspended')}</option>
              </select>
            )}
          </Field>
          <Button type="submit" variant="primary" icon="search">
            {t('accounts.searchButton')}
          </Button>
        </div>
      </form>
      {q.error && <ErrorAlert error={q.error} onRetry={q.refetch} />}
      {reactivateState.error && <ErrorAlert error={reactivateState.error} />}
      {!q.data && !q.error && <Loading />}
      {q.data && q.data.users.length === 0 && <Empty icon="search" title={t('accounts.none')} />}
      {q.data && q.data.users.length > 0 && (
        <Card>
        <ul className="roster account-list" aria-label={t('accounts.results')}>
          {q.data.users.map((u) => (
            <AccountItem
              key={u.id}
              user={u}
              onSuspend={() => setSuspending(u)}
              onRevoke={() => setRevoking(u)}
              onReactivate={async () => {
                if (await reactivate({ userId: u.id })) void q.refetch();
              }}
              busy={reactivateState.pending}
            />
          ))}
        </ul>
        </Card>
      )}
      {suspending && (
        <SuspendDialog
          user={suspending}
          onClose={() => setSuspending(null)}
          onDone={() => {
            setSuspending(null);
            void q.refetch();
          }}
        />
      )}
      {revoking && (
        <RevokeDialog
          user={revoking}
          onClose={() => setRevoking(null)}
          onDone={() => {
            setRevoking(null);
            void q.refetch();
          }}
        />
      )}
    </Page>
  );
}

function AccountItem({
  user,
  onSuspend,
  onRevoke,
  onReactivate,
  busy,
}: {
  user: AccountRowFragment;
  onSuspend: () => void;
  onRevoke: () => void;
  onReactivate: () => void;
  busy: boolean;
}) {
  const { t, locale } = useI18n();
  const own = Intl.DateTimeFormat().resolvedOptions().timeZone;
  const revocable = user.roles.some((r) => r !== 'VOLUNTEER');
  return (
    <li className="roster-row account-row">
      <div className="roster-who">
        <p className="roster-name">{user.volunteer?.fullName ?? user.email}</p>
        <p className="roster-contact">
          <a href={`mailto:${user.email}`}>{user.email}</a>
          {user.coordinatedCentres.length > 0 && (
            <span>
              {t('accounts.coordinates')} {user.coordinatedCentres.map((c) => c.name).join(', ')}
            </span>
          )}
          {user.suspended && (
            <span>
              {t('accounts.suspendedSince', { when: user.suspendedAt ? formatDateTime(user.suspendedAt, locale, own) : '' })} {user.suspendedReason}
            </span>
          )}
        </p>
      </div>
      <div className="roster-state badges">
        {user.suspended ? <Badge tone="danger">{t('accounts.suspended')}</Badge> : <Badge tone="success">{t('accounts.active')}</Badge>}
        {user.roles.map((r) => (
          <Badge key={r} tone="brand">
            {t(`role.${r}` as MessageKey)}
          </Badge>
        ))}
      </div>
      <div className="roster-actions">
        {user.suspended ? (
          <Button size="small" busy={busy} onClick={onReactivate}>
            {t('accounts.reactivate')}
          </Button>
        ) : (
          <Button size="small" className="btn-danger-text" onClick={onSuspend}>
            {t('accounts.suspend')}
          </Button>
        )}
        {revocable && (
          <Button size="small" variant="ghost" onClick={onRevoke}>
            {t('accounts.revoke')}
          </Button>
        )}
      </div>
    </li>
  );
}

function SuspendDialog({ user, onClose, onDone }: { user: AccountRowFragment; onClose: () => void; onDone: () => void }) {
  const { t } = useI18n();
  const [reason, setReason] = useState('');
  const [suspend, state] = useMutation(SuspendUserDocument);
  const { fieldError, formError } = useApiFormErrors(state.error, ['reason']);
  return (
    <Dialog
      open
      title={t('accounts.suspendTitle', { email: user.email })}
      onClose={onClose}
      footer={
        <>
          <Button onClick={onClose}>{t('action.keep')}</Button>
          <Button
            variant="danger"
            busy={state.pending}
            disabled={!reason.trim()}
            onClick={async () => {
              if (await suspend({ userId: user.id, reason: reason.trim() })) onDone();
            }}
          >
            {t('accounts.suspendConfirm')}
          </Button>
        </>
      }
    >
      <p>{t('accounts.suspendText')}</p>
      {formError && <ErrorAlert error={formError} />}
      <Field label={t('accounts.reason')} error={fieldError('reason')}>
        {(p) => <textarea {...p} rows={3} required value={reason} onChange={(e) => setReason(e.target.value)} />}
      </Field>
    </Dialog>
  );
}

function RevokeDialog({ user, onClose, onDone }: { user: AccountRowFragment; onClose: () => void; onDone: () => void }) {
  const { t } = useI18n();
  const at = useAdminText();
  const choices = user.roles.filter((r) => r !== 'VOLUNTEER');
  const [role, setRole] = useState<Role>(choices[0] ?? 'COORDINATOR');
  const [centreIds, setCentreIds] = useState<string[]>([]);
  const [revoke, state] = useMutation(RevokeRoleDocument);
  const { fieldError, formError } = useApiFormErrors(state.error, ['role', 'centreIds']);
  return (
    <Dialog
      open
      title={t('accounts.revokeTitle', { email: user.email })}
      onClose={onClose}
      footer={
        <>
          <Button onClick={onClose}>{t('action.keep')}</Button>
          <Button
            variant="danger"
            busy={state.pending}
            onClick={async () => {
              const centres = role === 'COORDINATOR' && centreIds.length > 0 ? centreIds : null;
              if (await revoke({ userId: user.id, role, centreIds: centres })) onDone();
            }}
          >
            {t('accounts.revokeConfirm')}
          </Button>
        </>
      }
    >
      {formError && role === 'ADMIN' && formError.code === 'CONFLICT' ? (
        <Alert tone="error" title={at('adm.lastAdmin', { name: user.volunteer?.fullName || user.email })} />
      ) : (
        formError && <ErrorAlert error={formError} />
      )}
      <Field label={t('admin.role')} error={fieldError('role')}>
        {(p) => (
          <select {...p} value={role} onChange={(e) => setRole(e.target.value as Role)}>
            {choices.map((r) => (
              <option key={r} value={r}>
                {t(`role.${r}` as MessageKey)}
              </option>
            ))}
          </select>
        )}
      </Field>
      {role === 'COORDINATOR' && user.coordinatedCentres.length > 0 && (
        <fieldset className="fieldset">
          <legend>{t('accounts.revokeCentres')}</legend>
          {user.coordinatedCentres.map((c) => (
            <label key={c.id} className="check">
              <input
                type="checkbox"
                checked={centreIds.includes(c.id)}
                onChange={(e) => setCentreIds(e.target.checked ? [...centreIds, c.id] : centreIds.filter((x) => x !== c.id))}
              />
              {c.name}
            </label>
          ))}
          <p className="muted small">{t('accounts.revokeCentresHint')}</p>
        </fieldset>
      )}
    </Dialog>
  );
}
