// The date and time fields' own words (their format, what is wrong with what
// was typed): en defines the keys, az and ru are typed by it.
import { useCallback } from 'react';
import { useI18n } from '../i18n';

const en = {
  'input.format': 'Format: {pattern}',
  'input.date.format': 'Enter the date as day, month and year: {pattern}, such as {example}.',
  'input.date.noSuchDay': 'There is no such day: check the day and the month.',
  'input.date.year': 'Write the year in full, with four digits, such as {year}.',
  'input.date.tooEarly': 'Choose {date} or later.',
  'input.date.tooLate': 'Choose {date} or earlier.',
  'input.time.format': 'Enter the time in 24 hours: {pattern}, such as 14:30.',
  'input.time.noSuchTime': 'There is no such time: hours go from 00 to 23, minutes from 00 to 59.',
  'input.calendar': 'Choose from the calendar',
  'input.calendarOf': 'Calendar: {label}',
  'input.time': 'time',
  'input.date': 'date',
};

type Key = keyof typeof en;

const az: Record<Key, string> = {
  'input.format': 'Format: {pattern}',
  'input.date.format': 'Tarixi gün, ay və il kimi yazın: {pattern}, məsələn {example}.',
  'input.date.noSuchDay': 'Belə gün yoxdur: günü və ayı yoxlayın.',
  'input.date.year': 'İli tam, dörd rəqəmlə yazın, məsələn {year}.',
  'input.date.tooEarly': '{date} və ya sonrakı tarixi seçin.',
  'input.date.tooLate': '{date} və ya əvvəlki tarixi seçin.',
  'input.time.format': 'Vaxtı 24 saat formatında yazın: {pattern}, məsələn 14:30.',
  'input.time.noSuchTime': 'Belə vaxt yoxdur: saat 00-dan 23-ə, dəqiqə 00-dan 59-a qədərdir.',
  'input.calendar': 'Təqvimdən seçin',
  'input.calendarOf': 'Təqvim: {label}',
  'input.time': 'vaxt',
  'input.date': 'tarix',
};

const ru: Record<Key, string> = {
  'input.format': 'Формат: {pattern}',
  'input.date.format': 'Введите дату как день, месяц и год: {pattern}, например {example}.',
  'input.date.noSuchDay': 'Такого дня нет: проверьте день и месяц.',
  'input.date.year': 'Укажите год полностью, четырьмя цифрами, например {year}.',
  'input.date.tooEarly': 'Выберите {date} или позже.',
  'input.date.tooLate': 'Выберите {date} или раньше.',
  'input.time.format': 'Введите время в 24-часовом формате: {pattern}, например 14:30.',
  'input.time.noSuchTime': 'Такого времени нет: часы от 00 до 23, минуты от 00 до 59.',
  'input.calendar': 'Выбрать в календаре',
  'input.calendarOf': 'Календарь: {label}',
  'input.time': 'время',
  'input.date': 'дата',
};

const catalogues = { az, en, ru } as const;

export type InputText = (key: Key, vars?: Record<string, string | number>) => string;

/** The date and time fields' words in the chosen language, {name} filled in. */
export function useInputText(): InputText {
  const { lang } = useI18n();
  return useCallback(
    (key: Key, vars?: Record<string, string | number>) =>
      catalogues[lang][key].replace(/\{(\w+)\}/g, (whole, name: string) => (vars && vars[name] !== undefined ? String(vars[name]) : whole)),
    [lang],
  );
}
