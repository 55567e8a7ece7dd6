// Date and time fields that show and accept day-month-year dates and 24-hour
// times in the app's language, whatever the operating system's locale (the
// browser's own pickers follow the system). Drop-in for the native date, time
// and datetime-local inputs: the value in and out stays ISO ("2026-03-14",
// "14:30", "2026-03-14T14:30"), "" while the text is empty or not a date.
// What was typed wrong is said under the field once the field is left, and
// the message goes as soon as the text is right again.
import { lazy, Suspense, useEffect, useId, useLayoutEffect, useRef, useState, type FocusEvent, type RefObject } from 'react';
import { useI18n } from '../i18n';
import {
  datePattern,
  formatDateInput,
  formatTimeInput,
  joinDateTime,
  parseDateInput,
  parseTimeInput,
  splitDateTime,
  timePattern,
  type DateProblem,
  type TimeProblem,
} from '../lib/dateInput';
import { Icon } from './icons';
import { useInputText, type InputText } from './inputMessages';

const Calendar = lazy(() => import('./Calendar'));

interface CommonProps {
  id?: string;
  name?: string;
  value: string;
  onChange: (value: string) => void;
  'aria-describedby'?: string | undefined;
  'aria-invalid'?: boolean | undefined;
  'aria-label'?: string | undefined;
  required?: boolean;
  disabled?: boolean;
  autoComplete?: string;
  className?: string;
}

const joinIds = (...ids: (string | undefined | false)[]) => ids.filter(Boolean).join(' ') || undefined;

function FieldMessage({ id, text }: { id: string; text: string }) {
  return (
    <p className="field-error" id={id}>
      <Icon name="alert" size={16} />
      {text}
    </p>
  );
}

function dateProblemText(tt: InputText, lang: 'az' | 'en' | 'ru', problem: DateProblem, min?: string, max?: string): string {
  const year = new Date().getFullYear();
  switch (problem) {
    case 'noSuchDay':
      return tt('input.date.noSuchDay');
    case 'year':
      return tt('input.date.year', { year });
    case 'tooEarly':
      return tt('input.date.tooEarly', { date: formatDateInput(min ?? '', lang) });
    case 'tooLate':
      return tt('input.date.tooLate', { date: formatDateInput(max ?? '', lang) });
    default:
      return tt('input.date.format', { pattern: datePattern(lang), example: formatDateInput(`${year}-03-14`, lang) });
  }
}

function timeProblemText(tt: InputText, lang: 'az' | 'en' | 'ru', problem: TimeProblem): string {
  return problem === 'noSuchTime' ? tt('input.time.noSuchTime') : tt('input.time.format', { pattern: timePattern(lang) });
}

/**
 * Keeps a field's text beside its ISO value: the text follows the value when
 * the page changes it (or the language changes), and a typed text that means
 * a value is sent on at once.
 */
function useTypedText(value: string, format: (v: string) => string) {
  const [text, setText] = useState(() => format(value));
  const emitted = useRef(value);
  const shownFor = useRef(format(value));
  const formatted = format(value);
  if (value !== emitted.current || (shownFor.current !== formatted && value !== '' && text === shownFor.current)) {
    // The page set another value, or the language changed how it is written.
    emitted.current = value;
    shownFor.current = formatted;
    if (text !== formatted) setText(formatted);
  }
  return { text, setText, emitted, shownFor };
}

/** The text of the labels of the element (its <label>s, else its aria-label). */
function useLabelText(ref: RefObject<HTMLInputElement | null>): string {
  const [label, setLabel] = useState('');
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const text = Array.from(el.labels ?? [])
      .map((l) => l.textContent ?? '')
      .join(' ')
      .trim();
    const next = text || el.getAttribute('aria-label') || '';
    if (next !== label) setLabel(next);
  });
  return label;
}

