// Training and qualifications for coordinators, staff and admins: the
// qualifications, courses with their TRAINING sessions and who attended,
// marking a volunteer passed, grants with evidence and (staff, admins) what
// positions require.
import { useState, type FormEvent } from 'react';
import { useMutation, useQuery } from '../../api/hooks';
import {
  CreateCourseDocument,
  CreateQualificationDocument,
  CreateShiftsDocument,
  GrantQualificationDocument,
  MarkCoursePassedDocument,
  SetPositionQualificationsDocument,
  TrainingDocument,
  TrainingVolunteersDocument,
  type TrainingQuery,
} from '../../gql/graphql';
import { useI18n } from '../../i18n';
import { Alert, Badge, Button, Card, ErrorAlert, Field, Loading, Page } from '../../components/ui';
import { FormError, useApiFormErrors } from '../../components/forms';
import { AssignmentBadge } from '../../components/shift';
import { qualificationName } from '../../api/errors';
import { formatDateTime } from '../../lib/format';
import { todayIn, zonedToInstant } from '../../lib/time';
import { useSession } from '../../auth/session';
import { useManagedCentres } from '../coordinator/useCentres';
import { useTrainingText } from './messages';
import { DateInput, TimeInput } from '../../components/DateInput';

type Qual = TrainingQuery['qualifications'][number];
type Course = TrainingQuery['courses'][number];

function useQualName(): (q: { name: string; names: { az?: string | null; en?: string | null; ru?: string | null } }) => string {
  const { lang } = useI18n();
  return (q) => qualificationName({ name: q.name, az: q.names.az, en: q.names.en, ru: q.names.ru }, lang);
}

export default function Training() {
  const tt = useTrainingText();
  const { hasRole } = useSession();
  const q = useQuery(TrainingDocument, {});
  if (q.error && !q.data) {
    return (
      <Page title={tt('training.title')}>
        <ErrorAlert error={q.error} onRetry={q.refetch} />
      </Page>
    );
  }
  const data = q.data;
  if (!data) return <Loading />;
  const reload = () => void q.refetch();
  return (
    <Page title={tt('training.title')} lead={tt('training.lead')} wide>
      <div className="detail-grid">
        <Qualifications qualifications={data.qualifications} onChange={reload} />
        <Grant qualifications={data.qualifications} />
      </div>
      <Courses courses={data.courses} qualifications={data.qualifications} onChange={reload} />
      {hasRole('STAFF', 'ADMIN') && <Positions positions={data.positions} qualifications={data.qualifications} />}
    </Page>
  );
}

function Qualifications({ qualifications, onChange }: { qualifications: Qual[]; onChange: () => void }) {
  const tt = useTrainingText();
  const name = useQualName();
  const [create, state] = useMutation(CreateQualificationDocument);
  const [form, setForm] = useState({ name: '', az: '', ru: '', validity: '', description: '' });
  const { fieldError, formError } = useApiFormErrors(state.error, ['name', 'validityMonths', 'description']);
  async function submit(e: FormEvent) {
    e.preventDefault();
    const d = await create({
      name: form.name,
      description: form.description || null,
      validityMonths: form.validity ? Number(form.validity) : null,
      names: { az: form.az || null, en: form.name, ru: form.ru || null },
    });
    if (d) {
      setForm({ name: '', az: '', ru: '', validity: '', description: '' });
      onChange();
    }
  }
  return (
    <Card aria-labelledby="quals">
      <h2 id="quals" className="card-title">{tt('training.qualifications')}</h2>
      {qualifications.length === 0 ? (
        <p className="muted">{tt('training.noQualifications')}</p>
      ) : (
        <ul className="plain-list" data-testid="qualification-list">
          {qualifications.map((x) => (
            <li key={x.id}>
              <span className="strong">{name(x)}</span>{' '}
              <Badge tone={x.validityMonths ? 'info' : 'neutral'}>{x.validityMonths ? tt('training.months', { count: x.validityMonths }) : tt('training.forGood')}</Badge>
            </li>
          ))}
        </ul>
      )}
      <form onSubmit={submit} className="stack" noValidate>
        <FormError error={formError} />
        <Field label={tt('training.name')} error={fieldError('name')}>
          {(p) => <input {...p} name="qualificationName" value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} required />}
        </Field>
        <div className="form-row">
          <Field label={tt('training.nameIn', { lang: 'AZ' })} optional>
            {(p) => <input {...p} value={form.az} onChange={(e) => setForm({ ...form, az: e.target.value })} />}
          </Field>
          <Field label={tt('training.nameIn', { lang: 'RU' })} optional>
            {(p) => <input {...p} value={form.ru} onChange={(e) => setForm({ ...form, ru: e.target.value })} />}
          </Field>
        </div>
        <Field label={tt('training.validity')} hint={tt('training.validityHint')} optional error={fieldError('validityMonths')}>
          {(p) => <input {...p} name="validityMonths" type="number" min={1} max={240} inputMode="numeric" value={form.validity} onChange={(e) => setForm({ ...form, validity: e.target.value })} />}
        </Field>
        <Button type="submit" variant="primary" busy={state.pending}>
          {tt('training.createQualification')}
        </Button>
      </form>
    </Card>
  );
}

