import { useRef, useState, type FormEvent, type ReactNode } from 'react';
import { useSpeedT } from '../../lib/speedMessages';
import { useMutation, useQuery } from '../../api/hooks';
import { CancelSeriesDocument, ShiftSeriesDocument, UpdateSeriesDocument } from '../../gql/graphql';
import { useI18n } from '../../i18n';
import { Alert, Button, Card, Dialog, ErrorAlert, Field } from '../../components/ui';
import { stillWrong, useApiFormErrors } from '../../components/forms';
import { isPlainDate, isPlainTime, plainDateIn, plainTimeIn } from '../../lib/time';
import { useManagedCentres } from './useCentres';
import { DateInput, TimeInput } from '../../components/DateInput';

interface Form {
  from: string;
  start: string;
  end: string;
  capacity: string;
  positionId: string;
}

type Problem = 'required' | 'time' | 'capacity';

function check(f: Form): Partial<Record<keyof Form, Problem>> {
  const out: Partial<Record<keyof Form, Problem>> = {};
  if (!isPlainDate(f.from)) out.from = 'required';
  if (!isPlainTime(f.start)) out.start = 'time';
  if (!isPlainTime(f.end) || f.end === f.start) out.end = 'time';
  const cap = Number(f.capacity);
  if (!Number.isInteger(cap) || cap < 1 || cap > 1000) out.capacity = 'capacity';
  return out;
}

/**
 * The weekly series of a shift: change its time, capacity or position, or
 * cancel it, from a date on; each volunteer concerned is told once.
 */
export function SeriesPanel({ shiftId, onChanged }: { shiftId: string; onChanged: () => void }) {
  const ts = useSpeedT();
  const q = useQuery(ShiftSeriesDocument, { id: shiftId });
  // What the last change did; it stays in view after the shift is cancelled.
  const [done, setDone] = useState<Done | null>(null);
  const s = q.data?.shift;
  const note = done && (
    <Alert tone="success" title={ts(done.kind === 'changed' ? 'series.changed' : 'series.cancelled', { count: done.shifts })}>
      {ts('series.notified', { count: done.people })}
    </Alert>
  );
  if (!s?.seriesId || s.status === 'CANCELLED' || new Date(s.startsAt) <= new Date()) {
    return note ? <Card className="series-card">{note}</Card> : null;
  }
  return (
    <SeriesForm
      key={s.id}
      shift={s}
      note={note}
      onDone={(d) => {
        setDone(d);
        void q.refetch();
        onChanged();
      }}
    />
  );
}

interface Done {
  kind: 'changed' | 'cancelled';
  shifts: number;
  people: number;
}

