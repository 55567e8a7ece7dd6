// The audit trail, for admins: who changed what and when, how it ended, and
// each object it touched as it was before and after. Newest first.
import { useState, type FormEvent } from 'react';
import { useSearchParams } from 'react-router';
import { useQuery } from '../../api/hooks';
import { request } from '../../api/client';
import { AuditLogDocument, type AuditLogQuery, type AuditOutcome } from '../../gql/graphql';
import { useI18n } from '../../i18n';
import { Badge, Button, Empty, ErrorAlert, Field, Loading, NotAvailable, Page, type Tone } from '../../components/ui';
import { ApiError, isMissingFeature, toApiError } from '../../api/errors';
import { formatDateTime } from '../../lib/format';
import { appendEntries, auditNextCursor, auditVariables, diffJson, prettyJson } from '../../lib/audit';

type Entry = AuditLogQuery['auditLog'][number];
type Change = Entry['changes'][number];

const outcomeTone: Record<AuditOutcome, Tone> = { DONE: 'success', FAILED: 'danger', PENDING: 'warning' };

/** Actions people look for most; the filter takes any action's exact name. */
const knownActions = [
  'recordGuardianConsent',
  'approveVolunteer',
  'setVolunteerSkills',
  'createShifts',
  'publishShifts',
  'cancelShift',
  'assignVolunteer',
  'recordAttendance',
  'markNoShow',
  'withdraw',
  'checkIn',
  'checkOut',
  'createCentre',
  'createPosition',
  'grantRole',
  'runJob',
  'issueCertificate',
];

export default function AuditLog() {
  const { t } = useI18n();
  const [params, setParams] = useSearchParams();
  const action = params.get('action') ?? '';
  const [text, setText] = useState(action);

  const first = useQuery(AuditLogDocument, auditVariables(action, null));
  // Older pages, loaded with "load more"; they belong to the first page they follow.
  const [more, setMore] = useState<{ base: AuditLogQuery; entries: Entry[]; next: string | null } | null>(null);
  const [moreState, setMoreState] = useState<{ loading: boolean; error?: ApiError }>({ loading: false });
  const base = first.data;
  const extra = more && more.base === base ? more : null;
  const entries = base ? appendEntries(base.auditLog, extra?.entries ?? []) : undefined;
  const next = extra ? extra.next : base ? auditNextCursor(base.auditLog) : null;

  async function loadMore() {
    if (!base || !next) return;
    setMoreState({ loading: true });
    try {
      const page = await request(AuditLogDocument, auditVariables(action, next));
      setMore({ base, entries: [...(extra?.entries ?? []), ...page.auditLog], next: auditNextCursor(page.auditLog) });
      setMoreState({ loading: false });
    } catch (e) {
      setMoreState({ loading: false, error: toApiError(e) });
    }
  }

  function apply(value: string) {
    const next = new URLSearchParams(params);
    if (value.trim()) next.set('action', value.trim());
    else next.delete('action');
    setParams(next, { replace: true });
  }

  if (isMissingFeature(first.error)) {
    return (
      <Page title={t('audit.title')} lead={t('audit.lead')}>
        <NotAvailable what="audit.title" />
      </Page>
    );
  }

  return (
    <Page wide title={t('audit.title')} lead={t('audit.lead')}>
      <form
        className="toolbar card audit-filters"
        role="search"
        aria-label={t('audit.filters')}
        onSubmit={(e: FormEvent) => {
          e.preventDefault();
          apply(text);
        }}
      >
        <Field label={t('audit.action')} hint={t('audit.actionHint')} id="audit-action">
          {(p) => <input {...p} list="audit-actions" value={text} onChange={(e) => setText(e.target.value)} autoComplete="off" spellCheck={false} />}
        </Field>
        <datalist id="audit-actions">
          {knownActions.map((a) => (
            <option key={a} value={a} />
          ))}
        </datalist>
        <div className="button-row">
          <Button type="submit" variant="primary" icon="search">
            {t('audit.apply')}
          </Button>
          {action && (
            <Button
              onClick={() => {
                setText('');
                apply('');
              }}
            >
              {t('audit.clear')}
            </Button>
          )}
        </div>
      </form>

      {first.error && <ErrorAlert error={first.error} onRetry={first.refetch} />}
      {!entries && !first.error && <Loading />}
      {entries && entries.length === 0 && <Empty icon="list" title={action ? t('audit.emptyAction', { action }) : t('audit.empty')} />}
      {entries && entries.length > 0 && (
        <ul className="audit-list" aria-busy={first.loading || moreState.loading}>
          {entries.map((e) => (
            <AuditItem key={e.id} entry={e} />
          ))}
        </ul>
      )}
      {moreState.error && <ErrorAlert error={moreState.error} onRetry={() => void loadMore()} />}
      {entries && entries.length > 0 && (
        <div className="more">
          {next && (
            <Button busy={moreState.loading} onClick={() => void loadMore()}>
              {t('audit.more')}
            </Button>
          )}
          <p className="muted small" aria-live="polite">
            {t('audit.shown', { count: entries.length })}
            {!next && ` · ${t('audit.end')}`}
          </p>
        </div>
      )}
    </Page>
  );
}

