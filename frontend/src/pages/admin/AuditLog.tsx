// The audit trail, for admins: who did what, to which objects, when and how
// it ended, in words: the action in the reader's language, people and
// objects by name (a shift as "centre · position · day time"), and each
// change field by field. Filters: the person who acted, an object (a person,
// a centre, a position, or any object picked from an entry), the action and
// a period of days. Ids and JSON stay behind "details". Newest first.
import { useMemo, useState, type FormEvent } from 'react';
import { useSearchParams } from 'react-router';
import { useQuery } from '../../api/hooks';
import { request } from '../../api/client';
import { AuditLogDocument, CatalogDocument, type AuditLogQuery, type AuditOutcome } from '../../gql/graphql';
import { useI18n, type Lang, type MessageKey, type T } from '../../i18n';
import { Badge, Button, Empty, ErrorAlert, Field, Loading, NotAvailable, Page, type Tone } from '../../components/ui';
import { DateInput } from '../../components/DateInput';
import { ApiError, isMissingFeature, toApiError } from '../../api/errors';
import { formatDateTime } from '../../lib/format';
import {
  appendEntries,
  auditNextCursor,
  auditVariables,
  filterFromParams,
  filterToParams,
  noAuditFilter,
  prettyJson,
  type AuditFilter,
} from '../../lib/audit';
import { readableDiff, type ReadableText } from '../../lib/auditDiff';
import { actionName, fieldName, kindName, knownActions, useAdminText, valueKey } from './messages';
import { UserPicker, type PickedUser } from './UserPicker';

type Entry = AuditLogQuery['auditLog'][number];
type Change = Entry['changes'][number];
type AuditObject = Entry['objects'][number];

const outcomeTone: Record<AuditOutcome, Tone> = { DONE: 'success', FAILED: 'danger', PENDING: 'warning' };

/** The viewer's own zone: an audit entry belongs to no centre. */
const ownZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone;

/** Status-like values of each kind's fields, as the core catalogue names them. */
const valueKeys: Record<string, Record<string, string>> = {
  Shift: { Status: 'shiftStatus' },
  Assignment: { Status: 'assignment' },
  Volunteer: { Status: 'volunteerStatus' },
  User: { Roles: 'role' },
};
const knownValues: Record<string, string[]> = {
  shiftStatus: ['DRAFT', 'PUBLISHED', 'CANCELLED'],
  assignment: ['CONFIRMED', 'WAITLISTED', 'CANCELLED', 'CHECKED_IN', 'COMPLETED', 'NO_SHOW'],
  volunteerStatus: ['PENDING', 'ACTIVE', 'SUSPENDED'],
  role: ['VOLUNTEER', 'COORDINATOR', 'STAFF', 'ADMIN'],
};

function readableText(kind: string, t: T, lang: Lang, locale: string, at: ReturnType<typeof useAdminText>): ReadableText {
  return {
    locale,
    timeZone: ownZone(),
    field: (f) => fieldName(f, lang),
    value: (field, v) => {
      const own = valueKey(field, v);
      if (own) return at(own);
      const prefix = valueKeys[kind]?.[field] ?? (field === 'Roles' ? 'role' : undefined);
      return prefix && knownValues[prefix]?.includes(v) ? t(`${prefix}.${v}` as MessageKey) : undefined;
    },
    yes: at('audit.yes'),
    no: at('audit.no'),
    none: '—',
  };
}

/** An object as the reader sees it: its kind, its name and, for a shift, when. */
function objectText(o: { label?: string | null; startsAt?: string | null; timezone?: string | null }, locale: string, gone: string): string {
  const when = o.startsAt ? formatDateTime(o.startsAt, locale, o.timezone || ownZone()) : null;
  return [o.label ?? gone, when].filter(Boolean).join(' · ');
}

