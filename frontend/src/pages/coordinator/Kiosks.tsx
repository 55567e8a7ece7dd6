// A centre's kiosks and its self check-in switch: make a kiosk (its token is
// shown once, to paste into the tablet's /kiosk page), revoke one, and say
// whether volunteers may still check themselves in without proving presence.
import { useState, type FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router';
import { useMutation, useQuery } from '../../api/hooks';
import { CentreKiosksDocument, CreateKioskDocument, RevokeKioskDocument, SetCentreSelfCheckInDocument } from '../../gql/graphql';
import { isMissingFeature } from '../../api/errors';
import { useI18n } from '../../i18n';
import { Alert, Badge, Button, Card, Empty, ErrorAlert, Field, Loading, NotAvailable, Page } from '../../components/ui';
import { formatDateTime } from '../../lib/format';
import { CentrePicker } from './CentrePicker';
import { pickCentre, useManagedCentres } from './useCentres';

export default function Kiosks() {
  const { t } = useI18n();
  const managed = useManagedCentres();
  const [params, setParams] = useSearchParams();
  const centre = pickCentre(managed.centres, params.get('centre'));
  return (
    <Page
      title={t('kiosks.title')}
      lead={t('kiosks.lead')}
      actions={
        <Link className="btn btn-secondary" to="/checkin">
          {t('kiosks.scan')}
        </Link>
      }
    >
      {managed.error && <ErrorAlert error={managed.error} onRetry={() => void managed.refetch()} />}
      {!managed.centres && !managed.error && <Loading />}
      {managed.centres && centre && (
        <>
          {managed.centres.length > 1 && (
            <CentrePicker centres={managed.centres} value={centre.id} onChange={(id) => setParams({ centre: id })} />
          )}
          <CentreKiosks key={centre.id} centreId={centre.id} />
        </>
      )}
    </Page>
  );
}

function CentreKiosks({ centreId }: { centreId: string }) {
  const { t, locale } = useI18n();
  const q = useQuery(CentreKiosksDocument, { id: centreId });
  const [create, createState] = useMutation(CreateKioskDocument);
  const [revoke, revokeState] = useMutation(RevokeKioskDocument);
  const [setSelf, selfState] = useMutation(SetCentreSelfCheckInDocument);
  const [name, setName] = useState('');
  const [token, setToken] = useState<string | null>(null);
  if (isMissingFeature(q.error)) return <NotAvailable what="kiosks.title" />;
  if (q.error) return <ErrorAlert error={q.error} onRetry={() => void q.refetch()} />;
  const node = q.data?.node;
  const centre = node && 'kiosks' in node ? node : undefined;
  if (!centre) return <Loading />;
  const error = createState.error ?? revokeState.error ?? selfState.error;

  const onCreate = async (e: FormEvent) => {
    e.preventDefault();
    const d = await create({ centreId, name: name.trim() });
    if (d) {
      setToken(d.createKiosk.token);
      setName('');
      await q.refetch();
    }
  };

  return (
    <>
      {error && <ErrorAlert error={error} />}
      <Card>
        <label className="check">
          <input
            type="checkbox"
            checked={centre.selfCheckIn}
            disabled={selfState.pending}
            onChange={async (e) => {
              if (await setSelf({ centreId, allowed: e.target.checked })) await q.refetch();
            }}
          />
          <span>{t('kiosks.selfCheckIn')}</span>
        </label>
      </Card>
      {token && (
        <Alert tone="success" title={t('kiosks.tokenOnce')}>
          <code className="token-once" data-testid="kiosk-token">
            {token}
          </code>
        </Alert>
      )}
      <form className="card form-card" onSubmit={onCreate}>
        <Field label={t('kiosks.name')}>
          {(p) => <input {...p} name="kioskName" value={name} maxLength={100} required onChange={(e) => setName(e.target.value)} />}
        </Field>
        <Button type="submit" variant="primary" icon="plus" busy={createState.pending}>
          {t('kiosks.create')}
        </Button>
      </form>
      {centre.kiosks.length === 0 ? (
        <Empty icon="info" title={t('kiosks.none')} />
      ) : (
        <ul className="list">
          {centre.kiosks.map((k) => (
            <li key={k.id} className="card list-row">
              <div>
                <p className="strong">{k.name}</p>
                <p className="muted small">
                  {k.revokedAt
                    ? t('kiosks.revokedAt', { date: formatDateTime(k.revokedAt, locale, 'Asia/Baku') })
                    : t('kiosks.createdAt', { date: formatDateTime(k.createdAt, locale, 'Asia/Baku') })}
                </p>
              </div>
              {k.revokedAt ? (
                <Badge>{t('kiosks.revoke')}</Badge>
              ) : (
                <Button
                  variant="danger"
                  size="small"
                  busy={revokeState.pending}
                  onClick={async () => {
                    if (await revoke({ id: k.id })) await q.refetch();
                  }}
                >
                  {t('kiosks.revoke')}
                </Button>
              )}
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