function AuditItem({ entry: e }: { entry: Entry }) {
  const { t, locale } = useI18n();
  // The viewer's own zone: an audit entry belongs to no centre.
  const own = Intl.DateTimeFormat().resolvedOptions().timeZone;
  const name = e.actor?.volunteer?.fullName;
  return (
    <li className="card audit-entry">
      <div className="audit-head">
        <h2 className="audit-action">
          <code>{e.action}</code>
        </h2>
        <span className="badges">
          <Badge tone={outcomeTone[e.outcome]}>{t(`audit.outcome.${e.outcome}`)}</Badge>
          {e.errorCode && (
            <Badge tone="danger">
              <span className="visually-hidden">{t('audit.errorCode')}: </span>
              {e.errorCode}
            </Badge>
          )}
        </span>
        <time className="audit-time muted small" dateTime={e.at}>
          {formatDateTime(e.at, locale, own)}
        </time>
      </div>
      <p className="audit-actor small">
        <span className="muted">{t('audit.actor')}: </span>
        {!e.actor ? (
          <span className="muted">{t('audit.actorDeleted')}</span>
        ) : (
          <>
            {name && <span className="strong">{name} </span>}
            <a href={`mailto:${e.actor.email}`}>{e.actor.email}</a>
          </>
        )}
        {e.actorRoles.length > 0 && <span className="muted"> · {e.actorRoles.map((r) => t(`role.${r}`)).join(', ')}</span>}
      </p>
      {e.changes.length === 0 ? (
        <p className="muted small">{t('audit.noChanges')}</p>
      ) : (
        <ul className="audit-changes">
          {e.changes.map((c) => (
            <li key={`${c.kind}:${c.objectId}`}>
              <ChangeView change={c} outcome={e.outcome} />
            </li>
          ))}
        </ul>
      )}
      <details className="audit-details">
        <summary>{t('audit.arguments')}</summary>
        <pre className="json">{prettyJson(e.arguments)}</pre>
        <p className="muted small">
          {t('audit.requestId')}: <code>{e.requestId}</code>
        </p>
      </details>
    </li>
  );
}

/** One object the action touched: what changed, then the whole JSON before and after. */
function ChangeView({ change: c, outcome }: { change: Change; outcome: AuditOutcome }) {
  const { t } = useI18n();
  // Without an after, a completed action deleted the object; an uncompleted one may not have changed it.
  const completed = outcome === 'DONE' || c.after != null;
  const diff = completed ? diffJson(c.before, c.after) : null;
  const what =
    c.before == null && c.after != null
      ? t('audit.created')
      : c.after == null
        ? outcome === 'DONE'
          ? t('audit.deleted')
          : outcome === 'FAILED'
            ? t('audit.failedUnchanged')
            : t('audit.notCompleted')
        : diff
          ? diff.length > 0
            ? t('audit.fieldsChanged', { count: diff.length })
            : t('audit.unchanged')
          : null;
  const before = prettyJson(c.before);
  const after = prettyJson(c.after);
  return (
    <details className="audit-change">
      <summary>
        <span className="strong">{c.kind}</span> <code className="audit-id">{c.objectId}</code>
        {what && <span className="muted"> · {what}</span>}
      </summary>
      {diff && diff.length > 0 && c.before != null && c.after != null && (
        <table className="table audit-diff">
          <caption className="visually-hidden">{t('audit.differences')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('audit.field')}</th>
              <th scope="col">{t('audit.before')}</th>
              <th scope="col">{t('audit.after')}</th>
            </tr>
          </thead>
          <tbody>
            {diff.map((d) => (
              <tr key={d.field}>
                <th scope="row">
                  <code>{d.field}</code>
                </th>
                <td>{d.before === undefined ? '—' : <code className="audit-removed">{d.before}</code>}</td>
                <td>{d.after === undefined ? '—' : <code className="audit-added">{d.after}</code>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <div className="audit-json">
        {before != null && (
          <figure>
            <figcaption>{t('audit.before')}</figcaption>
            <pre className="json">{before}</pre>
          </figure>
        )}
        {after != null && (
          <figure>
            <figcaption>{t('audit.after')}</figcaption>
            <pre className="json">{after}</pre>
          </figure>
        )}
      </div>
    </details>
  );
}
