import { useState } from 'react';
import { useParams } from 'react-router';
import { useMutation, useQuery } from '../../api/hooks';
import {
  AssignVolunteerDocument,
  AvailableVolunteersDocument,
  CancelShiftDocument,
  CoordinatorCheckInDocument,
  CoordinatorCheckOutDocument,
  MarkNoShowDocument,
  PublishShiftsDocument,
  RecordAttendanceDocument,
  ReleasePlaceDocument,
  SetVolunteerSkillsDocument,
  ShiftRosterDocument,
  type RosterEntryFragment,
  type ShiftCardFragment,
} from '../../gql/graphql';
import { useI18n } from '../../i18n';
import { Alert, Badge, Button, Card, Dialog, Empty, ErrorAlert, Field, Loading, NotAvailable, Page } from '../../components/ui';
import { MessageVolunteers } from './MessageVolunteers';
import { SeriesPanel } from './SeriesPanel';
import { PastWork } from './PastWork';
import { PartialMatches } from './PartialMatches';
import { AssignByName } from './AssignByName';
import { AssignmentBadge, Places, ShiftStatusBadge, ShiftWhen } from '../../components/shift';
import { Icon } from '../../components/icons';
import { formatHours, formatTime } from '../../lib/format';
import { isPlainTime, plainDateIn, plainTimeIn } from '../../lib/time';
import { shiftInstants } from '../../lib/series';
import { checkInOpen, ended, isActive, started } from '../../lib/shifts';
import { useApiFormErrors } from '../../components/forms';
import { isMissingFeature } from '../../api/errors';
import { TimeInput } from '../../components/DateInput';

const statusOrder = ['CHECKED_IN', 'CONFIRMED', 'COMPLETED', 'WAITLISTED', 'NO_SHOW', 'CANCELLED'];

export default function ManageShift() {
  const { id = '' } = useParams();
  const { t } = useI18n();
  const q = useQuery(ShiftRosterDocument, { id });
  const [publish, publishState] = useMutation(PublishShiftsDocument);
  const [cancelOpen, setCancelOpen] = useState(false);

  if (q.error && !q.data) {
    return (
      <Page title={t('manage.title')} back={{ to: '/coordinate', label: t('nav.calendar') }}>
        <ErrorAlert error={q.error} onRetry={q.refetch} />
      </Page>
    );
  }
  if (!q.data) return <Loading />;
  const shift = q.data.shift;
  if (!shift) {
    return (
      <Page title={t('manage.title')} back={{ to: '/coordinate', label: t('nav.calendar') }}>
        <Empty icon="search" title={t('error.NOT_FOUND')} />
      </Page>
    );
  }
  const roster = [...shift.assignments].sort(
    (a, b) => statusOrder.indexOf(a.status) - statusOrder.indexOf(b.status) || (a.waitlistPosition ?? 0) - (b.waitlistPosition ?? 0) || a.volunteer.fullName.localeCompare(b.volunteer.fullName),
  );
  const back = `/coordinate?centre=${encodeURIComponent(shift.centre.id)}&week=${plainDateIn(shift.startsAt, shift.centre.timezone)}`;

  return (
    <Page
      wide
      title={shift.position.name}
      lead={
        <>
          <ShiftWhen shift={shift} /> · {shift.centre.name}
        </>
      }
      back={{ to: back, label: t('nav.calendar') }}
      actions={
        <>
          {shift.status === 'DRAFT' && (
            <Button
              variant="primary"
              busy={publishState.pending}
              onClick={async () => {
                if (await publish({ ids: [shift.id] })) void q.refetch();
              }}
            >
              {t('manage.publish')}
            </Button>
          )}
          {shift.status !== 'CANCELLED' && !ended(shift) && (
            <Button variant="ghost" className="btn-danger-text" onClick={() => setCancelOpen(true)}>
              {t('manage.cancelShift')}
            </Button>
          )}
        </>
      }
    >
      {publishState.error && <ErrorAlert error={publishState.error} />}
      {shift.status === 'CANCELLED' && <Alert tone="error" title={t('shift.cancelled')}>{shift.cancelReason}</Alert>}
      <div className="manage-summary card">
        <ShiftStatusBadge status={shift.status} />
        <Places shift={shift} />
      </div>
      <div className="manage-grid">
        <Card aria-labelledby="roster-heading">
          <div className="card-head">
            <h2 id="roster-heading" className="card-title">
              {t('manage.roster')}
            </h2>
            <p className="muted">{t('manage.rosterCount', { count: roster.filter((a) => a.status !== 'CANCELLED').length })}</p>
          </div>
          {roster.length === 0 ? (
            <Empty icon="users" title={t('manage.noOne')} />
          ) : (
            <ul className="roster">
              {roster.map((a) => (
                <RosterRow key={a.id} shift={shift} entry={a} onChange={() => void q.refetch()} />
              ))}
            </ul>
          )}
        </Card>
        {shift.status !== 'CANCELLED' && !ended(shift) && <AssignByName shift={shift} onAssigned={() => void q.refetch()} />}
        {shift.status !== 'CANCELLED' && !ended(shift) && <FindVolunteers shift={shift} onAssigned={() => void q.refetch()} />}
        {shift.status !== 'CANCELLED' && ended(shift) && <PastWork shift={shift} onRecorded={() => void q.refetch()} />}
        {shift.status !== 'CANCELLED' && !ended(shift) && <MessageVolunteers target={{ shiftId: shift.id }} lead={t('message.shiftLead')} />}
        <SeriesPanel shiftId={shift.id} onChanged={() => void q.refetch()} />
      </div>
      <CancelDialog open={cancelOpen} shiftId={shift.id} onClose={() => setCancelOpen(false)} onDone={() => void q.refetch()} />
    </Page>
  );
}