function Courses({ courses, qualifications, onChange }: { courses: Course[]; qualifications: Qual[]; onChange: () => void }) {
  const tt = useTrainingText();
  const name = useQualName();
  const [create, state] = useMutation(CreateCourseDocument);
  const [form, setForm] = useState({ name: '', qualificationId: '' });
  const { fieldError, formError } = useApiFormErrors(state.error, ['name', 'qualificationId']);
  async function submit(e: FormEvent) {
    e.preventDefault();
    if (await create({ name: form.name, qualificationId: form.qualificationId })) {
      setForm({ name: '', qualificationId: '' });
      onChange();
    }
  }
  return (
    <section aria-labelledby="courses" className="stack">
      <h2 id="courses" className="section-title">{tt('training.courses')}</h2>
      {courses.length === 0 && <p className="muted">{tt('training.noCourses')}</p>}
      {courses.map((c) => (
        <CourseCard key={c.id} course={c} onChange={onChange} />
      ))}
      <Card>
        <form onSubmit={submit} className="stack" noValidate>
          <FormError error={formError} />
          <div className="form-row">
            <Field label={tt('training.courseName')} error={fieldError('name')}>
              {(p) => <input {...p} name="courseName" value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} required />}
            </Field>
            <Field label={tt('training.grants')} error={fieldError('qualificationId')}>
              {(p) => (
                <select {...p} name="courseQualification" value={form.qualificationId} onChange={(e) => setForm({ ...form, qualificationId: e.target.value })} required>
                  <option value="">{tt('training.choose')}</option>
                  {qualifications.map((x) => (
                    <option key={x.id} value={x.id}>
                      {name(x)}
                    </option>
                  ))}
                </select>
              )}
            </Field>
          </div>
          <Button type="submit" variant="primary" busy={state.pending}>
            {tt('training.createCourse')}
          </Button>
        </form>
      </Card>
    </section>
  );
}

function CourseCard({ course, onChange }: { course: Course; onChange: () => void }) {
  const tt = useTrainingText();
  const { locale } = useI18n();
  const name = useQualName();
  const [mark, markState] = useMutation(MarkCoursePassedDocument);
  const [passed, setPassed] = useState<string[]>([]);
  // Everyone with a place in a session, once.
  const people = new Map<string, string>();
  for (const s of course.sessions) for (const a of s.assignments) if (a.status !== 'CANCELLED') people.set(a.volunteer.id, a.volunteer.fullName);
  return (
    <Card aria-labelledby={`course-${course.id}`}>
      <h3 id={`course-${course.id}`} className="card-title">
        {course.name} <Badge tone="info">{name(course.qualification)}</Badge>
      </h3>
      <h4>{tt('training.sessions')}</h4>
      {course.sessions.length === 0 ? (
        <p className="muted">{tt('training.noSessions')}</p>
      ) : (
        <ul className="plain-list" data-testid="sessions">
          {course.sessions.map((s) => (
            <li key={s.id}>
              <a href={`/coordinate/shifts/${s.id}`}>{formatDateTime(s.startsAt, locale, s.centre.timezone)}</a> · {s.centre.name} · {s.confirmedCount}/{s.capacity}
              {s.assignments.length > 0 && (
                <span>
                  {' '}
                  {s.assignments.map((a) => (
                    <span key={a.id}>
                      {' '}
                      {a.volunteer.fullName} <AssignmentBadge status={a.status} />
                    </span>
                  ))}
                </span>
              )}
            </li>
          ))}
        </ul>
      )}
      <h4>{tt('training.participants')}</h4>
      <FormError error={markState.error} />
      {people.size === 0 ? (
        <p className="muted">{tt('training.noParticipants')}</p>
      ) : (
        <ul className="plain-list" data-testid="participants">
          {[...people].map(([id, fullName]) => (
            <li key={id}>
              {fullName}{' '}
              {passed.includes(id) ? (
                <Badge tone="success">{tt('training.passed')}</Badge>
              ) : (
                <Button
                  size="small"
                  busy={markState.pending}
                  onClick={async () => {
                    if (await mark({ courseId: course.id, volunteerId: id })) setPassed((p) => [...p, id]);
                  }}
                >
                  {tt('training.markPassed')}
                </Button>
              )}
            </li>
          ))}
        </ul>
      )}
      <AddSession course={course} onAdded={onChange} />
    </Card>
  );
}

