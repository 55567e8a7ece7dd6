// The month grid a date field opens: react-day-picker with date-fns's az, ru
// and en-GB words, weeks from Monday. Loaded only when someone opens it.
import { useEffect, useRef } from 'react';
import { DayPicker, type Matcher } from 'react-day-picker';
import { az, enGB, ru } from 'react-day-picker/locale';
import 'react-day-picker/style.css';
import type { InputLang } from '../lib/dateInput';
import { maxYear, minYear } from '../lib/dateInput';

const locales = { az, en: enGB, ru } as const;

const pad = (n: number) => String(n).padStart(2, '0');

/** A plain date as a local Date at noon (clear of any daylight-saving jump). */
function toDate(iso: string | undefined): Date | undefined {
  const m = iso ? /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso) : null;
  return m ? new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]), 12) : undefined;
}

function toISO(d: Date): string {
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

export default function Calendar({
  lang,
  value,
  min,
  max,
  onSelect,
}: {
  lang: InputLang;
  value: string;
  min?: string | undefined;
  max?: string | undefined;
  onSelect: (iso: string) => void;
}) {
  const selected = toDate(value);
  const minDate = toDate(min);
  const maxDate = toDate(max);
  const today = new Date();
  const disabled: Matcher[] = [];
  if (minDate) disabled.push({ before: minDate });
  if (maxDate) disabled.push({ after: maxDate });
  // The month shown first: the chosen day's, else today's within the bounds.
  let month = selected ?? today;
  if (minDate && month < minDate) month = minDate;
  if (maxDate && month > maxDate) month = maxDate;
  // The whole month in sight (a phone's tab bar and keyboard hide the bottom of the screen).
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    box.current?.scrollIntoView({ block: 'nearest' });
  }, []);
  return (
    <div ref={box} className="calendar-box">
      <DayPicker
        mode="single"
        locale={locales[lang]}
        weekStartsOn={1}
        selected={selected}
        defaultMonth={month}
        onSelect={(d) => d && onSelect(toISO(d))}
        disabled={disabled}
        captionLayout="dropdown"
        startMonth={minDate ?? new Date(Math.max(minYear, today.getFullYear() - 100), 0, 1)}
        endMonth={maxDate ?? new Date(Math.min(maxYear, today.getFullYear() + 10), 11, 31)}
        autoFocus
        showOutsideDays
      />
    </div>
  );
}