function RosterRow({ shift, entry: a, onChange }: { shift: ShiftCardFragment; entry: RosterEntryFragment; onChange: () => void }) {
  const { t, locale } = useI18n();
  const tz = shift.centre.timezone;
  const [checkIn, checkInState] = useMutation(CoordinatorCheckInDocument);
  const [checkOut, checkOutState] = useMutation(CoordinatorCheckOutDocument);
  const [release, releaseState] = useMutation(ReleasePlaceDocument);
  const [dialog, setDialog] = useState<'attendance' | 'noShow' | 'release' | 'skills' | null>(null);
  const now = new Date();
  const error = checkInState.error ?? checkOutState.error ?? releaseState.error;
  const v = a.volunteer;

  return (
    <li className="roster-row">
      <div className="roster-who">
        <p className="roster-name">{v.fullName}</p>
        <p className="roster-contact">
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
          {!v.phone && !v.email && <span className="muted">{t('manage.noContact')}</span>}
        </p>
        <p className="roster-skills small">
          <span className="muted">{v.skills.length ? v.skills.join(', ') : t('manage.noSkills')}</span>{' '}
          <button type="button" className="link-btn" onClick={() => setDialog('skills')}>
            {t('manage.editSkills')}
            <span className="visually-hidden">: {v.fullName}</span>
          </button>
        </p>
      </div>
      <div className="roster-state">
        <AssignmentBadge status={a.status} waitlistPosition={a.waitlistPosition} cancelledBy={a.cancelledBy} />
        {a.status === 'CONFIRMED' && !ended(shift, now) && (
          <Badge tone={a.attendanceConfirmed ? 'success' : 'warning'}>{t(a.attendanceConfirmed ? 'manage.confirmed' : 'manage.notConfirmed')}</Badge>
        )}
        {a.status === 'CONFIRMED' && a.placeOffer?.status === 'OPEN' && <Badge tone="info">{t('manage.onOffer')}</Badge>}
        {(a.checkedInAt || a.checkedOutAt) && (
          <p className="muted small">
            {a.checkedInAt ? formatTime(a.checkedInAt, locale, tz) : '—'}–{a.checkedOutAt ? formatTime(a.checkedOutAt, locale, tz) : '…'}
            {a.creditedMinutes > 0 && ` · ${formatHours(a.creditedMinutes, locale)}`}
          </p>
        )}
      </div>
      <div className="roster-actions">
        {a.status === 'CONFIRMED' && checkInOpen(shift, now) && (
          <Button size="small" variant="primary" busy={checkInState.pending} onClick={async () => (await checkIn({ assignmentId: a.id })) && onChange()}>
            {t('place.checkIn')}
          </Button>
        )}
        {a.status === 'CHECKED_IN' && (
          <Button size="small" variant="primary" busy={checkOutState.pending} onClick={async () => (await checkOut({ assignmentId: a.id })) && onChange()}>
            {t('place.checkOut')}
          </Button>
        )}
        {(a.status === 'CONFIRMED' || a.status === 'CHECKED_IN' || a.status === 'NO_SHOW' || a.status === 'COMPLETED') && started(shift, now) && (
          <Button size="small" onClick={() => setDialog('attendance')}>
            {t('manage.recordAttendance')}
          </Button>
        )}
        {a.status === 'CONFIRMED' && started(shift, now) && (
          <Button size="small" variant="ghost" className="btn-danger-text" onClick={() => setDialog('noShow')}>
            {t('manage.noShow')}
          </Button>
        )}
        {isActive(a.status) && !ended(shift, now) && a.status !== 'CHECKED_IN' && (
          <Button size="small" variant="ghost" onClick={() => setDialog('release')}>
            {t('manage.release')}
          </Button>
        )}
      </div>
      {error && (
        <div className="roster-error">
          <ErrorAlert error={error} context="checkIn" />
        </div>
      )}
      {dialog === 'attendance' && <AttendanceDialog shift={shift} entry={a} onClose={() => setDialog(null)} onDone={onChange} />}
      {dialog === 'noShow' && <NoShowDialog entry={a} onClose={() => setDialog(null)} onDone={onChange} />}
      {dialog === 'skills' && <SkillsDialog entry={a} required={shift.position.requiredSkills} onClose={() => setDialog(null)} onDone={onChange} />}
      <Dialog
        open={dialog === 'release'}
        title={t('manage.release')}
        onClose={() => setDialog(null)}
        footer={
          <>
            <Button onClick={() => setDialog(null)}>{t('action.keep')}</Button>
            <Button
              variant="danger"
              busy={releaseState.pending}
              onClick={async () => {
                const d = await release({ assignmentId: a.id });
                setDialog(null);
                if (d) onChange();
              }}
            >
              {t('manage.releaseConfirm')}
            </Button>
          </>
        }
      >
        <p>{t('manage.releaseText', { name: v.fullName })}</p>
      </Dialog>
    </li>
  );
}

