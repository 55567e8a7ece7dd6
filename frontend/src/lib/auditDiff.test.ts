import { describe, expect, it } from 'vitest';
import { hiddenField, readableDiff, readableValue, type ReadableText } from './auditDiff';
import { fieldName, actionName, kindName, jobName, humanize } from '../pages/admin/messages';

const words: Record<string, string> = { PUBLISHED: 'Опубликована', CANCELLED: 'Отменена', COORDINATOR: 'Координатор', VOLUNTEER: 'Волонтёр' };

const ru: ReadableText = {
  locale: 'ru-RU',
  timeZone: 'Asia/Baku',
  field: (f) => fieldName(f, 'ru'),
  value: (_f, v) => words[v],
  yes: 'да',
  no: 'нет',
  none: '—',
};

const shift = {
  ID: 12,
  CentreID: 1,
  PositionID: 2,
  StartsAt: '2026-12-10T05:00:00Z',
  EndsAt: '2026-12-10T09:30:00Z',
  Capacity: 3,
  Status: 'PUBLISHED',
  ConfirmedCount: 1,
  CancelReason: '',
  SeriesID: 0,
};

describe('a change field by field, in words', () => {
  it('names the fields that changed and shows statuses in the reader’s language', () => {
    const after = { ...shift, Status: 'CANCELLED', CancelReason: 'Su basıb' };
    expect(readableDiff(JSON.stringify(shift), JSON.stringify(after), ru)).toEqual([
      { field: 'Status', label: 'Статус', before: 'Опубликована', after: 'Отменена' },
      { field: 'CancelReason', label: 'Причина отмены', before: '—', after: 'Su basıb' },
    ]);
  });

  it('shows times in the reader’s zone and language, 24-hour, and numbers in the locale', () => {
    const after = { ...shift, StartsAt: '2026-12-10T09:30:00Z', Capacity: 1200 };
    const rows = readableDiff(JSON.stringify(shift), JSON.stringify(after), ru)!;
    expect(rows.map((r) => r.label)).toEqual(['Начало', 'Мест']);
    expect(rows[0]!.before).toMatch(/09:00/);
    expect(rows[0]!.after).toMatch(/13:30/);
    expect(rows[0]!.after).toMatch(/дек/);
    expect(rows[1]!.after).toBe(new Intl.NumberFormat('ru-RU').format(1200));
    const az = readableDiff(JSON.stringify(shift), JSON.stringify({ ...shift, Capacity: 2000 }), { ...ru, locale: 'az' })!;
    expect(az[0]!.after).toBe('2.000');
  });

  it('leaves ids out, lists lists, says yes and no, and a date of birth as a day', () => {
    const before = { ID: 4, VolunteerID: 9, Roles: ['VOLUNTEER'], CentreIDs: [], SelfCheckIn: false, BirthDate: '2008-05-17T00:00:00Z' };
    const after = { ID: 4, VolunteerID: 9, Roles: ['COORDINATOR', 'VOLUNTEER'], CentreIDs: [3], SelfCheckIn: true, BirthDate: '2008-05-18T00:00:00Z' };
    const rows = readableDiff(JSON.stringify(before), JSON.stringify(after), ru)!;
    expect(rows).toEqual([
      { field: 'Roles', label: 'Роли', before: 'Волонтёр', after: 'Координатор, Волонтёр' },
      { field: 'SelfCheckIn', label: 'Самоотметка', before: 'нет', after: 'да' },
      { field: 'BirthDate', label: 'Дата рождения', before: '17 мая 2008 г.', after: '18 мая 2008 г.' },
    ]);
    expect(rows.some((r) => /\d{2,}/.test(r.before + r.after) && r.field.endsWith('ID'))).toBe(false);
    expect(hiddenField('CentreIDs')).toBe(true);
    expect(hiddenField('ID')).toBe(true);
    expect(hiddenField('Capacity')).toBe(false);
    expect(hiddenField('Ideas')).toBe(false);
  });

  it('lists what a created object holds, and nothing for JSON that is not an object', () => {
    const rows = readableDiff(null, JSON.stringify({ ID: 3, Name: 'Bakı ASAN 1', Address: '', Timezone: 'Asia/Baku' }), ru)!;
    expect(rows).toEqual([
      { field: 'Name', label: 'Название', before: '—', after: 'Bakı ASAN 1' },
      { field: 'Timezone', label: 'Часовой пояс', before: '—', after: 'Asia/Baku' },
    ]);
    expect(readableDiff('[1]', '{}', ru)).toBeNull();
    expect(readableDiff('not json', '{}', ru)).toBeNull();
    expect(readableDiff(null, null, ru)).toBeNull();
  });

  it('reads nested objects as their fields, ids left out', () => {
    expect(readableValue('GuardianConsent', { VolunteerID: 3, GuardianName: 'Leyla', Relationship: 'mother' }, ru)).toBe('Родитель: Leyla; Родство: mother');
  });
});

describe('actions, kinds, fields and jobs in words', () => {
  it('names each in the language, and what has no words in words from its name', () => {
    expect(actionName('grantRole', 'ru')).toBe('Роль выдана');
    expect(actionName('grantRole', 'az')).toBe('Rol verildi');
    expect(actionName('archiveCentre', 'ru')).toBe('Центр в архиве');
    expect(actionName('mergeCentres', 'en')).toBe('Merge centres');
    expect(kindName('Shift', 'ru')).toBe('Смена');
    expect(kindName('Volunteer', 'az')).toBe('Könüllü');
    expect(fieldName('CancelReason', 'en')).toBe('Reason for cancelling');
    expect(fieldName('NameRu', 'en')).toBe('Name ru');
    expect(jobName('hour-tally', 'ru')).toBe('Подсчёт часов волонтёров');
    expect(jobName('new-job', 'az')).toBe('New job');
    expect(humanize('checkInVolunteerByCode')).toBe('Check in volunteer by code');
  });
});
