// Volunteers, for coordinators and admins: search by name, those waiting for
// approval, minors without a guardian's consent; approve and record consent.
import { useEffect, useId, useState, type FormEvent } from 'react';
import { useSearchParams } from 'react-router';
import { useMutation, useQuery } from '../../api/hooks';
import {
  ApproveVolunteerDocument,
  RecordGuardianConsentDocument,
  VolunteersDocument,
  type VolunteerRowFragment,
  type VolunteerStatus,
} from '../../gql/graphql';
import { useI18n, type MessageKey } from '../../i18n';
import { Alert, Badge, Button, Card, Dialog, Empty, ErrorAlert, Field, Loading, NotAvailable, Page, type Tone } from '../../components/ui';
import { FormError, useApiFormErrors } from '../../components/forms';
import { isMissingFeature } from '../../api/errors';
import { formatNumber } from '../../lib/format';
import {
  canApprove,
  consentInput,
  emptyConsentForm,
  lacksConsent,
  missingConsentFields,
  nextPages,
  parseVolunteerFilter,
  previousPages,
  volunteerFilters,
  volunteersPageSize,
  volunteersVariables,
  type ConsentForm,
} from '../../lib/volunteers';

const statusTone: Record<VolunteerStatus, Tone> = { PENDING: 'warning', ACTIVE: 'success', SUSPENDED: 'danger' };

export default function Volunteers() {
  const { t, locale } = useI18n();
  const [params, setParams] = useSearchParams();
  const search = params.get('q') ?? '';
  const filter = parseVolunteerFilter(params.get('show'));
  const [text, setText] = useState(search);
  const [done, setDone] = useState<string | null>(null);

  // From the URL as it is when called: a search that fires late keeps a filter chosen meanwhile.
  const set = (patch: Record<string, string>) => {
    setParams(
      (current) => {
        const next = new URLSearchParams(current);
        for (const [k, v] of Object.entries(patch)) {
          if (v) next.set(k, v);
          else next.delete(k);
        }
        return next;
      },
      { replace: true },
    );
  };

  // Typing searches after a short pause; Enter searches at once.
  useEffect(() => {
    const id = setTimeout(() => {
      if (text.trim() !== search) set({ q: text.trim() });
    }, 300);
    return () => clearTimeout(id);
    // set reads the current params; only the text starts a search.
  }, [text]);

  // Pages seen of this search and filter: a new search starts on the first.
  const filterKey = `${search}|${filter}`;
  const [paging, setPaging] = useState<{ key: string; pages: (string | null)[] }>({ key: filterKey, pages: [null] });
  const pages = paging.key === filterKey ? paging.pages : [null];
  const q = useQuery(VolunteersDocument, volunteersVariables(search, filter, pages[pages.length - 1] ?? null));
  const conn = q.data?.volunteers;

  // A page emptied by approvals and consents: back to the one before.
  useEffect(() => {
    if (conn && conn.edges.length === 0 && pages.length > 1 && !q.loading) setPaging({ key: filterKey, pages: previousPages(pages) });
  }, [conn, pages, filterKey, q.loading]);

  const changed = (message: string) => {
    setDone(message);
    void q.refetch();
  };

  if (isMissingFeature(q.error)) {
    return (
      <Page title={t('volunteers.title')} lead={t('volunteers.lead')}>
        <NotAvailable what="volunteers.title" />
      </Page>
    );
  }

  const first = (pages.length - 1) * volunteersPageSize;
  const emptyKey: MessageKey = filter === 'pending' ? 'volunteers.empty.pending' : filter === 'consent' && !search ? 'volunteers.empty.consent' : 'volunteers.empty';

  return (
    <Page wide title={t('volunteers.title')} lead={t('volunteers.lead')}>
      <form
        className="filters card volunteer-filters"
        role="search"
        aria-label={t('volunteers.filters')}
        onSubmit={(e) => {
          e.preventDefault();
          set({ q: text.trim() });
        }}
      >
        <Field label={t('volunteers.search')} id="volunteer-search">
          {(p) => <input {...p} type="search" value={text} onChange={(e) => setText(e.target.value)} autoComplete="off" spellCheck={false} />}
        </Field>
        <fieldset className="fieldset chip-group">
          <legend>{t('volunteers.show')}</legend>
          <div className="chips">
            {volunteerFilters.map((f) => (
              <label key={f} className={f === filter ? 'chip chip-on' : 'chip'}>
                <input
                  type="radio"
                  name="show"
                  value={f}
                  checked={f === filter}
                  onChange={() => {
                    setDone(null);
                    set({ show: f === 'all' ? '' : f });
                  }}
                  className="visually-hidden"
                />
                {t(`volunteers.filter.${f}`)}
              </label>
            ))}
          </div>
        </fieldset>
      </form>

      {done && <Alert tone="success" title={done} />}
      <section aria-labelledby="volunteers-heading" className="section">
        <h2 id="volunteers-heading" className="section-title">
          {t(`volunteers.filter.${filter}`)}
          {conn && <span className="count-pill">{t('volunteers.count', { count: conn.totalCount })}</span>}
        </h2>
        {q.error && <ErrorAlert error={q.error} onRetry={q.refetch} />}
        {!conn && !q.error && <Loading />}
        {conn && conn.edges.length === 0 && <Empty icon={filter === 'all' ? 'search' : 'check'} title={t(emptyKey)} />}
        {conn && conn.edges.length > 0 && (
          <Card>
            <ul className="roster volunteer-list" aria-busy={q.loading}>
              {conn.edges.map(({ node }) => (
                <VolunteerItem key={node.id} volunteer={node} onChange={changed} />
              ))}
            </ul>
          </Card>
        )}
        {conn && (pages.length > 1 || conn.pageInfo.hasNextPage) && (
          <nav className="pager" aria-label={t('volunteers.pages')}>
            <Button icon="left" disabled={pages.length <= 1 || q.loading} onClick={() => setPaging({ key: filterKey, pages: previousPages(pages) })}>
              {t('volunteers.previous')}
            </Button>
            <p className="muted small" aria-live="polite">
              {t('volunteers.range', {
                from: formatNumber(first + 1, locale),
                to: formatNumber(first + conn.edges.length, locale),
                count: conn.totalCount,
              })}
            </p>
            <Button
              disabled={!conn.pageInfo.hasNextPage || q.loading}
              onClick={() => setPaging({ key: filterKey, pages: nextPages(pages, conn.pageInfo.endCursor) })}
            >
              {t('volunteers.next')}
            </Button>
          </nav>
        )}
      </section>
    </Page>
  );
}