function AttendanceDialog({ shift, entry, onClose, onDone }: { shift: ShiftCardFragment; entry: RosterEntryFragment; onClose: () => void; onDone: () => void }) {
  const { t } = useI18n();
  const tz = shift.centre.timezone;
  const date = plainDateIn(shift.startsAt, tz);
  const [from, setFrom] = useState(plainTimeIn(entry.checkedInAt ?? shift.startsAt, tz));
  const [to, setTo] = useState(plainTimeIn(entry.checkedOutAt ?? shift.endsAt, tz));
  const [record, state] = useMutation(RecordAttendanceDocument);
  const { fieldError, formError } = useApiFormErrors(state.error, ['checkedInAt', 'checkedOutAt']);
  const valid = isPlainTime(from) && isPlainTime(to);
  return (
    <Dialog
      open
      title={t('manage.recordAttendance')}
      onClose={onClose}
      footer={
        <>
          <Button onClick={onClose}>{t('action.cancel')}</Button>
          <Button
            variant="primary"
            busy={state.pending}
            disabled={!valid}
            onClick={async () => {
              const { startsAt, endsAt } = shiftInstants(date, from, to, tz);
              const d = await record({ assignmentId: entry.id, checkedInAt: startsAt.toISOString(), checkedOutAt: endsAt.toISOString() });
              if (d) {
                onClose();
                onDone();
              }
            }}
          >
            {t('action.save')}
          </Button>
        </>
      }
    >
      <p>{t('manage.attendanceText', { name: entry.volunteer.fullName })}</p>
      {formError && <ErrorAlert error={formError} />}
      <div className="form-row">
        <Field label={t('manage.arrived')} error={fieldError('checkedInAt')}>
          {(p) => <TimeInput {...p} value={from} onChange={setFrom} />}
        </Field>
        <Field label={t('manage.left')} error={fieldError('checkedOutAt')}>
          {(p) => <TimeInput {...p} value={to} onChange={setTo} />}
        </Field>
      </div>
      <p className="muted small">{t('create.zoneNote', { zone: tz })}</p>
    </Dialog>
  );
}

