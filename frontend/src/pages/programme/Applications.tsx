// The applications board of a cohort, for staff and the cohort's
// coordinators: filter by status, search, page; open an application to
// invite to an interview or decide.
import { useEffect, useState, type FormEvent } from 'react';
import { useSearchParams } from 'react-router';
import { useMutation, useQuery } from '../../api/hooks';
import {
  ApplicationBoardDocument,
  DecideApplicationDocument,
  ProgrammeCohortsDocument,
  ScheduleInterviewDocument,
  type ApplicationDecision,
  type ApplicationFieldsFragment,
  type ApplicationStatus,
} from '../../gql/graphql';
import { useI18n } from '../../i18n';
import { useProgrammeT } from './messages';
import { Alert, Badge, Button, Card, Dialog, Empty, ErrorAlert, Field, Loading, Page, type Tone } from '../../components/ui';
import { FormError, useApiFormErrors } from '../../components/forms';
import { formatDateTime, formatDay, weekdayNames } from '../../lib/format';
import { zonedToInstant } from '../../lib/time';
import { statuses } from './programme';
import { DateInput, TimeInput } from '../../components/DateInput';

const zone = 'Asia/Baku';
const pageSize = 20;
const tone: Record<ApplicationStatus, Tone> = {
  SUBMITTED: 'info',
  INTERVIEW: 'brand',
  ACCEPTED: 'success',
  WAITLISTED: 'warning',
  REJECTED: 'danger',
  WITHDRAWN: 'neutral',
};

