// The youth programme for a volunteer: their mentor, the mentees they guide
// (shifts and hours), corrections of past shifts, recommendation letters.
import { useMemo, useState, type FormEvent } from 'react';
import { useMutation, useQuery } from '../../api/hooks';
import {
  MyProgrammeDocument,
  RequestHourCorrectionDocument,
  type MyProgrammeQuery,
  type LetterFieldsFragment,
} from '../../gql/graphql';
import { useI18n } from '../../i18n';
import { useProgrammeText } from '../../i18n/programme';
import { Alert, Badge, Button, Card, Empty, ErrorAlert, Field, Loading, Page, Stat } from '../../components/ui';
import { FormError, useApiFormErrors } from '../../components/forms';
import { formatDateTime, formatHours } from '../../lib/format';
import { plainDateIn, plainTimeIn, zonedToInstant } from '../../lib/time';
import { downloadFile } from '../../lib/download';
import { ApiError, toApiError } from '../../api/errors';
import { DateTimeInput } from '../../components/DateInput';

type Me = NonNullable<NonNullable<MyProgrammeQuery['me']>['volunteer']>;
type Place = Me['assignments'][number];

const DAY = 86_400_000;

export default function Programme() {
  const { t, locale } = useI18n();
  const pt = useProgrammeText();
  // Shifts of the last 60 days (a correction may be asked for that long) and ahead.
  const vars = useMemo(() => ({ from: new Date(Date.now() - 60 * DAY).toISOString(), to: null }), []);
  const q = useQuery(MyProgrammeDocument, vars);
  const v = q.data?.me?.volunteer;
  const now = Date.now();
  const past = v?.assignments.filter((a) => Date.parse(a.shift.endsAt) <= now && a.status !== 'CANCELLED' && a.status !== 'WAITLISTED').reverse() ?? [];

  return (
    <Page title={pt('programme.title')} lead={pt('programme.lead')}>
      {q.error && <ErrorAlert error={q.error} onRetry={q.refetch} />}
      {!q.data && !q.error && <Loading />}
      {q.data && !v && <Empty icon="user" title={t('my.noProfile')} />}
      {v && (
        <>
          <div className="stats">
            <Stat label={t('my.hours')} value={<span data-testid="programme-hours">{formatHours(v.totalMinutes, locale)}</span>} />
            <Stat label={pt('programme.mentor')} value={v.mentor?.fullName ?? pt('programme.noMentor')} />
          </div>
          {v.mentees.length > 0 && <Mentees mentees={v.mentees} />}
          <Card aria-labelledby="past-heading">
            <h2 id="past-heading" className="card-title">
              {pt('programme.past')}
            </h2>
            <p className="muted">{pt('programme.pastLead')}</p>
            {past.length === 0 ? (
              <p className="muted">{pt('programme.noPast')}</p>
            ) : (
              <ul className="plain-list">
                {past.map((a) => (
                  <PastShift key={a.id} place={a} onChange={() => void q.refetch()} />
                ))}
              </ul>
            )}
          </Card>
          <Letters letters={v.letters} />
        </>
      )}
    </Page>
  );
}

function Mentees({ mentees }: { mentees: Me['mentees'] }) {
  const { t, locale } = useI18n();
  const pt = useProgrammeText();
  return (
    <Card aria-labelledby="mentees-heading">
      <h2 id="mentees-heading" className="card-title">
        {pt('programme.mentees')}
      </h2>
      <ul className="plain-list">
        {mentees.map((m) => (
          <li key={m.id} className="mentee" data-testid="mentee">
            <p className="strong">
              {m.fullName} · <span data-testid="mentee-hours">{formatHours(m.totalMinutes, locale)}</span>
            </p>
            {m.assignments.length === 0 ? (
              <p className="muted small">{pt('programme.menteeNoShifts')}</p>
            ) : (
              <ul className="plain-list small">
                {m.assignments.map((a) => (
                  <li key={a.id} data-testid="mentee-shift">
                    {formatDateTime(a.shift.startsAt, locale, a.shift.centre.timezone)} · {a.shift.centre.name} · {a.shift.position.name} ·{' '}
                    <Badge>{t(`assignment.${a.status}`)}</Badge>
                  </li>
                ))}
              </ul>
            )}
          </li>
        ))}
      </ul>
    </Card>
  );
}