/** A coordinator records the skills they verified (replacing the list). */
function SkillsDialog({ entry, required, onClose, onDone }: { entry: RosterEntryFragment; required: string[]; onClose: () => void; onDone: () => void }) {
  const { t } = useI18n();
  const [text, setText] = useState(entry.volunteer.skills.join(', '));
  const [save, state] = useMutation(SetVolunteerSkillsDocument);
  const { fieldError, formError } = useApiFormErrors(state.error, ['skills']);
  const skills = text.split(',').map((x) => x.trim()).filter(Boolean);
  return (
    <Dialog
      open
      title={t('manage.skillsTitle', { name: entry.volunteer.fullName })}
      onClose={onClose}
      footer={
        <>
          <Button onClick={onClose}>{t('action.cancel')}</Button>
          <Button
            variant="primary"
            busy={state.pending}
            onClick={async () => {
              if (await save({ volunteerId: entry.volunteer.id, skills: [...new Set(skills)] })) {
                onClose();
                onDone();
              }
            }}
          >
            {t('action.save')}
          </Button>
        </>
      }
    >
      <p>{t('manage.skillsText')}</p>
      {formError && <ErrorAlert error={formError} />}
      <Field label={t('profile.skills')} hint={required.length ? t('manage.skillsHint', { skills: required.join(', ') }) : t('admin.skillsHint')} error={fieldError('skills')}>
        {(p) => <input {...p} value={text} onChange={(e) => setText(e.target.value)} autoComplete="off" />}
      </Field>
    </Dialog>
  );
}

function NoShowDialog({ entry, onClose, onDone }: { entry: RosterEntryFragment; onClose: () => void; onDone: () => void }) {
  const { t } = useI18n();
  const [note, setNote] = useState('');
  const [mark, state] = useMutation(MarkNoShowDocument);
  const { fieldError, formError } = useApiFormErrors(state.error, ['note']);
  const [tried, setTried] = useState(false);
  const missing = tried && !note.trim();
  return (
    <Dialog
      open
      title={t('manage.noShow')}
      onClose={onClose}
      footer={
        <>
          <Button onClick={onClose}>{t('action.cancel')}</Button>
          <Button
            variant="danger"
            busy={state.pending}
            onClick={async () => {
              setTried(true);
              if (!note.trim()) return;
              const d = await mark({ assignmentId: entry.id, note: note.trim() });
              if (d) {
                onClose();
                onDone();
              }
            }}
          >
            {t('manage.noShowConfirm')}
          </Button>
        </>
      }
    >
      <p>{t('manage.noShowText', { name: entry.volunteer.fullName })}</p>
      {formError && <ErrorAlert error={formError} />}
      <Field label={t('manage.note')} error={missing ? t('field.required.hint') : fieldError('note')}>
        {(p) => <textarea {...p} rows={3} value={note} onChange={(e) => setNote(e.target.value)} />}
      </Field>
    </Dialog>
  );
}