export function DateInput({
  min,
  max,
  calendar = true,
  ...props
}: CommonProps & { min?: string | undefined; max?: string | undefined; calendar?: boolean }) {
  const { id: givenId, name, value, onChange, required, disabled, autoComplete, className } = props;
  const { lang } = useI18n();
  const tt = useInputText();
  const generated = useId();
  const id = givenId ?? generated;
  const format = (v: string) => formatDateInput(v, lang);
  const { text, setText, emitted, shownFor } = useTypedText(value, format);
  // A message shows once the field is left with a wrong text, and stays (following the text) until it is right.
  const [showing, setShowing] = useState(false);
  const [open, setOpen] = useState(false);
  const wrapper = useRef<HTMLSpanElement>(null);
  const input = useRef<HTMLInputElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  const label = useLabelText(input);

  const parsed = parseDateInput(text, min, max);
  const problem = showing ? parsed.problem : undefined;
  const errorId = `${id}-date-error`;
  const hintId = `${id}-date-format`;
  const labelId = `${id}-date-label`;

  const emit = (next: string) => {
    emitted.current = next;
    shownFor.current = format(next);
    if (next !== value) onChange(next);
  };
  const type = (next: string) => {
    setText(next);
    const p = parseDateInput(next);
    // Out of the bounds still means a date (as with a native field); not a date means "".
    emit(p.problem ? '' : p.value);
    if (!parseDateInput(next, min, max).problem) setShowing(false);
  };
  const pick = (iso: string) => {
    setText(format(iso));
    emit(iso);
    setShowing(false);
    setOpen(false);
    input.current?.focus();
  };

  useEffect(() => {
    if (!open) return;
    const onDown = (e: MouseEvent) => {
      if (wrapper.current && !wrapper.current.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener('mousedown', onDown);
    return () => document.removeEventListener('mousedown', onDown);
  }, [open]);

  const leaveCalendar = (e: FocusEvent) => {
    if (!wrapper.current?.contains(e.relatedTarget as Node | null)) setOpen(false);
  };

  return (
    <span className={['date-input', className ?? ''].join(' ').trim()} ref={wrapper}>
      <span className="date-input-row">
        <input
          ref={input}
          id={id}
          name={name}
          type="text"
          // Digits with a separator key on a phone (a "numeric" pad has none).
          inputMode="decimal"
          autoComplete={autoComplete ?? 'off'}
          placeholder={datePattern(lang)}
          value={text}
          required={required}
          disabled={disabled}
          aria-label={props['aria-label']}
          aria-invalid={problem || props['aria-invalid'] ? true : undefined}
          aria-describedby={joinIds(props['aria-describedby'], hintId, problem && errorId)}
          onChange={(e) => type(e.target.value)}
          onBlur={() => {
            setShowing(!!parsed.problem);
            if (!parsed.problem && parsed.value) setText(format(parsed.value));
          }}
        />
        <span id={hintId} className="visually-hidden">
          {tt('input.format', { pattern: datePattern(lang) })}
        </span>
        {calendar && label && (
          <span id={labelId} className="visually-hidden">
            {label}
          </span>
        )}
        {calendar && (
          // Named by its text ("choose from the calendar") and described by the field's label, so that
          // finding a field by its label (people, screen readers, tests) finds the field alone.
          <button
            ref={button}
            type="button"
            className="icon-btn date-input-open"
            disabled={disabled}
            aria-describedby={label ? labelId : undefined}
            aria-haspopup="dialog"
            aria-expanded={open}
            onClick={() => setOpen((o) => !o)}
          >
            <Icon name="calendar" size={20} />
            <span className="visually-hidden">{tt('input.calendar')}</span>
          </button>
        )}
      </span>
      {open && (
        <span
          className="date-input-popup"
          role="dialog"
          aria-label={label ? tt('input.calendarOf', { label }) : tt('input.calendar')}
          onBlur={leaveCalendar}
          onKeyDown={(e) => {
            if (e.key === 'Escape') {
              // Closes the calendar only, not a dialog the field is in.
              e.preventDefault();
              e.stopPropagation();
              setOpen(false);
              button.current?.focus();
            }
          }}
        >
          <Suspense fallback={<span className="spinner" aria-hidden="true" />}>
            <Calendar lang={lang} value={parsed.value ?? ''} min={min} max={max} onSelect={pick} />
          </Suspense>
        </span>
      )}
      {problem && <FieldMessage id={errorId} text={dateProblemText(tt, lang, problem, min, max)} />}
    </span>
  );
}

export function TimeInput(props: CommonProps) {
  const { id: givenId, name, value, onChange, required, disabled, className } = props;
  const { lang } = useI18n();
  const tt = useInputText();
  const generated = useId();
  const id = givenId ?? generated;
  const { text, setText, emitted, shownFor } = useTypedText(value, formatTimeInput);
  const [showing, setShowing] = useState(false);
  const parsed = parseTimeInput(text);
  const problem = showing ? parsed.problem : undefined;
  const errorId = `${id}-time-error`;
  const hintId = `${id}-time-format`;
  return (
    <span className={['time-input', className ?? ''].join(' ').trim()}>
      <input
        id={id}
        name={name}
        type="text"
        inputMode="decimal"
        autoComplete="off"
        placeholder={timePattern(lang)}
        value={text}
        required={required}
        disabled={disabled}
        aria-label={props['aria-label']}
        aria-invalid={problem || props['aria-invalid'] ? true : undefined}
        aria-describedby={joinIds(props['aria-describedby'], hintId, problem && errorId)}
        onChange={(e) => {
          setText(e.target.value);
          const p = parseTimeInput(e.target.value);
          const next = p.problem ? '' : p.value;
          emitted.current = next;
          shownFor.current = formatTimeInput(next);
          if (next !== value) onChange(next);
          if (!p.problem) setShowing(false);
        }}
        onBlur={() => {
          setShowing(!!parsed.problem);
          if (!parsed.problem && parsed.value) setText(parsed.value);
        }}
      />
      <span id={hintId} className="visually-hidden">
        {tt('input.format', { pattern: timePattern(lang) })}
      </span>
      {problem && <FieldMessage id={errorId} text={timeProblemText(tt, lang, problem)} />}
    </span>
  );
}

/**
 * A date and a time side by side for a datetime-local value
 * ("2026-03-14T14:30"); the label (given by id) names the date part, the time
 * part is named after it.
 */
export function DateTimeInput({ min, max, ...props }: CommonProps & { min?: string | undefined; max?: string | undefined }) {
  const { id: givenId, value, onChange, disabled, required } = props;
  const tt = useInputText();
  const generated = useId();
  const id = givenId ?? generated;
  const [parts, setParts] = useState(() => splitDateTime(value));
  const emitted = useRef(value);
  if (value !== emitted.current) {
    emitted.current = value;
    const next = splitDateTime(value);
    if (next.date !== parts.date || next.time !== parts.time) setParts(next);
  }
  const input = useRef<HTMLSpanElement>(null);
  const [label, setLabel] = useState('');
  useLayoutEffect(() => {
    const el = input.current?.querySelector('input');
    const text = Array.from(el?.labels ?? [])
      .map((l) => l.textContent ?? '')
      .join(' ')
      .trim();
    const next = text || props['aria-label'] || '';
    if (next !== label) setLabel(next);
  });
  const set = (next: { date: string; time: string }) => {
    setParts(next);
    const joined = joinDateTime(next.date, next.time);
    emitted.current = joined;
    if (joined !== value) onChange(joined);
  };
  return (
    <span className="date-time-input" ref={input}>
      <DateInput
        id={id}
        value={parts.date}
        onChange={(date) => set({ ...parts, date })}
        min={min?.slice(0, 10)}
        max={max?.slice(0, 10)}
        aria-describedby={props['aria-describedby']}
        aria-invalid={props['aria-invalid']}
        aria-label={props['aria-label'] ? `${props['aria-label']}, ${tt('input.date')}` : undefined}
        {...(disabled !== undefined ? { disabled } : {})}
        {...(required !== undefined ? { required } : {})}
      />
      <TimeInput
        id={`${id}-time`}
        value={parts.time}
        onChange={(time) => set({ ...parts, time })}
        aria-label={`${label}, ${tt('input.time')}`}
        aria-invalid={props['aria-invalid']}
        {...(disabled !== undefined ? { disabled } : {})}
        {...(required !== undefined ? { required } : {})}
      />
    </span>
  );
}