function PastShift({ place, onChange }: { place: Place; onChange: () => void }) {
  const { t, locale } = useI18n();
  const pt = useProgrammeText();
  const zone = place.shift.centre.timezone;
  const c = place.correction;
  const [open, setOpen] = useState(false);
  const local = (iso: string) => `${plainDateIn(iso, zone)}T${plainTimeIn(iso, zone)}`;
  const [form, setForm] = useState({
    in: local(place.checkedInAt ?? place.shift.startsAt),
    out: local(place.checkedOutAt ?? place.shift.endsAt),
    reason: '',
  });
  const [request, state] = useMutation(RequestHourCorrectionDocument);
  const { fieldError, formError } = useApiFormErrors(state.error, ['checkedInAt', 'checkedOutAt', 'reason']);
  const instant = (s: string) => {
    const [d, tm] = s.split('T');
    return zonedToInstant(d ?? '', (tm ?? '00:00').slice(0, 5), zone).toISOString();
  };

  async function submit(e: FormEvent) {
    e.preventDefault();
    const d = await request({ assignmentId: place.id, checkedInAt: instant(form.in), checkedOutAt: instant(form.out), reason: form.reason });
    if (d) {
      setOpen(false);
      onChange();
    }
  }

  return (
    <li className="past-shift" data-testid="past-shift">
      <p className="strong">
        {formatDateTime(place.shift.startsAt, locale, zone)} · {place.shift.centre.name} · {place.shift.position.name}
      </p>
      <p className="muted small">
        <Badge tone={place.status === 'NO_SHOW' ? 'danger' : 'neutral'}>{t(`assignment.${place.status}`)}</Badge> ·{' '}
        {formatHours(place.creditedMinutes, locale)}
        {c && (
          <>
            {' '}
            · <Badge tone={c.status === 'APPROVED' ? 'success' : c.status === 'REJECTED' ? 'danger' : 'warning'}>{pt(`programme.correction.${c.status}`)}</Badge>
            {c.decisionNote && <> · {c.decisionNote}</>}
          </>
        )}
      </p>
      {c?.status !== 'PENDING' && !open && (
        <Button size="small" onClick={() => setOpen(true)}>
          {pt('programme.requestCorrection')}
        </Button>
      )}
      {open && (
        <form className="form" onSubmit={submit} noValidate>
          <FormError error={formError} />
          <div className="form-row">
            <Field label={pt('programme.arrived')} error={fieldError('checkedInAt')}>
              {(p) => <DateTimeInput {...p} value={form.in} onChange={(v) => setForm({ ...form, in: v })} />}
            </Field>
            <Field label={pt('programme.left')} error={fieldError('checkedOutAt')}>
              {(p) => <DateTimeInput {...p} value={form.out} onChange={(v) => setForm({ ...form, out: v })} />}
            </Field>
          </div>
          <Field label={pt('programme.reason')} error={fieldError('reason')}>
            {(p) => <textarea {...p} rows={3} maxLength={1000} value={form.reason} onChange={(e) => setForm({ ...form, reason: e.target.value })} />}
          </Field>
          <div className="button-row">
            <Button type="submit" variant="primary" busy={state.pending}>
              {pt('programme.sendCorrection')}
            </Button>
            <Button onClick={() => setOpen(false)}>{t('action.cancel')}</Button>
          </div>
        </form>
      )}
    </li>
  );
}

export function LetterList({ letters }: { letters: LetterFieldsFragment[] }) {
  const { t, locale } = useI18n();
  const pt = useProgrammeText();
  const [downloading, setDownloading] = useState<string | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  return (
    <>
      {error && <ErrorAlert error={error} />}
      <ul className="plain-list certificate-list">
        {letters.map((l) => (
          <li key={l.code} className="certificate" data-testid="letter">
            <div>
              <p className="strong">
                {l.authorName || pt('programme.letter')} · {l.language}
              </p>
              <p className="muted small">
                {formatHours(l.minutes, locale)} · {t('hours.code')} <code>{l.code}</code> · {formatDateTime(l.issuedAt, locale, 'Asia/Baku')}
              </p>
            </div>
            <div className="button-row">
              <Button
                size="small"
                icon="download"
                busy={downloading === l.code}
                onClick={async () => {
                  setDownloading(l.code);
                  setError(null);
                  try {
                    await downloadFile(l.downloadUrl, `letter-${l.code}.pdf`);
                  } catch (e) {
                    setError(toApiError(e));
                  } finally {
                    setDownloading(null);
                  }
                }}
              >
                PDF<span className="visually-hidden"> {l.code}</span>
              </Button>
              <a className="btn btn-ghost btn-small" href={l.verifyUrl} target="_blank" rel="noreferrer">
                {t('hours.verify')}
                <span className="visually-hidden"> {l.code}</span>
              </a>
            </div>
          </li>
        ))}
      </ul>
    </>
  );
}

function Letters({ letters }: { letters: LetterFieldsFragment[] }) {
  const pt = useProgrammeText();
  return (
    <Card aria-labelledby="letters-heading">
      <h2 id="letters-heading" className="card-title">
        {pt('programme.letters')}
      </h2>
      {letters.length === 0 ? <Alert tone="info" title={pt('programme.noLetters')} /> : <LetterList letters={letters} />}
    </Card>
  );
}