function CancelDialog({ open, shiftId, onClose, onDone }: { open: boolean; shiftId: string; onClose: () => void; onDone: () => void }) {
  const { t } = useI18n();
  const [reason, setReason] = useState('');
  const [tried, setTried] = useState(false);
  const [cancel, state] = useMutation(CancelShiftDocument);
  const { fieldError, formError } = useApiFormErrors(state.error, ['reason']);
  return (
    <Dialog
      open={open}
      title={t('manage.cancelShift')}
      onClose={onClose}
      footer={
        <>
          <Button onClick={onClose}>{t('action.keep')}</Button>
          <Button
            variant="danger"
            busy={state.pending}
            onClick={async () => {
              setTried(true);
              if (!reason.trim()) return;
              const d = await cancel({ id: shiftId, reason: reason.trim() });
              if (d) {
                onClose();
                onDone();
              }
            }}
          >
            {t('manage.cancelConfirm')}
          </Button>
        </>
      }
    >
      <p>{t('manage.cancelText')}</p>
      {formError && <ErrorAlert error={formError} />}
      <Field label={t('manage.reason')} error={tried && !reason.trim() ? t('field.required.hint') : fieldError('reason')}>
        {(p) => <textarea {...p} rows={3} value={reason} onChange={(e) => setReason(e.target.value)} />}
      </Field>
    </Dialog>
  );
}

function FindVolunteers({ shift, onAssigned }: { shift: ShiftCardFragment; onAssigned: () => void }) {
  const { t } = useI18n();
  return (
    <Card aria-labelledby="find-heading" className="find-card">
      <div className="card-head">
        <h2 id="find-heading" className="card-title">
          <Icon name="search" size={20} /> {t('manage.find')}
        </h2>
        <p className="muted">{t('manage.findLead')}</p>
      </div>
      <Matches shift={shift} onAssigned={onAssigned} />
      <PartialMatches shift={shift} onAssigned={onAssigned} />
    </Card>
  );
}

function Matches({ shift, onAssigned }: { shift: ShiftCardFragment; onAssigned: () => void }) {
  const { t, locale } = useI18n();
  const q = useQuery(AvailableVolunteersDocument, { shiftId: shift.id });
  const [assign, state] = useMutation(AssignVolunteerDocument);
  const [busy, setBusy] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  if (isMissingFeature(q.error)) return <NotAvailable what="manage.find" />;
  if (q.error) return <ErrorAlert error={q.error} onRetry={q.refetch} />;
  if (!q.data) return <Loading />;
  const list = q.data.availableVolunteers;
  return (
    <>
      {done && <Alert tone="success" title={t('manage.assigned', { name: done })} />}
      {state.error && <ErrorAlert error={state.error} />}
      {list.length === 0 && <Empty icon="users" title={t('manage.noMatches')} />}
      <ul className="matches">
        {list.map((m) => (
          <li key={m.volunteer.id} className="match">
            <div>
              <p className="roster-name">{m.volunteer.fullName}</p>
              <p className="muted small">
                {t('manage.thisMonth', { hours: formatHours(m.minutesThisMonth, locale) })}
                {m.volunteer.skills.length > 0 && ` · ${m.volunteer.skills.join(', ')}`}
              </p>
            </div>
            <Button
              size="small"
              variant="primary"
              busy={busy === m.volunteer.id}
              disabled={busy !== null}
              aria-label={t('manage.assignName', { name: m.volunteer.fullName })}
              onClick={async () => {
                setBusy(m.volunteer.id);
                setDone(null);
                const d = await assign({ shiftId: shift.id, volunteerId: m.volunteer.id });
                setBusy(null);
                if (d) {
                  setDone(m.volunteer.fullName);
                  onAssigned();
                  void q.refetch();
                }
              }}
            >
              {t('manage.assign')}
            </Button>
          </li>
        ))}
      </ul>
    </>
  );
}

