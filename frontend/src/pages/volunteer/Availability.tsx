import { useEffect, useState } from 'react';
import { useMutation, useQuery } from '../../api/hooks';
import { MyAvailabilityBlocksDocument, MyAvailabilityDocument, SetMyAvailabilityDocument } from '../../gql/graphql';
import { useI18n, type MessageKey } from '../../i18n';
import { Alert, Button, Card, Empty, ErrorAlert, Loading, NotAvailable, Page } from '../../components/ui';
import { useApiFormErrors } from '../../components/forms';
import { Icon } from '../../components/icons';
import * as av from '../../lib/availability';
import { isMissingFeature } from '../../api/errors';
import { formatHours, formatPlainDate, weekdayNames } from '../../lib/format';
import { addDays, todayIn } from '../../lib/time';
import { useBlocksText } from './availabilityMessages';
import { DateInput, TimeInput } from '../../components/DateInput';

const zone = 'Asia/Baku';

/** Windows that are exactly a preset show as its chip, not as a row of times. */
const isPreset = (w: av.Window) => Object.values(av.presets).some((p) => p.start === w.start && p.end === w.end);

/** A centre's block as the page offers it, with the names of the centres whose day has it. */
type OfferedBlock = av.Block & { centres: readonly { id: string; name: string }[] };

function problemText(t: (k: MessageKey) => string, problems: av.Problem[], list: av.Problem['list'], index: number): string | undefined {
  const p = problems.find((x) => x.list === list && x.index === index);
  return p ? t(`availability.problem.${p.code}` as MessageKey) : undefined;
}

export default function Availability() {
  return <AvailabilityEditor />;
}