function AddSession({ course, onAdded }: { course: Course; onAdded: () => void }) {
  const tt = useTrainingText();
  const { centres, positions } = useManagedCentres();
  const [createShifts, state] = useMutation(CreateShiftsDocument);
  const [form, setForm] = useState({ centreId: '', positionId: '', date: '', from: '10:00', to: '13:00', capacity: '20' });
  const [added, setAdded] = useState(false);
  const { fieldError, formError } = useApiFormErrors(state.error, ['centreId', 'positionId', 'startsAt', 'endsAt', 'capacity']);
  if (!centres || centres.length === 0) return null;
  const centre = centres.find((c) => c.id === form.centreId) ?? centres[0]!;
  const positionId = form.positionId || positions[0]?.id || '';
  const date = form.date || todayIn(centre.timezone);
  async function submit(e: FormEvent) {
    e.preventDefault();
    setAdded(false);
    const d = await createShifts({
      input: {
        centreId: centre.id,
        positionId,
        startsAt: zonedToInstant(date, form.from, centre.timezone).toISOString(),
        endsAt: zonedToInstant(date, form.to, centre.timezone).toISOString(),
        capacity: Number(form.capacity),
        publish: true,
        kind: 'TRAINING',
        courseId: course.id,
      },
    });
    if (d) {
      setAdded(true);
      onAdded();
    }
  }
  return (
    <form onSubmit={submit} className="stack" noValidate aria-label={tt('training.addSession')}>
      <h4>{tt('training.addSession')}</h4>
      <FormError error={formError} />
      {added && <Alert tone="success" title={tt('training.sessionAdded')} />}
      <div className="form-row">
        <Field label={tt('training.centre')} error={fieldError('centreId')}>
          {(p) => (
            <select {...p} name="sessionCentre" value={centre.id} onChange={(e) => setForm({ ...form, centreId: e.target.value })}>
              {centres.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label={tt('training.position')} error={fieldError('positionId')}>
          {(p) => (
            <select {...p} name="sessionPosition" value={positionId} onChange={(e) => setForm({ ...form, positionId: e.target.value })}>
              {positions.map((x) => (
                <option key={x.id} value={x.id}>
                  {x.name}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>
      <div className="form-row">
        <Field label={tt('training.date')} error={fieldError('startsAt')}>
          {(p) => <DateInput {...p} name="sessionDate" value={date} onChange={(v) => setForm({ ...form, date: v })} />}
        </Field>
        <Field label={tt('training.from')}>
          {(p) => <TimeInput {...p} name="sessionFrom" value={form.from} onChange={(v) => setForm({ ...form, from: v })} />}
        </Field>
        <Field label={tt('training.to')} error={fieldError('endsAt')}>
          {(p) => <TimeInput {...p} name="sessionTo" value={form.to} onChange={(v) => setForm({ ...form, to: v })} />}
        </Field>
        <Field label={tt('training.capacity')} error={fieldError('capacity')}>
          {(p) => <input {...p} name="sessionCapacity" type="number" min={1} value={form.capacity} onChange={(e) => setForm({ ...form, capacity: e.target.value })} />}
        </Field>
      </div>
      <Button type="submit" busy={state.pending}>
        {tt('training.addSession')}
      </Button>
    </form>
  );
}

function Grant({ qualifications }: { qualifications: Qual[] }) {
  const tt = useTrainingText();
  const name = useQualName();
  const [search, setSearch] = useState('');
  const found = useQuery(TrainingVolunteersDocument, { search }, { skip: search.trim().length < 2 });
  const [grant, state] = useMutation(GrantQualificationDocument);
  const [form, setForm] = useState({ volunteerId: '', qualificationId: '', note: '' });
  const [done, setDone] = useState(false);
  const { fieldError, formError } = useApiFormErrors(state.error, ['volunteerId', 'qualificationId', 'note']);
  const people = found.data?.volunteers.edges.map((e) => e.node) ?? [];
  async function submit(e: FormEvent) {
    e.preventDefault();
    setDone(false);
    if (await grant({ volunteerId: form.volunteerId, qualificationId: form.qualificationId, note: form.note || null })) {
      setDone(true);
      setForm({ ...form, note: '' });
    }
  }
  return (
    <Card aria-labelledby="grant">
      <h2 id="grant" className="card-title">{tt('training.grant')}</h2>
      <p className="muted">{tt('training.grantLead')}</p>
      <form onSubmit={submit} className="stack" noValidate>
        <FormError error={formError} />
        {done && <Alert tone="success" title={tt('training.granted')} />}
        <Field label={tt('training.findVolunteer')}>
          {(p) => <input {...p} name="grantSearch" type="search" value={search} onChange={(e) => setSearch(e.target.value)} />}
        </Field>
        <Field label={tt('training.volunteer')} error={fieldError('volunteerId')}>
          {(p) => (
            <select {...p} name="grantVolunteer" value={form.volunteerId} onChange={(e) => setForm({ ...form, volunteerId: e.target.value })} required>
              <option value="">{tt('training.choose')}</option>
              {people.map((v) => (
                <option key={v.id} value={v.id}>
                  {v.fullName}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label={tt('training.qualification')} error={fieldError('qualificationId')}>
          {(p) => (
            <select {...p} name="grantQualification" value={form.qualificationId} onChange={(e) => setForm({ ...form, qualificationId: e.target.value })} required>
              <option value="">{tt('training.choose')}</option>
              {qualifications.map((x) => (
                <option key={x.id} value={x.id}>
                  {name(x)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label={tt('training.note')} error={fieldError('note')}>
          {(p) => <textarea {...p} name="grantNote" rows={2} maxLength={1000} value={form.note} onChange={(e) => setForm({ ...form, note: e.target.value })} />}
        </Field>
        <Button type="submit" variant="primary" busy={state.pending}>
          {tt('training.grant')}
        </Button>
      </form>
    </Card>
  );
}

function Positions({ positions, qualifications }: { positions: TrainingQuery['positions']; qualifications: Qual[] }) {
  const tt = useTrainingText();
  return (
    <section aria-labelledby="positions" className="stack">
      <h2 id="positions" className="section-title">{tt('training.positions')}</h2>
      <p className="muted">{tt('training.positionsLead')}</p>
      {positions.map((p) => (
        <PositionRequirements key={p.id} position={p} qualifications={qualifications} />
      ))}
    </section>
  );
}

function PositionRequirements({ position, qualifications }: { position: TrainingQuery['positions'][number]; qualifications: Qual[] }) {
  const tt = useTrainingText();
  const name = useQualName();
  const [chosen, setChosen] = useState<string[]>(position.requiredQualifications.map((q) => q.id));
  const [save, state] = useMutation(SetPositionQualificationsDocument);
  const [saved, setSaved] = useState(false);
  return (
    <Card>
      <fieldset className="fieldset" aria-label={position.name}>
        <legend className="strong">{position.name}</legend>
        <div className="check-grid">
          {qualifications.map((q) => (
            <label key={q.id} className="check">
              <input
                type="checkbox"
                checked={chosen.includes(q.id)}
                onChange={(e) => {
                  setSaved(false);
                  setChosen(e.target.checked ? [...chosen, q.id] : chosen.filter((x) => x !== q.id));
                }}
              />
              {name(q)}
            </label>
          ))}
        </div>
      </fieldset>
      <FormError error={state.error} />
      <Button
        size="small"
        busy={state.pending}
        onClick={async () => {
          if (await save({ positionId: position.id, qualificationIds: chosen })) setSaved(true);
        }}
      >
        {tt('training.save')}
      </Button>{' '}
      {saved && <Badge tone="success">{tt('training.saved')}</Badge>}
    </Card>
  );
}