export default function Applications() {
  const { locale } = useI18n();
  const pt = useProgrammeT();
  const [params, setParams] = useSearchParams();
  const cohorts = useQuery(ProgrammeCohortsDocument, {});
  const managed = (cohorts.data?.cohorts ?? []).filter((c) => c.acceptedCount !== null);
  const cohortId = params.get('cohort') ?? managed[0]?.id ?? '';
  const status = (params.get('status') ?? '') as ApplicationStatus | '';
  const search = params.get('q') ?? '';
  const [text, setText] = useState(search);
  const [after, setAfter] = useState<string[]>([]);
  const [open, setOpen] = useState<ApplicationFieldsFragment | undefined>();
  const board = useQuery(
    ApplicationBoardDocument,
    { cohortId, status: status ? [status] : null, search: search || null, first: pageSize, after: after[after.length - 1] ?? null },
    { skip: !cohortId },
  );

  useEffect(() => setAfter([]), [cohortId, status, search]);

  function update(k: string, v: string) {
    const next = new URLSearchParams(params);
    if (v) next.set(k, v);
    else next.delete(k);
    setParams(next, { replace: true });
  }

  const conn = board.data?.applicationConnection;
  return (
    <Page title={pt('programme.board.title')} wide>
      {cohorts.error && <ErrorAlert error={cohorts.error} onRetry={cohorts.refetch} />}
      {cohorts.data && managed.length === 0 && <Empty icon="users" title={pt('programme.board.noCohort')} />}
      {managed.length > 0 && (
        <form
          className="filters filters-grid"
          role="search"
          onSubmit={(e) => {
            e.preventDefault();
            update('q', text.trim());
          }}
        >
          <Field id="board-cohort" label={pt('programme.board.cohort')}>
            {(p) => (
              <select {...p} value={cohortId} onChange={(e) => update('cohort', e.target.value)}>
                {managed.map((c) => (
                  <option key={c.id} value={c.id}>
                    {c.name}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field id="board-status" label={pt('programme.board.status')}>
            {(p) => (
              <select {...p} value={status} onChange={(e) => update('status', e.target.value)}>
                <option value="">{pt('programme.board.all')}</option>
                {statuses.map((s) => (
                  <option key={s} value={s}>
                    {pt(`programme.status.${s}`)}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field id="board-search" label={pt('programme.board.search')}>
            {(p) => <input {...p} type="search" value={text} onChange={(e) => setText(e.target.value)} onBlur={() => update('q', text.trim())} />}
          </Field>
        </form>
      )}
      {board.error && <ErrorAlert error={board.error} onRetry={board.refetch} />}
      {board.loading && !conn && <Loading />}
      {conn && (
        <>
          <p className="muted" aria-live="polite">
            {pt('programme.board.count', { count: conn.totalCount })}
          </p>
          {conn.edges.length === 0 && <Empty icon="search" title={pt('programme.board.none')} />}
          <ul className="stack" aria-label={pt('programme.board.title')}>
            {conn.edges.map(({ node: a }) => (
              <Card as="li" key={a.id}>
                <button type="button" className="btn btn-ghost" onClick={() => setOpen(a)}>
                  {a.fullName}
                </button>{' '}
                <Badge tone={tone[a.status]}>{pt(`programme.status.${a.status}`)}</Badge>
                <p className="muted">
                  {pt('programme.board.age', { age: a.ageAtSubmission })} · {pt('programme.board.applied', { date: formatDay(a.createdAt, locale, zone, true) })}
                </p>
              </Card>
            ))}
          </ul>
          <div className="toolbar">
            {after.length > 0 && <Button onClick={() => setAfter([])}>{pt('programme.board.first')}</Button>}
            {conn.pageInfo.hasNextPage && (
              <Button busy={board.loading} onClick={() => setAfter((a) => [...a, conn.pageInfo.endCursor ?? ''])}>
                {pt('programme.board.more')}
              </Button>
            )}
          </div>
        </>
      )}
      {open && (
        <ApplicationDialog
          application={open}
          onClose={() => setOpen(undefined)}
          onChanged={(a) => {
            setOpen(a);
            void board.refetch();
            void cohorts.refetch();
          }}
        />
      )}
    </Page>
  );
}

function ApplicationDialog({
  application: a,
  onClose,
  onChanged,
}: {
  application: ApplicationFieldsFragment;
  onClose: () => void;
  onChanged: (a: ApplicationFieldsFragment) => void;
}) {
  const { locale } = useI18n();
  const pt = useProgrammeT();
  const days = weekdayNames(locale);
  const [schedule, scheduling] = useMutation(ScheduleInterviewDocument);
  const [decide, deciding] = useMutation(DecideApplicationDocument);
  const interviewErrors = useApiFormErrors(scheduling.error, ['at', 'place']);
  const decideErrors = useApiFormErrors(deciding.error, ['note', 'decision']);
  const [iv, setIv] = useState({ date: '', time: '10:00', place: a.interviewPlace ?? '' });
  const [dec, setDec] = useState<{ decision: ApplicationDecision; note: string; consent: boolean }>({ decision: 'ACCEPTED', note: '', consent: false });
  const [done, setDone] = useState(false);
  const minor = a.ageAtSubmission < 18;
  const canInterview = a.status === 'SUBMITTED' || a.status === 'INTERVIEW' || a.status === 'WAITLISTED';
  const canDecide = a.status === 'SUBMITTED' || a.status === 'INTERVIEW' || a.status === 'WAITLISTED';

  async function invite(e: FormEvent) {
    e.preventDefault();
    if (!iv.date) return;
    const d = await schedule({ applicationId: a.id, at: zonedToInstant(iv.date, iv.time, zone).toISOString(), place: iv.place });
    if (d) onChanged(d.scheduleInterview);
  }

  async function save(e: FormEvent) {
    e.preventDefault();
    const d = await decide({ applicationId: a.id, decision: dec.decision, note: dec.note || null, guardianConsentSeen: minor ? dec.consent : null });
    if (d) {
      setDone(true);
      onChanged(d.decideApplication);
    }
  }

  return (
    <Dialog open title={a.fullName} onClose={onClose} footer={<Button onClick={onClose}>{pt('programme.app.close')}</Button>}>
      <p>
        <Badge tone={tone[a.status]}>{pt(`programme.status.${a.status}`)}</Badge> {pt('programme.board.age', { age: a.ageAtSubmission })}
      </p>
      {done && <Alert tone="success" title={pt('programme.decide.done')} />}
      <dl>
        <dt>{pt('programme.app.contact')}</dt>
        <dd>
          {a.email}
          {a.phone ? `, ${a.phone}` : ''}
        </dd>
        {a.guardianName && (
          <>
            <dt>{pt('programme.app.guardian')}</dt>
            <dd>
              {a.guardianName}
              {a.guardianContact ? `, ${a.guardianContact}` : ''}
            </dd>
          </>
        )}
        <dt>{pt('programme.app.languages')}</dt>
        <dd>{a.languages.map((l) => `${l.language} (${l.level === 'NATIVE' ? pt('apply.level.NATIVE') : l.level})`).join(', ')}</dd>
        <dt>{pt('programme.app.centres')}</dt>
        <dd>{a.preferredCentres.map((c) => c.name).join(', ')}</dd>
        {a.preferredTimes.length > 0 && (
          <>
            <dt>{pt('programme.app.times')}</dt>
            <dd>{a.preferredTimes.map((w) => `${days[w.weekday - 1]} ${w.start}–${w.end}`).join(', ')}</dd>
          </>
        )}
        <dt>{pt('programme.app.emailLanguage')}</dt>
        <dd>{a.language.toUpperCase()}</dd>
        <dt>{pt('programme.app.motivation')}</dt>
        <dd>{a.motivation}</dd>
      </dl>
      {a.interviewAt && <p>{pt('programme.app.interview', { when: formatDateTime(a.interviewAt, locale, zone), place: a.interviewPlace ?? '' })}</p>}
      {a.decisionNote && <p>{pt('programme.app.note', { note: a.decisionNote })}</p>}
      {canInterview && (
        <form onSubmit={invite} noValidate className="form">
          <h3>{pt('programme.interview.title')}</h3>
          <FormError error={interviewErrors.formError} />
          <div className="form-row">
            <Field id="interview-date" label={pt('programme.interview.date')} error={interviewErrors.fieldError('at')}>
              {(p) => <DateInput {...p} value={iv.date} onChange={(v) => setIv((x) => ({ ...x, date: v }))} />}
            </Field>
            <Field id="interview-time" label={pt('programme.interview.time')}>
              {(p) => <TimeInput {...p} value={iv.time} onChange={(v) => setIv((x) => ({ ...x, time: v }))} />}
            </Field>
          </div>
          <Field id="interview-place" label={pt('programme.interview.place')} error={interviewErrors.fieldError('place')}>
            {(p) => <input {...p} value={iv.place} onChange={(e) => setIv((x) => ({ ...x, place: e.target.value }))} />}
          </Field>
          <Button type="submit" busy={scheduling.pending}>
            {pt('programme.interview.submit')}
          </Button>
        </form>
      )}
      {canDecide && (
        <form onSubmit={save} noValidate className="form">
          <h3>{pt('programme.decide.title')}</h3>
          <FormError error={decideErrors.formError} />
          <Field id="decide-decision" label={pt('programme.decide.decision')} error={decideErrors.fieldError('decision')}>
            {(p) => (
              <select {...p} value={dec.decision} onChange={(e) => setDec((x) => ({ ...x, decision: e.target.value as ApplicationDecision }))}>
                {(['ACCEPTED', 'WAITLISTED', 'REJECTED'] as const).map((d) => (
                  <option key={d} value={d}>
                    {pt(`programme.decide.${d}`)}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field id="decide-note" label={pt('programme.decide.note')} optional error={decideErrors.fieldError('note')}>
            {(p) => <textarea {...p} rows={2} value={dec.note} onChange={(e) => setDec((x) => ({ ...x, note: e.target.value }))} />}
          </Field>
          {minor && dec.decision === 'ACCEPTED' && (
            <div className="field field-check">
              <input id="decide-consent" type="checkbox" checked={dec.consent} onChange={(e) => setDec((x) => ({ ...x, consent: e.target.checked }))} />
              <label htmlFor="decide-consent">{pt('programme.decide.consent')}</label>
            </div>
          )}
          <Button type="submit" variant="primary" busy={deciding.pending}>
            {pt('programme.decide.submit')}
          </Button>
        </form>
      )}
    </Dialog>
  );
}