function AvailabilityEditor() {
  const { t, locale } = useI18n();
  const q = useQuery(MyAvailabilityDocument, {});
  // The blocks of the centres the volunteer prefers; without any (or on a
  // server without day templates) the fixed presets are offered instead.
  const blocksQ = useQuery(MyAvailabilityBlocksDocument, {});
  const bt = useBlocksText();
  const [save, saveState] = useMutation(SetMyAvailabilityDocument);
  const [model, setModel] = useState<av.AvailabilityModel | null>(null);
  const [saved, setSaved] = useState<av.AvailabilityModel | null>(null);
  const [showProblems, setShowProblems] = useState(false);
  const [justSaved, setJustSaved] = useState(false);
  const today = todayIn(zone);

  useEffect(() => {
    const a = q.data?.me?.volunteer?.availability;
    if (a && model === null) {
      const m = av.fromApi(a);
      setModel(m);
      setSaved(m);
    }
  }, [q.data, model]);

  const { formError } = useApiFormErrors(saveState.error, []);
  if (isMissingFeature(q.error)) {
    return (
      <Page title={t('availability.title')} lead={t('availability.lead')}>
        <NotAvailable what="availability.title" />
      </Page>
    );
  }
  if (q.error && !q.data) {
    return (
      <Page title={t('availability.title')}>
        <ErrorAlert error={q.error} onRetry={q.refetch} />
      </Page>
    );
  }
  if (!q.data) return <Loading />;
  if (!q.data.me?.volunteer) {
    return (
      <Page title={t('availability.title')}>
        <Empty icon="user" title={t('my.noProfile')} />
      </Page>
    );
  }
  if (!model || !saved) return <Loading />;

  const offered: readonly OfferedBlock[] = blocksQ.data?.me?.volunteer?.availabilityBlocks ?? [];
  const useBlocks = offered.length > 0;
  const isChip = (w: av.Window) => (useBlocks ? offered.some((b) => b.weekday === w.weekday && b.start === w.start && b.end === w.end) : isPreset(w));
  const centreNames = [...new Set(offered.flatMap((b) => b.centres.map((c) => c.name)))];
  const problems = av.validate(model);
  const dirty = !av.sameAvailability(model, saved);
  const names = weekdayNames(locale);
  const change = (m: av.AvailabilityModel) => {
    setModel(m);
    setJustSaved(false);
  };

  async function submit() {
    if (problems.length > 0) {
      setShowProblems(true);
      return;
    }
    const input = av.toInput(av.dropPastExceptions(model!, today));
    const d = await save({ input });
    if (d) {
      const m = av.fromApi(d.setMyAvailability);
      setModel(m);
      setSaved(m);
      setShowProblems(false);
      setJustSaved(true);
    }
  }

  const shownProblems = showProblems ? problems : problems.filter((p) => p.code !== 'time.invalid');

  return (
    <Page
      title={t('availability.title')}
      lead={t('availability.lead')}
      actions={
        <Button variant="primary" icon="check" busy={saveState.pending} disabled={!dirty} onClick={submit}>
          {t('action.save')}
        </Button>
      }
    >
      {justSaved && !dirty && <Alert tone="success" title={t('availability.saved')} />}
      {formError && <ErrorAlert error={formError} />}
      {showProblems && problems.length > 0 && <Alert tone="error" title={t('availability.fixProblems')} />}

      <Card aria-labelledby="weekly-heading">
        <div className="card-head">
          <h2 id="weekly-heading" className="card-title">
            {t('availability.weekly')}
          </h2>
          <p className="muted">{t('availability.weeklyTotal', { hours: formatHours(av.weeklyMinutes(model), locale) })}</p>
          {useBlocks && (
            <p className="muted small">{centreNames.length <= 2 ? bt('blocks.lead', { centres: centreNames.join(', ') }) : bt('blocks.leadMany')}</p>
          )}
        </div>
        <ul className="week-editor">
          {[1, 2, 3, 4, 5, 6, 7].map((day) => {
            const windows = av.windowsOf(model, day);
            return (
              <li key={day} className="week-day">
                <h3 className="week-day-name" id={`day-${day}`}>
                  {names[day - 1]}
                </h3>
                <div className="week-day-body">
                  {useBlocks && (
                    <div className="preset-row" role="group" aria-labelledby={`day-${day}`}>
                      {offered.filter((b) => b.weekday === day).map((b) => {
                        const on = av.hasBlock(model, b);
                        const clash = !on && av.blockClashes(model, b);
                        return (
                          <button
                            key={`${b.start}-${b.end}`}
                            type="button"
                            className={on ? 'chip chip-on' : 'chip'}
                            aria-pressed={on}
                            disabled={clash}
                            title={clash ? bt('blocks.clash') : b.centres.map((c) => c.name).join(', ')}
                            data-block={`${b.weekday} ${b.start}-${b.end}`}
                            onClick={() => change(av.toggleBlock(model, b))}
                          >
                            <span className="chip-main">
                              {on && <Icon name="check" size={14} />}
                              {b.start}–{b.end}
                            </span>
                          </button>
                        );
                      })}
                      {!offered.some((b) => b.weekday === day) && <p className="muted small">{bt('blocks.closed')}</p>}
                    </div>
                  )}
                  {!useBlocks && <div className="preset-row" role="group" aria-labelledby={`day-${day}`}>
                    {(Object.keys(av.presets) as av.Preset[]).map((p) => {
                      const on = av.hasPreset(model, day, p);
                      return (
                        <button
                          key={p}
                          type="button"
                          className={on ? 'chip chip-on' : 'chip'}
                          aria-pressed={on}
                          onClick={() => change(av.togglePreset(model, day, p))}
                        >
                          <span className="chip-main">
                            {on && <Icon name="check" size={14} />}
                            {t(`availability.preset.${p}`)}
                          </span>
                          <span className="chip-sub">
                            {av.presets[p].start}–{av.presets[p].end}
                          </span>
                        </button>
                      );
                    })}
                  </div>}
                  {windows.filter(({ window: w }) => !isChip(w)).map(({ window: w, index }) => {
                    const problem = problemText(t, shownProblems, 'weekly', index);
                    const errId = `w-${index}-err`;
                    return (
                      <div key={index} className={problem ? 'window-row window-row-invalid' : 'window-row'}>
                        <label className="visually-hidden" htmlFor={`w-${index}-start`}>
                          {t('availability.from')} ({names[day - 1]})
                        </label>
                        <TimeInput
                          id={`w-${index}-start`}
                          value={w.start}
                          aria-invalid={problem ? true : undefined}
                          aria-describedby={problem ? errId : undefined}
                          onChange={(v) => change(av.updateWindow(model, index, { start: v }))}
                        />
                        <span aria-hidden="true">–</span>
                        <label className="visually-hidden" htmlFor={`w-${index}-end`}>
                          {t('availability.to')} ({names[day - 1]})
                        </label>
                        <TimeInput
                          id={`w-${index}-end`}
                          value={w.end}
                          aria-invalid={problem ? true : undefined}
                          aria-describedby={problem ? errId : undefined}
                          onChange={(v) => change(av.updateWindow(model, index, { end: v }))}
                        />
                        <button
                          type="button"
                          className="icon-btn"
                          onClick={() => change(av.removeWindow(model, index))}
                          aria-label={t('availability.removeWindow', { day: names[day - 1] ?? '', start: w.start, end: w.end })}
                        >
                          <Icon name="x" size={18} />
                        </button>
                        {problem && (
                          <p className="field-error" id={errId}>
                            {problem}
                          </p>
                        )}
                      </div>
                    );
                  })}
                  <div className="week-day-tools">
                    <button type="button" className="link-btn" onClick={() => change(av.addWindow(model, { weekday: day, start: '10:00', end: '14:00' }))}>
                      <Icon name="plus" size={16} />
                      {t('availability.addTime')}
                      <span className="visually-hidden"> ({names[day - 1]})</span>
                    </button>
                    {windows.length > 0 && day !== 5 && day !== 7 && (
                      <button
                        type="button"
                        className="link-btn"
                        onClick={() => change(av.copyDay(model, day, day <= 5 ? [1, 2, 3, 4, 5] : [6, 7]))}
                      >
                        {t(day <= 5 ? 'availability.copyWeekdays' : 'availability.copyWeekend')}
                        <span className="visually-hidden"> ({names[day - 1]})</span>
                      </button>
                    )}
                  </div>
                </div>
              </li>
            );
          })}
        </ul>
      </Card>

      <Card aria-labelledby="exceptions-heading">
        <div className="card-head">
          <h2 id="exceptions-heading" className="card-title">
            {t('availability.exceptions')}
          </h2>
          <p className="muted">{t('availability.exceptionsLead')}</p>
        </div>
        {model.exceptions.length === 0 && <p className="muted">{t('availability.noExceptions')}</p>}
        <ul className="exception-list">
          {model.exceptions.map((e, index) => {
            const problem = problemText(t, shownProblems, 'exceptions', index);
            const past = e.date < today;
            return (
              <li key={index} className={problem ? 'exception exception-invalid' : 'exception'}>
                <div className="exception-fields">
                  <div className="field">
                    <label htmlFor={`x-${index}-date`}>{t('field.date')}</label>
                    <DateInput
                      id={`x-${index}-date`}
                      min={today}
                      value={e.date}
                      aria-invalid={problem ? true : undefined}
                      onChange={(v) => change(av.updateException(model, index, { date: v }))}
                    />
                  </div>
                  <div className="field">
                    <label htmlFor={`x-${index}-kind`}>{t('availability.exceptionKind')}</label>
                    <select
                      id={`x-${index}-kind`}
                      value={av.kindOf(e)}
                      onChange={(ev) => change(av.updateException(model, index, av.withKind(e, ev.target.value as av.ExceptionKind)))}
                    >
                      {(['dayOff', 'hoursOff', 'extraHours', 'dayFree'] as const).map((k) => (
                        <option key={k} value={k}>
                          {t(`availability.kind.${k}`)}
                        </option>
                      ))}
                    </select>
                  </div>
                  {(e.start !== null || e.end !== null) && (
                    <div className="field">
                      <span className="label" id={`x-${index}-times`}>
                        {t('availability.times')}
                      </span>
                      <div className="window-row" role="group" aria-labelledby={`x-${index}-times`}>
                        <TimeInput
                          aria-label={t('availability.from')}
                          value={e.start ?? ''}
                          onChange={(v) => change(av.updateException(model, index, { start: v }))}
                        />
                        <span aria-hidden="true">–</span>
                        <TimeInput
                          aria-label={t('availability.to')}
                          value={e.end ?? ''}
                          onChange={(v) => change(av.updateException(model, index, { end: v }))}
                        />
                      </div>
                    </div>
                  )}
                  <button
                    type="button"
                    className="icon-btn exception-remove"
                    onClick={() => change(av.removeException(model, index))}
                    aria-label={t('availability.removeException', { date: e.date ? formatPlainDate(e.date, locale) : '' })}
                  >
                    <Icon name="x" size={18} />
                  </button>
                </div>
                {past && <p className="muted">{t('availability.pastException')}</p>}
                {problem && <p className="field-error">{problem}</p>}
              </li>
            );
          })}
        </ul>
        <Button
          icon="plus"
          onClick={() => {
            const taken = new Set(model.exceptions.map((x) => x.date));
            let d = addDays(today, 1);
            while (taken.has(d)) d = addDays(d, 1);
            change(av.addException(model, { date: d, available: false, start: null, end: null }));
          }}
        >
          {t('availability.addException')}
        </Button>
      </Card>
      <div className="form-actions page-foot">
        <Button variant="primary" icon="check" busy={saveState.pending} disabled={!dirty} onClick={submit}>
          {t('action.save')}
        </Button>
        <p className="muted small">{t('availability.zoneNote', { zone })}</p>
      </div>
    </Page>
  );
}