export default function AuditLog() {
  const { t, lang, locale } = useI18n();
  const at = useAdminText();
  const [params, setParams] = useSearchParams();
  const applied = useMemo(() => filterFromParams(params), [params]);
  const zone = ownZone();

  const first = useQuery(AuditLogDocument, auditVariables(applied, null, zone));
  // Older pages, loaded with "load more"; they belong to the first page they follow.
  const [more, setMore] = useState<{ base: AuditLogQuery; entries: Entry[]; next: string | null } | null>(null);
  const [moreState, setMoreState] = useState<{ loading: boolean; error?: ApiError }>({ loading: false });
  const base = first.data;
  const extra = more && more.base === base ? more : null;
  const entries = base ? appendEntries(base.auditLog, extra?.entries ?? []) : undefined;
  const next = extra ? extra.next : base ? auditNextCursor(base.auditLog) : null;
  const filtered = filterToParams(applied).toString() !== '';

  async function loadMore() {
    if (!base || !next) return;
    setMoreState({ loading: true });
    try {
      const page = await request(AuditLogDocument, auditVariables(applied, next, zone));
      setMore({ base, entries: [...(extra?.entries ?? []), ...page.auditLog], next: auditNextCursor(page.auditLog) });
      setMoreState({ loading: false });
    } catch (e) {
      setMoreState({ loading: false, error: toApiError(e) });
    }
  }

  const apply = (f: AuditFilter) => setParams(filterToParams(f), { replace: true });

  if (isMissingFeature(first.error)) {
    return (
      <Page title={t('audit.title')} lead={at('audit.lead2')}>
        <NotAvailable what="audit.title" />
      </Page>
    );
  }

  return (
    <Page wide title={t('audit.title')} lead={at('audit.lead2')}>
      <Filters key={params.toString()} applied={applied} onApply={apply} />

      {first.error && <ErrorAlert error={first.error} onRetry={first.refetch} />}
      {!entries && !first.error && <Loading />}
      {entries && entries.length === 0 && <Empty icon="list" title={filtered ? at('audit.emptyFiltered') : t('audit.empty')} />}
      {entries && entries.length > 0 && (
        <ul className="audit-list" aria-busy={first.loading || moreState.loading}>
          {entries.map((e) => (
            <AuditItem
              key={e.id}
              entry={e}
              onObject={(o) => apply({ ...applied, objectIds: [o.id], objectName: `${kindName(o.kind, lang)}: ${objectText(o, locale, at('audit.gone'))}` })}
            />
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

type ObjectKind = 'person' | 'Centre' | 'Position';

function Filters({ applied, onApply }: { applied: AuditFilter; onApply: (f: AuditFilter) => void }) {
  const { t, lang } = useI18n();
  const at = useAdminText();
  const [draft, setDraft] = useState<AuditFilter>(applied);
  const [objectKind, setObjectKind] = useState<ObjectKind>('person');
  const [periodError, setPeriodError] = useState(false);
  const catalog = useQuery(CatalogDocument, {}, { skip: objectKind === 'person' });
  const actor: PickedUser | null = draft.actorId ? { id: draft.actorId, name: draft.actorName, email: '', volunteerId: null } : null;
  const actions = useMemo(() => {
    const list = knownActions().map((a) => ({ a, label: actionName(a, lang) }));
    if (applied.action && !list.some((x) => x.a === applied.action)) list.push({ a: applied.action, label: actionName(applied.action, lang) });
    return list.sort((x, y) => x.label.localeCompare(y.label, lang));
  }, [lang, applied.action]);
  const choices = objectKind === 'Centre' ? catalog.data?.centres : objectKind === 'Position' ? catalog.data?.positions : undefined;

  function submit(e: FormEvent) {
    e.preventDefault();
    if (draft.from && draft.to && draft.to < draft.from) return setPeriodError(true);
    setPeriodError(false);
    onApply(draft);
  }

  return (
    <form className="card audit-filters" role="search" aria-label={t('audit.filters')} onSubmit={submit} noValidate>
      <div className="filters-grid">
        <UserPicker
          label={at('audit.person')}
          name="auditActor"
          value={actor}
          onChange={(u) => setDraft({ ...draft, actorId: u?.id ?? '', actorName: u?.name ?? '' })}
        />
        <fieldset className="fieldset audit-object">
          <legend>{at('audit.object')}</legend>
          {draft.objectIds.length > 0 ? (
            <p className="picked">
              <span className="strong">{draft.objectName}</span>{' '}
              <Button size="small" variant="ghost" onClick={() => setDraft({ ...draft, objectIds: [], objectName: '' })}>
                {at('adm.change')}
              </Button>
            </p>
          ) : (
            <>
              <Field label={at('audit.objectKind')}>
                {(p) => (
                  <select {...p} name="auditObjectKind" value={objectKind} onChange={(e) => setObjectKind(e.target.value as ObjectKind)}>
                    <option value="person">{at('audit.kind.person')}</option>
                    <option value="Centre">{kindName('Centre', lang)}</option>
                    <option value="Position">{kindName('Position', lang)}</option>
                  </select>
                )}
              </Field>
              {objectKind === 'person' ? (
                <UserPicker
                  label={at('audit.objectSearch')}
                  name="auditObject"
                  value={null}
                  onChange={(u) =>
                    u &&
                    setDraft({
                      ...draft,
                      objectIds: [u.id, ...(u.volunteerId ? [u.volunteerId] : [])],
                      objectName: u.name,
                    })
                  }
                />
              ) : (
                <Field label={at('audit.objectSearch')}>
                  {(p) => (
                    <select
                      {...p}
                      name="auditObjectChoice"
                      value=""
                      onChange={(e) => {
                        const c = choices?.find((x) => x.id === e.target.value);
                        if (c) setDraft({ ...draft, objectIds: [c.id], objectName: `${kindName(objectKind, lang)}: ${c.name}` });
                      }}
                    >
                      <option value="">{at('audit.chooseObject')}</option>
                      {choices?.map((c) => (
                        <option key={c.id} value={c.id}>
                          {c.name}
                        </option>
                      ))}
                    </select>
                  )}
                </Field>
              )}
            </>
          )}
        </fieldset>
        <Field label={t('audit.action')}>
          {(p) => (
            <select {...p} name="auditAction" value={draft.action} onChange={(e) => setDraft({ ...draft, action: e.target.value })}>
              <option value="">{at('audit.anyAction')}</option>
              {actions.map(({ a, label }) => (
                <option key={a} value={a}>
                  {label}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label={at('audit.from')}>{(p) => <DateInput {...p} name="auditFrom" value={draft.from} onChange={(v) => setDraft({ ...draft, from: v })} />}</Field>
        <Field label={at('audit.to')} error={periodError ? at('audit.periodBad') : undefined}>
          {(p) => <DateInput {...p} name="auditTo" value={draft.to} onChange={(v) => setDraft({ ...draft, to: v })} />}
        </Field>
      </div>
      <div className="button-row">
        <Button type="submit" variant="primary" icon="search">
          {t('audit.apply')}
        </Button>
        {filterToParams(applied).toString() !== '' && (
          <Button
            onClick={() => {
              setDraft(noAuditFilter);
              onApply(noAuditFilter);
            }}
          >
            {t('audit.clear')}
          </Button>
        )}
      </div>
    </form>
  );
}

function AuditItem({ entry: e, onObject }: { entry: Entry; onObject: (o: AuditObject) => void }) {
  const { t, lang, locale } = useI18n();
  const at = useAdminText();
  const own = ownZone();
  const changes = new Map(e.changes.map((c) => [`${c.kind}:${c.objectId}`, c]));
  return (
    <li className="card audit-entry">
      <div className="audit-head">
        <h2 className="audit-action">{actionName(e.action, lang)}</h2>
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
        {e.actorName ? (
          <span className="strong">{e.actorName}</span>
        ) : (
          <span className="muted">{e.actorRoles.length > 0 ? t('audit.actorDeleted') : at('audit.anonymous')}</span>
        )}
        {e.actorRoles.length > 0 && <span className="muted"> · {e.actorRoles.map((r) => t(`role.${r}`)).join(', ')}</span>}
      </p>
      {e.objects.length === 0 ? (
        <p className="muted small">{t('audit.noChanges')}</p>
      ) : (
        <ul className="audit-objects" aria-label={at('audit.objects')}>
          {e.objects.map((o) => (
            <li key={`${o.kind}:${o.id}`}>
              <ObjectView object={o} change={changes.get(`${o.kind}:${o.id}`)} outcome={e.outcome} onPick={() => onObject(o)} />
            </li>
          ))}
        </ul>
      )}
      <details className="audit-details">
        <summary>{at('audit.details')}</summary>
        <h3 className="subhead">{t('audit.arguments')}</h3>
        <pre className="json">{prettyJson(e.arguments)}</pre>
        <p className="muted small">
          {t('audit.requestId')}: <code>{e.requestId}</code>
          {e.actor && (
            <>
              {' · '}
              <a href={`mailto:${e.actor.email}`}>{e.actor.email}</a>
            </>
          )}
        </p>
        {e.changes.map((c) => (
          <RawChange key={`${c.kind}:${c.objectId}`} change={c} />
        ))}
      </details>
    </li>
  );
}

/** One object: its kind and name, what happened to it, and what changed field by field. */
function ObjectView({ object: o, change: c, outcome, onPick }: { object: AuditObject; change: Change | undefined; outcome: AuditOutcome; onPick: () => void }) {
  const { t, lang, locale } = useI18n();
  const at = useAdminText();
  const name = objectText(o, locale, at('audit.gone'));
  const rows = c && (outcome === 'DONE' || c.after != null) ? readableDiff(c.before, c.after, readableText(o.kind, t, lang, locale, at)) : null;
  const what = !c
    ? at('audit.wasNamed')
    : c.before == null && c.after != null
      ? t('audit.created')
      : c.after == null
        ? outcome === 'DONE'
          ? t('audit.deleted')
          : outcome === 'FAILED'
            ? t('audit.failedUnchanged')
            : t('audit.notCompleted')
        : rows && rows.length === 0
          ? t('audit.unchanged')
          : null;
  return (
    <div className="audit-object">
      <p>
        <span className="muted">{kindName(o.kind, lang)}: </span>
        <span className="strong">{name}</span>
        {what && <span className="muted small"> · {what}</span>}{' '}
        <Button size="small" variant="ghost" onClick={onPick} aria-label={`${at('audit.filterBy')}: ${kindName(o.kind, lang)} ${name}`}>
          {at('audit.filterBy')}
        </Button>
      </p>
      {rows && rows.length > 0 && (
        <table className="table audit-diff">
          <caption className="visually-hidden">
            {t('audit.differences')}: {name}
          </caption>
          <thead>
            <tr>
              <th scope="col">{t('audit.field')}</th>
              {c?.before != null && <th scope="col">{t('audit.before')}</th>}
              {c?.after != null && <th scope="col">{t('audit.after')}</th>}
            </tr>
          </thead>
          <tbody>
            {rows.map((d) => (
              <tr key={d.field}>
                <th scope="row">{d.label}</th>
                {c?.before != null && <td className="audit-removed">{d.before}</td>}
                {c?.after != null && <td className="audit-added">{d.after}</td>}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

/** A change's JSON before and after, for those who need it. */
function RawChange({ change: c }: { change: Change }) {
  const { t, lang } = useI18n();
  const before = prettyJson(c.before);
  const after = prettyJson(c.after);
  return (
    <div className="audit-json">
      <p className="small">
        {kindName(c.kind, lang)} <code className="audit-id">{c.objectId}</code>
      </p>
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
  );
}
