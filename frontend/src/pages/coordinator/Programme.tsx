// The youth programme for coordinators (and staff, admins): the queue of
// hour corrections, choosing mentors, writing recommendation letters.
import { useState, type FormEvent } from 'react';
import { useMutation, useQuery } from '../../api/hooks';
import {
  AssignMentorDocument,
  DecideHourCorrectionDocument,
  HourCorrectionsDocument,
  IssueRecommendationDocument,
  ProgrammeVolunteersDocument,
  type HourCorrectionsQuery,
  type LetterFieldsFragment,
} from '../../gql/graphql';
import { languages, nativeName, useI18n } from '../../i18n';
import { useProgrammeText } from '../../i18n/programme';
import { Alert, Button, Card, ErrorAlert, Field, Loading, Page } from '../../components/ui';
import { FormError, useApiFormErrors } from '../../components/forms';
import { formatDateTime, formatHours, formatTimeRange } from '../../lib/format';
import { useSession } from '../../auth/session';
import { LetterList } from '../volunteer/Programme';

export default function CoordinatorProgramme() {
  const pt = useProgrammeText();
  const { hasRole } = useSession();
  const decides = hasRole('COORDINATOR', 'ADMIN');
  return (
    <Page title={pt('programme.coordTitle')} lead={pt('programme.coordLead')}>
      <Corrections decides={decides} />
      <div className="detail-grid">
        <AssignMentor />
        {decides && <WriteLetter />}
      </div>
    </Page>
  );
}

type Correction = HourCorrectionsQuery['hourCorrections'][number];

function Corrections({ decides }: { decides: boolean }) {
  const pt = useProgrammeText();
  const q = useQuery(HourCorrectionsDocument, { status: 'PENDING' });
  return (
    <Card aria-labelledby="corrections-heading">
      <h2 id="corrections-heading" className="card-title">
        {pt('programme.queue')}
      </h2>
      {q.error && <ErrorAlert error={q.error} onRetry={q.refetch} />}
      {!q.data && !q.error && <Loading />}
      {q.data?.hourCorrections.length === 0 && <p className="muted">{pt('programme.queueEmpty')}</p>}
      <ul className="plain-list">
        {q.data?.hourCorrections.map((c) => (
          <CorrectionItem key={c.id} c={c} decides={decides} onDecided={() => void q.refetch()} />
        ))}
      </ul>
    </Card>
  );
}

function CorrectionItem({ c, decides, onDecided }: { c: Correction; decides: boolean; onDecided: () => void }) {
  const { t, locale } = useI18n();
  const pt = useProgrammeText();
  const [note, setNote] = useState('');
  const [decide, state] = useMutation(DecideHourCorrectionDocument);
  const { fieldError, formError } = useApiFormErrors(state.error, ['note']);
  const s = c.assignment.shift;
  const zone = s.centre.timezone;
  async function run(approve: boolean) {
    const d = await decide({ id: c.id, approve, note: note || null });
    if (d) onDecided();
  }
  return (
    <li className="correction" data-testid="correction">
      <p className="strong">
        {c.assignment.volunteer.fullName} · {s.centre.name} · {s.position.name}
      </p>
      <p className="muted small">
        {pt('programme.shift')}: {formatDateTime(s.startsAt, locale, zone)} · {t(`assignment.${c.assignment.status}`)} ·{' '}
        {formatHours(c.assignment.creditedMinutes, locale)}
      </p>
      <p className="small">
        {pt('programme.asked')}: {formatTimeRange(c.checkedInAt, c.checkedOutAt, locale, zone)} → {formatHours(c.creditedMinutes, locale)}
      </p>
      <blockquote className="small">{c.reason}</blockquote>
      {decides && (
        <div className="form">
          <FormError error={formError} />
          <Field label={pt('programme.note')} error={fieldError('note')} optional>
            {(p) => <input {...p} value={note} maxLength={500} onChange={(e) => setNote(e.target.value)} />}
          </Field>
          <div className="button-row">
            <Button variant="success" busy={state.pending} onClick={() => void run(true)}>
              {pt('programme.approve')}
            </Button>
            <Button variant="danger" busy={state.pending} onClick={() => void run(false)}>
              {pt('programme.reject')}
            </Button>
          </div>
        </div>
      )}
    </li>
  );
}

/** A search box over volunteers; choose one. */
function VolunteerPicker({ label, onPick, mentorsOnly }: { label: string; onPick: (id: string, name: string) => void; mentorsOnly?: boolean }) {
  const { locale } = useI18n();
  const pt = useProgrammeText();
  const [search, setSearch] = useState('');
  const q = useQuery(ProgrammeVolunteersDocument, { search }, { skip: search.trim().length < 2 });
  const list = q.data?.volunteers.edges.map((e) => e.node).filter((v) => !mentorsOnly || v.canMentor) ?? [];
  return (
    <div>
      <Field label={label}>{(p) => <input {...p} type="search" value={search} onChange={(e) => setSearch(e.target.value)} />}</Field>
      {q.error && <ErrorAlert error={q.error} />}
      {search.trim().length >= 2 && q.data && list.length === 0 && <p className="muted small">{pt('programme.noMatch')}</p>}
      <ul className="plain-list">
        {list.map((v) => (
          <li key={v.id}>
            <Button size="small" onClick={() => onPick(v.id, v.fullName)}>
              {v.fullName} · {formatHours(v.totalMinutes, locale)}
            </Button>
          </li>
        ))}
      </ul>
    </div>
  );
}