function SeriesForm({
  shift,
  note,
  onDone,
}: {
  shift: { id: string; startsAt: string; endsAt: string; capacity: number; position: { id: string }; centre: { timezone: string } };
  note: ReactNode;
  onDone: (d: Done) => void;
}) {
  const { t } = useI18n();
  const ts = useSpeedT();
  const zone = shift.centre.timezone;
  const managed = useManagedCentres();
  const initial: Form = {
    from: plainDateIn(shift.startsAt, zone),
    start: plainTimeIn(shift.startsAt, zone),
    end: plainTimeIn(shift.endsAt, zone),
    capacity: String(shift.capacity),
    positionId: shift.position.id,
  };
  const [form, setForm] = useState<Form>(initial);
  const [shown, setShown] = useState<ReturnType<typeof check>>({});
  const [cancelOpen, setCancelOpen] = useState(false);
  const [update, state] = useMutation(UpdateSeriesDocument);
  const sentCapacity = useRef(0); // the capacity a CONFLICT refused
  const problems = check(form);
  const values = { from: form.from, startTime: form.start, endTime: form.end, capacity: form.capacity, positionId: form.positionId };
  const { fieldError, formError } = useApiFormErrors(state.error, ['from', 'startTime', 'endTime', 'capacity', 'positionId'], {}, values);
  const heldConflict = state.error?.code === 'CONFLICT' && state.error.field === 'capacity' && form.capacity === String(sentCapacity.current);
  const problem = (k: keyof Form) => {
    const p = stillWrong(shown, problems)[k];
    return p ? t(`create.problem.${p}`) : undefined;
  };
  const set = <K extends keyof Form>(k: K, v: Form[K]) => setForm((f) => ({ ...f, [k]: v }));

  async function submit(e: FormEvent) {
    e.preventDefault();
    setShown(problems);
    if (Object.keys(problems).length > 0) return;
    const timesChanged = form.start !== initial.start || form.end !== initial.end;
    sentCapacity.current = Number(form.capacity);
    const d = await update({
      input: {
        shiftId: shift.id,
        from: form.from,
        startTime: timesChanged ? form.start : null,
        endTime: timesChanged ? form.end : null,
        capacity: form.capacity !== initial.capacity ? Number(form.capacity) : null,
        positionId: form.positionId !== initial.positionId ? form.positionId : null,
      },
    });
    if (d) onDone({ kind: 'changed', shifts: d.updateSeries.shifts.length, people: d.updateSeries.notifiedVolunteers });
  }

  return (
    <Card aria-labelledby="series-heading" className="series-card">
      <div className="card-head">
        <h2 id="series-heading" className="card-title">
          {ts('series.title')}
        </h2>
        <p className="muted">{ts('series.lead')}</p>
      </div>
      {note}
      <form className="form" onSubmit={submit} noValidate>
        {formError && !heldConflict && <ErrorAlert error={formError} />}
        <Field label={ts('series.from')} hint={ts('series.fromHint')} error={problem('from') ?? fieldError('from')}>
          {(p) => <DateInput {...p} value={form.from} onChange={(v) => set('from', v)} />}
        </Field>
        <div className="form-row">
          <Field label={t('create.start')} error={problem('start') ?? fieldError('startTime')}>
            {(p) => <TimeInput {...p} value={form.start} onChange={(v) => set('start', v)} />}
          </Field>
          <Field label={t('create.end')} error={problem('end') ?? fieldError('endTime')}>
            {(p) => <TimeInput {...p} value={form.end} onChange={(v) => set('end', v)} />}
          </Field>
        </div>
        <Field label={t('create.capacity')} error={problem('capacity') ?? (heldConflict ? ts('series.capacityHeld') : fieldError('capacity'))}>
          {(p) => <input {...p} type="number" inputMode="numeric" min={1} max={1000} value={form.capacity} onChange={(e) => set('capacity', e.target.value)} className="input-short" />}
        </Field>
        <Field label={t('field.position')} error={fieldError('positionId')}>
          {(p) => (
            <select {...p} value={form.positionId} onChange={(e) => set('positionId', e.target.value)}>
              {managed.positions.map((pos) => (
                <option key={pos.id} value={pos.id}>
                  {pos.name}
                </option>
              ))}
            </select>
          )}
        </Field>
        <div className="form-actions">
          <Button type="submit" variant="primary" busy={state.pending}>
            {ts('series.change')}
          </Button>
          <Button type="button" variant="ghost" className="btn-danger-text" onClick={() => setCancelOpen(true)}>
            {ts('series.cancel')}
          </Button>
        </div>
      </form>
      <CancelSeriesDialog
        open={cancelOpen}
        shiftId={shift.id}
        from={form.from}
        onClose={() => setCancelOpen(false)}
        onDone={(shifts, people) => onDone({ kind: 'cancelled', shifts, people })}
      />
    </Card>
  );
}

function CancelSeriesDialog({
  open,
  shiftId,
  from,
  onClose,
  onDone,
}: {
  open: boolean;
  shiftId: string;
  from: string;
  onClose: () => void;
  onDone: (shifts: number, people: number) => void;
}) {
  const { t } = useI18n();
  const ts = useSpeedT();
  const [reason, setReason] = useState('');
  const [tried, setTried] = useState(false);
  const [cancel, state] = useMutation(CancelSeriesDocument);
  const { fieldError, formError } = useApiFormErrors(state.error, ['reason', 'from'], {}, { reason, from });
  return (
    <Dialog
      open={open}
      title={ts('series.cancel')}
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
              const d = await cancel({ shiftId, from, reason: reason.trim() });
              if (d) {
                onClose();
                onDone(d.cancelSeries.shifts.length, d.cancelSeries.notifiedVolunteers);
              }
            }}
          >
            {ts('series.cancelConfirm')}
          </Button>
        </>
      }
    >
      <p>{ts('series.cancelText', { date: from })}</p>
      {formError && <ErrorAlert error={formError} />}
      {fieldError('from') && <Alert tone="error">{fieldError('from')}</Alert>}
      <Field label={t('manage.reason')} error={tried && !reason.trim() ? t('field.required.hint') : fieldError('reason')}>
        {(p) => <textarea {...p} rows={3} value={reason} onChange={(e) => setReason(e.target.value)} />}
      </Field>
    </Dialog>
  );
}
