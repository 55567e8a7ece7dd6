import { useState, type FormEvent } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { useMutation } from '../../api/hooks';
import { CreateShiftsDocument } from '../../gql/graphql';
import { useI18n } from '../../i18n';
import { Alert, Button, Card, Empty, ErrorAlert, Field, Loading, Page } from '../../components/ui';
import { FormError, stillWrong, useApiFormErrors } from '../../components/forms';
import { formatPlainDate, formatHours, weekdayNames } from '../../lib/format';
import { addDays, isPlainDate, isPlainTime, minutesBetween, mondayOf, todayIn, weekdayOf } from '../../lib/time';
import { seriesDates, shiftInstants, weekdaysFor } from '../../lib/series';
import { pickCentre, useManagedCentres } from './useCentres';
import { DateInput, TimeInput } from '../../components/DateInput';

interface Form {
  centreId: string;
  positionId: string;
  date: string;
  start: string;
  end: string;
  capacity: string;
  repeat: boolean;
  weekdays: number[];
  weekdaysChosen: boolean; // ticked by hand; until then they follow the date
  until: string;
  publish: boolean;
}

type Problem = 'required' | 'capacity' | 'until' | 'weekdays' | 'time';

/** What is wrong with the form before it goes to the server. */
export function checkShiftForm(f: Form): Partial<Record<keyof Form, Problem>> {
  const out: Partial<Record<keyof Form, Problem>> = {};
  if (!f.positionId) out.positionId = 'required';
  if (!isPlainDate(f.date)) out.date = 'required';
  if (!isPlainTime(f.start)) out.start = 'time';
  if (!isPlainTime(f.end)) out.end = 'time';
  const cap = Number(f.capacity);
  if (!Number.isInteger(cap) || cap < 1 || cap > 1000) out.capacity = 'capacity';
  if (f.repeat) {
    if (f.weekdays.length === 0) out.weekdays = 'weekdays';
    if (!isPlainDate(f.until) || (isPlainDate(f.date) && f.until < f.date)) out.until = 'until';
  }
  return out;
}