function AssignMentor() {
  const pt = useProgrammeText();
  const [mentee, setMentee] = useState<{ id: string; name: string } | null>(null);
  const [mentor, setMentor] = useState<{ id: string; name: string } | null>(null);
  const [assign, state] = useMutation(AssignMentorDocument);
  const [done, setDone] = useState<string | null>(null);
  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!mentee || !mentor) return;
    const d = await assign({ volunteerId: mentee.id, mentorId: mentor.id });
    if (d) setDone(`${d.assignMentor.fullName} → ${d.assignMentor.mentor?.fullName ?? ''}`);
  }
  return (
    <Card aria-labelledby="mentor-heading">
      <h2 id="mentor-heading" className="card-title">
        {pt('programme.assignMentor')}
      </h2>
      <p className="muted">{pt('programme.assignLead')}</p>
      <form className="form" onSubmit={submit} noValidate>
        {done && <Alert tone="success" title={pt('programme.assigned')}>{done}</Alert>}
        <FormError error={state.error} />
        {mentee ? (
          <p>
            {pt('programme.menteeChosen')}: <strong>{mentee.name}</strong>{' '}
            <Button size="small" variant="ghost" onClick={() => setMentee(null)}>
              {pt('programme.change')}
            </Button>
          </p>
        ) : (
          <VolunteerPicker label={pt('programme.findMentee')} onPick={(id, name) => setMentee({ id, name })} />
        )}
        {mentor ? (
          <p>
            {pt('programme.mentorChosen')}: <strong>{mentor.name}</strong>{' '}
            <Button size="small" variant="ghost" onClick={() => setMentor(null)}>
              {pt('programme.change')}
            </Button>
          </p>
        ) : (
          <VolunteerPicker label={pt('programme.findMentor')} mentorsOnly onPick={(id, name) => setMentor({ id, name })} />
        )}
        <div>
          <Button type="submit" variant="primary" busy={state.pending} disabled={!mentee || !mentor}>
            {pt('programme.assign')}
          </Button>
        </div>
      </form>
    </Card>
  );
}

function WriteLetter() {
  const { t, lang } = useI18n();
  const pt = useProgrammeText();
  const [volunteer, setVolunteer] = useState<{ id: string; name: string } | null>(null);
  const [form, setForm] = useState({ text: '', language: lang as string });
  const [issue, state] = useMutation(IssueRecommendationDocument);
  const { fieldError, formError } = useApiFormErrors(state.error, ['text', 'language']);
  const [issued, setIssued] = useState<LetterFieldsFragment[]>([]);
  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!volunteer) return;
    const d = await issue({ volunteerId: volunteer.id, text: form.text, language: form.language });
    if (d) {
      setIssued([d.issueRecommendation, ...issued]);
      setForm({ ...form, text: '' });
    }
  }
  return (
    <Card aria-labelledby="letter-heading">
      <h2 id="letter-heading" className="card-title">
        {pt('programme.writeLetter')}
      </h2>
      <form className="form" onSubmit={submit} noValidate>
        <FormError error={formError} />
        {volunteer ? (
          <p>
            {pt('programme.letterFor')}: <strong>{volunteer.name}</strong>{' '}
            <Button size="small" variant="ghost" onClick={() => setVolunteer(null)}>
              {pt('programme.change')}
            </Button>
          </p>
        ) : (
          <VolunteerPicker label={pt('programme.findVolunteer')} onPick={(id, name) => setVolunteer({ id, name })} />
        )}
        <Field label={t('hours.language')} error={fieldError('language')}>
          {(p) => (
            <select {...p} value={form.language} onChange={(e) => setForm({ ...form, language: e.target.value })}>
              {languages.map((l) => (
                <option key={l} value={l}>
                  {nativeName[l]}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label={pt('programme.letterText')} hint={pt('programme.letterHint')} error={fieldError('text')}>
          {(p) => <textarea {...p} rows={8} maxLength={3000} value={form.text} onChange={(e) => setForm({ ...form, text: e.target.value })} />}
        </Field>
        <div>
          <Button type="submit" variant="primary" busy={state.pending} disabled={!volunteer}>
            {pt('programme.issueLetter')}
          </Button>
        </div>
      </form>
      {issued.length > 0 && (
        <>
          <Alert tone="success" title={pt('programme.letterIssued')} />
          <LetterList letters={issued} />
        </>
      )}
    </Card>
  );
}