function VolunteerItem({ volunteer: v, onChange }: { volunteer: VolunteerRowFragment; onChange: (message: string) => void }) {
  const { t } = useI18n();
  const [approve, approveState] = useMutation(ApproveVolunteerDocument);
  const [consentOpen, setConsentOpen] = useState(false);
  return (
    <li className="roster-row volunteer-row">
      <div className="roster-who">
        <p className="roster-name">{v.fullName}</p>
        <p className="roster-contact">
          {v.city && (
            <span>
              <span className="visually-hidden">{t('field.city')}: </span>
              {v.city}
            </span>
          )}
          {v.phone && (
            <a href={`tel:${v.phone.replace(/\s+/g, '')}`}>
              <span className="visually-hidden">{t('field.phone')}: </span>
              {v.phone}
            </a>
          )}
          {v.email && (
            <a href={`mailto:${v.email}`}>
              <span className="visually-hidden">{t('field.email')}: </span>
              {v.email}
            </a>
          )}
        </p>
      </div>
      <div className="roster-state badges">
        <Badge tone={statusTone[v.status]}>{t(`volunteerStatus.${v.status}`)}</Badge>
        {lacksConsent(v) && <Badge tone="danger">{t('volunteers.needsConsent')}</Badge>}
        {v.needsGuardianConsent && v.hasGuardianConsent && <Badge tone="info">{t('volunteers.hasConsent')}</Badge>}
      </div>
      <div className="roster-actions">
        {canApprove(v) && (
          <Button
            size="small"
            variant="primary"
            icon="check"
            busy={approveState.pending}
            aria-label={t('volunteers.approveName', { name: v.fullName })}
            onClick={async () => {
              const d = await approve({ volunteerId: v.id });
              if (d) onChange(t('volunteers.approved', { name: d.approveVolunteer.fullName }));
            }}
          >
            {t('volunteers.approve')}
          </Button>
        )}
        {lacksConsent(v) && (
          <Button size="small" icon="shield" aria-label={t('volunteers.recordConsentName', { name: v.fullName })} onClick={() => setConsentOpen(true)}>
            {t('volunteers.recordConsent')}
          </Button>
        )}
      </div>
      {approveState.error && (
        <div className="roster-error">
          <ErrorAlert error={approveState.error} />
        </div>
      )}
      {consentOpen && (
        <ConsentDialog
          volunteer={v}
          onClose={() => setConsentOpen(false)}
          onDone={(name) => {
            setConsentOpen(false);
            onChange(t('volunteers.consentRecorded', { name }));
          }}
        />
      )}
    </li>
  );
}

