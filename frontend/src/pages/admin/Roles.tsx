// Roles: give one to a person found by name or email, see who holds each
// (coordinators with their centres), and take one back. The last active
// administrator keeps ADMIN: the server refuses (CONFLICT) and the page
// says why in words.
import { useState, type FormEvent } from 'react';
import { useMutation, useQuery, type QueryState } from '../../api/hooks';
import { GrantRoleDocument, RevokeRoleDocument, RoleHoldersDocument, type Role, type RoleHoldersQuery } from '../../gql/graphql';
import { useI18n, type MessageKey } from '../../i18n';
import { Alert, Badge, Button, Card, Dialog, ErrorAlert, Field, Loading, ScrollRegion } from '../../components/ui';
import { FormError, useApiFormErrors } from '../../components/forms';
import type { ApiError } from '../../api/errors';
import { useAdminText } from './messages';
import { UserPicker, type PickedUser } from './UserPicker';

const grantable: Role[] = ['COORDINATOR', 'STAFF', 'ADMIN', 'VOLUNTEER'];
/** The holders of a role listed at most (RoleHolders asks first: 100). */
const holdersPage = 100;

type Centre = { id: string; name: string };

/** The two cards: give a role, and who holds which. */
export function Roles({ centres }: { centres: Centre[] }) {
  const holders = useQuery(RoleHoldersDocument, {});
  return (
    <>
      <GrantRole centres={centres} onGranted={() => void holders.refetch()} />
      <Holders q={holders} />
    </>
  );
}

function GrantRole({ centres, onGranted }: { centres: Centre[]; onGranted: () => void }) {
  const { t } = useI18n();
  const at = useAdminText();
  const [user, setUser] = useState<PickedUser | null>(null);
  const [role, setRole] = useState<Role>('COORDINATOR');
  const [centreIds, setCentreIds] = useState<string[]>([]);
  const [missing, setMissing] = useState<'user' | 'centres' | null>(null);
  const [grant, state] = useMutation(GrantRoleDocument);
  const [done, setDone] = useState<string | null>(null);
  const { fieldError, formError } = useApiFormErrors(state.error, ['userId', 'role', 'centreIds']);
  async function submit(e: FormEvent) {
    e.preventDefault();
    setDone(null);
    if (!user) return setMissing('user');
    if (role === 'COORDINATOR' && centreIds.length === 0) return setMissing('centres');
    setMissing(null);
    const d = await grant({ userId: user.id, role, centreIds: role === 'COORDINATOR' ? centreIds : null });
    if (d) {
      setDone(at('adm.granted', { name: user.name, roles: d.grantRole.roles.map((r) => t(`role.${r}` as MessageKey)).join(', ') }));
      setUser(null);
      setCentreIds([]);
      onGranted();
    }
  }
  const centresError = missing === 'centres' ? at('adm.chooseCentres') : fieldError('centreIds');
  return (
    <Card aria-labelledby="grant-heading">
      <h2 id="grant-heading" className="card-title">
        {at('adm.grantTitle')}
      </h2>
      <p className="muted">{at('adm.grantLead')}</p>
      <form className="form" onSubmit={submit} noValidate aria-labelledby="grant-heading">
        {done && <Alert tone="success" title={done} />}
        <FormError error={formError} />
        <UserPicker
          label={at('adm.person')}
          name="grantPerson"
          value={user}
          onChange={(u) => {
            setUser(u);
            setDone(null);
            if (u) setMissing(null);
          }}
          error={missing === 'user' ? at('adm.choosePerson') : fieldError('userId')}
        />
        <Field label={t('admin.role')} error={fieldError('role')}>
          {(p) => (
            <select {...p} name="grantRole" value={role} onChange={(e) => setRole(e.target.value as Role)}>
              {grantable.map((r) => (
                <option key={r} value={r}>
                  {t(`role.${r}` as MessageKey)}
                </option>
              ))}
            </select>
          )}
        </Field>
        {role === 'COORDINATOR' && (
          <fieldset className="fieldset" aria-describedby={centresError ? 'grant-centres-error' : undefined}>
            <legend>{t('admin.centresToCoordinate')}</legend>
            <ScrollRegion label={t('admin.centresToCoordinate')} className="check-list scroll-list">
              {centres.map((c) => (
                <label key={c.id} className="check">
                  <input
                    type="checkbox"
                    checked={centreIds.includes(c.id)}
                    onChange={(e) => setCentreIds(e.target.checked ? [...centreIds, c.id] : centreIds.filter((x) => x !== c.id))}
                  />
                  {c.name}
                </label>
              ))}
            </ScrollRegion>
            {centresError && (
              <p className="field-error" id="grant-centres-error">
                {centresError}
              </p>
            )}
          </fieldset>
        )}
        <Button type="submit" variant="primary" busy={state.pending}>
          {t('admin.grant')}
        </Button>
      </form>
    </Card>
  );
}

type Holder = RoleHoldersQuery['coordinators'][number] | RoleHoldersQuery['staff'][number] | RoleHoldersQuery['admins'][number];

const personOf = (h: Holder) => h.volunteer?.fullName || h.email;