export default function CreateShifts() {
  const { t, locale } = useI18n();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const managed = useManagedCentres();
  const initialCentre = pickCentre(managed.centres, params.get('centre'));
  const zone0 = initialCentre?.timezone ?? 'Asia/Baku';
  const dateParam = params.get('date') ?? '';
  const firstDate = isPlainDate(dateParam) ? dateParam : todayIn(zone0);
  const [form, setForm] = useState<Form>(() => ({
    centreId: '',
    positionId: '',
    date: firstDate,
    start: '09:00',
    end: '13:00',
    capacity: '4',
    repeat: false,
    weekdays: [weekdayOf(firstDate)],
    weekdaysChosen: false,
    until: addDays(firstDate, 27),
    publish: true,
  }));
  const [local, setLocal] = useState<ReturnType<typeof checkShiftForm>>({});
  const [create, createState] = useMutation(CreateShiftsDocument);
  const { fieldError, formError } = useApiFormErrors(createState.error, ['positionId', 'startsAt', 'endsAt', 'capacity', 'repeatUntil', 'repeatWeekdays'], {}, {
    positionId: form.positionId,
    startsAt: [form.date, form.start],
    endsAt: [form.date, form.end],
    capacity: form.capacity,
    repeatUntil: form.until,
    repeatWeekdays: form.weekdays,
  });

  if (managed.error) {
    return (
      <Page title={t('create.title')}>
        <ErrorAlert error={managed.error} onRetry={managed.refetch} />
      </Page>
    );
  }
  if (!managed.centres) return <Loading />;
  const centre = managed.centres.find((c) => c.id === form.centreId) ?? initialCentre;
  if (!centre) {
    return (
      <Page title={t('create.title')}>
        <Empty icon="building" title={t('calendar.noCentres')} />
      </Page>
    );
  }
  const zone = centre.timezone;
  const names = weekdayNames(locale, 'short');
  const longNames = weekdayNames(locale);
  const problems = checkShiftForm(form);
  const valid = Object.keys(problems).length === 0;
  const dates = valid ? (form.repeat ? seriesDates(form.date, form.weekdays, form.until) : [form.date]) : [];
  const instants = valid ? shiftInstants(form.date, form.start, form.end, zone) : null;
  const length = instants ? minutesBetween(instants.startsAt, instants.endsAt) : 0;

  const problemText = (k: keyof Form): string | undefined => {
    const p = stillWrong(local, problems)[k];
    if (!p) return undefined;
    return t(`create.problem.${p}`);
  };
  const set = <K extends keyof Form>(k: K, v: Form[K]) => setForm((f) => ({ ...f, [k]: v }));
  const setDate = (date: string) =>
    setForm((f) => ({ ...f, date, weekdays: isPlainDate(date) ? weekdaysFor(date, f.weekdays, f.weekdaysChosen) : f.weekdays }));

  async function submit(e: FormEvent) {
    e.preventDefault();
    setLocal(problems);
    if (!valid || !instants) return;
    const d = await create({
      input: {
        centreId: centre!.id,
        positionId: form.positionId,
        startsAt: instants.startsAt.toISOString(),
        endsAt: instants.endsAt.toISOString(),
        capacity: Number(form.capacity),
        repeatWeekdays: form.repeat ? [...form.weekdays].sort() : null,
        repeatUntil: form.repeat ? form.until : null,
        publish: form.publish,
      },
    });
    if (d) {
      const week = mondayOf(form.date);
      navigate(`/coordinate?centre=${encodeURIComponent(centre!.id)}&week=${week}`, { state: { created: d.createShifts.length } });
    }
  }

  return (
    <Page title={t('create.title')} lead={t('create.lead')} back={{ to: `/coordinate?centre=${encodeURIComponent(centre.id)}`, label: t('nav.calendar') }}>
      <div className="detail-grid detail-grid-wide">
        <Card>
          <form className="form" onSubmit={submit} noValidate>
            <FormError error={formError} />
            <Field label={t('field.centre')}>
              {(p) => (
                <select {...p} value={centre.id} onChange={(e) => set('centreId', e.target.value)}>
                  {managed.centres!.map((c) => (
                    <option key={c.id} value={c.id}>
                      {c.name}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <Field label={t('field.position')} error={problemText('positionId') ?? fieldError('positionId')}>
              {(p) => (
                <select {...p} value={form.positionId} onChange={(e) => set('positionId', e.target.value)}>
                  <option value="">{t('create.choosePosition')}</option>
                  {managed.positions.map((pos) => (
                    <option key={pos.id} value={pos.id}>
                      {pos.name}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <div className="form-row form-row-3">
              <Field label={t('create.date')} error={problemText('date') ?? fieldError('startsAt')}>
                {(p) => <DateInput {...p} value={form.date} onChange={(v) => setDate(v)} />}
              </Field>
              <Field label={t('create.start')} error={problemText('start')}>
                {(p) => <TimeInput {...p} value={form.start} onChange={(v) => set('start', v)} />}
              </Field>
              <Field label={t('create.end')} error={problemText('end') ?? fieldError('endsAt')}>
                {(p) => <TimeInput {...p} value={form.end} onChange={(v) => set('end', v)} />}
              </Field>
            </div>
            <p className="muted small">{t('create.zoneNote', { zone })}</p>
            <Field label={t('create.capacity')} hint={t('create.capacityHint')} error={problemText('capacity') ?? fieldError('capacity')}>
              {(p) => <input {...p} type="number" inputMode="numeric" min={1} max={1000} value={form.capacity} onChange={(e) => set('capacity', e.target.value)} className="input-short" />}
            </Field>
            <div className="field field-check">
              <input id="repeat" type="checkbox" checked={form.repeat} onChange={(e) => set('repeat', e.target.checked)} />
              <label htmlFor="repeat">{t('create.repeat')}</label>
            </div>
            {form.repeat && (
              <div className="subform">
                <fieldset className="fieldset" aria-describedby={local.weekdays || fieldError('repeatWeekdays') ? 'weekdays-error' : undefined}>
                  <legend>{t('create.weekdays')}</legend>
                  <div className="weekday-picker">
                    {[1, 2, 3, 4, 5, 6, 7].map((d) => (
                      <label key={d} className={form.weekdays.includes(d) ? 'chip chip-on' : 'chip'}>
                        <input
                          type="checkbox"
                          className="visually-hidden"
                          checked={form.weekdays.includes(d)}
                          onChange={(e) =>
                            setForm((f) => ({
                              ...f,
                              weekdaysChosen: true,
                              weekdays: e.target.checked ? [...f.weekdays, d] : f.weekdays.filter((x) => x !== d),
                            }))
                          }
                        />
                        <span aria-hidden="true">{names[d - 1]}</span>
                        <span className="visually-hidden">{longNames[d - 1]}</span>
                      </label>
                    ))}
                  </div>
                  {(local.weekdays || fieldError('repeatWeekdays')) && (
                    <p className="field-error" id="weekdays-error">
                      {problemText('weekdays') ?? fieldError('repeatWeekdays')}
                    </p>
                  )}
                </fieldset>
                <Field label={t('create.until')} error={problemText('until') ?? fieldError('repeatUntil')}>
                  {(p) => <DateInput {...p} min={form.date} value={form.until} onChange={(v) => set('until', v)} />}
                </Field>
              </div>
            )}
            <div className="field field-check">
              <input id="publish" type="checkbox" checked={form.publish} onChange={(e) => set('publish', e.target.checked)} />
              <label htmlFor="publish">{t('create.publishNow')}</label>
            </div>
            <div className="form-actions">
              <Button type="submit" variant="primary" busy={createState.pending}>
                {t('create.submit', { count: Math.max(1, dates.length) })}
              </Button>
              <Link className="btn btn-ghost" to={`/coordinate?centre=${encodeURIComponent(centre.id)}`}>
                {t('action.cancel')}
              </Link>
            </div>
          </form>
        </Card>
        <Card aria-labelledby="preview-heading" className="preview">
          <h2 id="preview-heading" className="card-title">
            {t('create.preview')}
          </h2>
          {!valid ? (
            <p className="muted">{t('create.previewIncomplete')}</p>
          ) : dates.length === 0 ? (
            <Alert tone="warning">{t('create.noDates')}</Alert>
          ) : (
            <>
              <p>
                {t('create.previewCount', { count: dates.length })} · {formatHours(length, locale)} · {form.start}–{form.end}
              </p>
              <ul className="preview-dates">
                {dates.slice(0, 12).map((d) => (
                  <li key={d}>{formatPlainDate(d, locale, { weekday: 'short', day: 'numeric', month: 'short' })}</li>
                ))}
                {dates.length > 12 && <li className="muted">{t('create.andMore', { count: dates.length - 12 })}</li>}
              </ul>
              <p className="muted small">{form.publish ? t('create.willPublish') : t('create.willDraft')}</p>
            </>
          )}
        </Card>
      </div>
    </Page>
  );
}