const consentFields = ['guardianName', 'relationship', 'contact', 'note'] as const;

/** A coordinator records the consent of a minor's parent or guardian that they saw. */
function ConsentDialog({ volunteer, onClose, onDone }: { volunteer: VolunteerRowFragment; onClose: () => void; onDone: (name: string) => void }) {
  const { t } = useI18n();
  const formId = useId();
  const [form, setForm] = useState<ConsentForm>(emptyConsentForm);
  const [tried, setTried] = useState(false);
  const [record, state] = useMutation(RecordGuardianConsentDocument);
  const { fieldError, formError } = useApiFormErrors(state.error, consentFields, { note: 'field.consentNote.hint' });
  const missing = tried ? missingConsentFields(form) : [];
  const error = (name: (typeof consentFields)[number]) => ((missing as string[]).includes(name) ? t('field.required.hint') : fieldError(name));

  async function submit(e: FormEvent) {
    e.preventDefault();
    setTried(true);
    if (missingConsentFields(form).length > 0) {
      document.getElementById(`consent-${missingConsentFields(form)[0]}`)?.focus();
      return;
    }
    const d = await record({ input: consentInput(volunteer.id, form) });
    if (d) onDone(d.recordGuardianConsent.fullName);
  }

  // The field the server found at fault gets the focus, so that its message is read.
  useEffect(() => {
    const at = consentFields.find((f) => fieldError(f));
    if (at) document.getElementById(`consent-${at}`)?.focus();
  }, [state.error]);

  return (
    <Dialog
      open
      title={t('volunteers.consentTitle', { name: volunteer.fullName })}
      onClose={onClose}
      footer={
        <>
          <Button onClick={onClose}>{t('action.cancel')}</Button>
          <Button type="submit" form={formId} variant="primary" busy={state.pending}>
            {t('volunteers.consentSave')}
          </Button>
        </>
      }
    >
      <form id={formId} className="form" onSubmit={submit} noValidate>
        <p>{t('volunteers.consentText', { name: volunteer.fullName })}</p>
        <FormError error={formError} />
        <Field id="consent-guardianName" label={t('volunteers.guardianName')} error={error('guardianName')}>
          {(p) => <input {...p} required autoComplete="off" value={form.guardianName} onChange={(e) => setForm({ ...form, guardianName: e.target.value })} />}
        </Field>
        <Field id="consent-relationship" label={t('volunteers.relationship')} hint={t('volunteers.relationshipHint')} error={error('relationship')}>
          {(p) => <input {...p} required autoComplete="off" value={form.relationship} onChange={(e) => setForm({ ...form, relationship: e.target.value })} />}
        </Field>
        <Field id="consent-contact" label={t('volunteers.contact')} optional error={error('contact')}>
          {(p) => <input {...p} autoComplete="off" value={form.contact} onChange={(e) => setForm({ ...form, contact: e.target.value })} />}
        </Field>
        <Field id="consent-note" label={t('volunteers.note')} optional error={error('note')}>
          {(p) => <textarea {...p} rows={2} value={form.note} onChange={(e) => setForm({ ...form, note: e.target.value })} />}
        </Field>
      </form>
    </Dialog>
  );
}