function Holders({ q }: { q: QueryState<RoleHoldersQuery> }) {
  const { t } = useI18n();
  const at = useAdminText();
  const [revoking, setRevoking] = useState<{ holder: Holder; role: Role } | null>(null);
  const [revoked, setRevoked] = useState<string | null>(null);
  const activeAdmins = q.data?.admins.filter((a) => !a.suspended).length ?? 0;
  const groups: { role: Role; list: Holder[] }[] = q.data
    ? [
        { role: 'COORDINATOR', list: q.data.coordinators },
        { role: 'STAFF', list: q.data.staff },
        { role: 'ADMIN', list: q.data.admins },
      ]
    : [];
  return (
    <Card aria-labelledby="holders-heading">
      <h2 id="holders-heading" className="card-title">
        {at('adm.holdersTitle')}
      </h2>
      <p className="muted">{at('adm.holdersLead')}</p>
      {revoked && <Alert tone="success" title={revoked} />}
      {q.error && <ErrorAlert error={q.error} onRetry={q.refetch} />}
      {!q.data && !q.error && <Loading />}
      {groups.map(({ role, list }) => (
        <section key={role} className="holders" aria-labelledby={`holders-${role}`}>
          <h3 className="subhead" id={`holders-${role}`}>
            {t(`role.${role}` as MessageKey)} <span className="count-pill">{list.length}</span>
          </h3>
          {list.length === 0 ? (
            <p className="muted small">{at('adm.nobody')}</p>
          ) : (
            <ul className="plain-list" aria-labelledby={`holders-${role}`}>
              {list.map((h) => (
                <li key={h.id} className="holder">
                  <span>
                    <span className="strong">{personOf(h)}</span> {h.volunteer?.fullName && <span className="muted small">{h.email}</span>}
                    {'coordinatedCentres' in h && h.coordinatedCentres.length > 0 && (
                      <span className="badges">
                        {h.coordinatedCentres.map((c) => (
                          <Badge key={c.id}>{c.name}</Badge>
                        ))}
                      </span>
                    )}
                    {role === 'ADMIN' && activeAdmins === 1 && 'suspended' in h && !h.suspended && (
                      <span className="muted small"> · {at('adm.lastAdminShort')}</span>
                    )}
                  </span>
                  <Button
                    size="small"
                    variant="ghost"
                    aria-label={`${at('adm.revoke')}: ${t(`role.${role}` as MessageKey)}, ${personOf(h)}`}
                    onClick={() => {
                      setRevoked(null);
                      setRevoking({ holder: h, role });
                    }}
                  >
                    {at('adm.revoke')}
                  </Button>
                </li>
              ))}
            </ul>
          )}
          {list.length >= holdersPage && <p className="muted small">{at('adm.more', { count: holdersPage })}</p>}
        </section>
      ))}
      {revoking && (
        <RevokeDialog
          holder={revoking.holder}
          role={revoking.role}
          onClose={() => setRevoking(null)}
          onDone={() => {
            setRevoked(at('adm.revoked', { role: t(`role.${revoking.role}` as MessageKey), name: personOf(revoking.holder) }));
            setRevoking(null);
            void q.refetch();
          }}
        />
      )}
    </Card>
  );
}

/** The last administrator's refusal, in words; other errors as usual. */
function isLastAdmin(error: ApiError | undefined, role: Role): boolean {
  return role === 'ADMIN' && error?.code === 'CONFLICT';
}

function RevokeDialog({ holder, role, onClose, onDone }: { holder: Holder; role: Role; onClose: () => void; onDone: () => void }) {
  const { t } = useI18n();
  const at = useAdminText();
  const [centreIds, setCentreIds] = useState<string[]>([]);
  const [revoke, state] = useMutation(RevokeRoleDocument);
  const centres = 'coordinatedCentres' in holder ? holder.coordinatedCentres : [];
  const name = personOf(holder);
  return (
    <Dialog
      open
      title={at('adm.revokeTitle', { role: t(`role.${role}` as MessageKey), name })}
      onClose={onClose}
      footer={
        <>
          <Button onClick={onClose}>{at('adm.keep')}</Button>
          <Button
            variant="danger"
            busy={state.pending}
            onClick={async () => {
              const some = role === 'COORDINATOR' && centreIds.length > 0 ? centreIds : null;
              if (await revoke({ userId: holder.id, role, centreIds: some })) onDone();
            }}
          >
            {at('adm.revoke')}
          </Button>
        </>
      }
    >
      <p>{at('adm.revokeText')}</p>
      {state.error && isLastAdmin(state.error, role) ? (
        <Alert tone="error" title={at('adm.lastAdmin', { name })} />
      ) : (
        state.error && <ErrorAlert error={state.error} />
      )}
      {role === 'COORDINATOR' && centres.length > 0 && (
        <fieldset className="fieldset">
          <legend>{t('accounts.revokeCentres')}</legend>
          {centres.map((c) => (
            <label key={c.id} className="check">
              <input
                type="checkbox"
                checked={centreIds.includes(c.id)}
                onChange={(e) => setCentreIds(e.target.checked ? [...centreIds, c.id] : centreIds.filter((x) => x !== c.id))}
              />
              {c.name}
            </label>
          ))}
          <p className="muted small">{at('adm.revokeAll')}: {t('accounts.revokeCentresHint')}</p>
        </fieldset>
      )}
    </Dialog>
  );
}
