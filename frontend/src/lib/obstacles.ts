// What stands between a volunteer and a place (the API's SignupObstacle, and
// a refusal's extensions), said in words in az, en and ru. The same words
// serve the coordinator's search (assign by name), the volunteer's shift
// cards and every refused signup.
import { useCallback } from 'react';
import { useI18n, type Lang } from '../i18n';
import { qualificationName, type QualificationName } from '../api/errors';
export { fromExtensions } from '../api/errors';
import { formatShortDay, formatTimeRange } from './format';

/** The shift a volunteer already holds at the same time. */
export interface ClashFacts {
  startsAt: string;
  endsAt: string;
  centre: string;
  position: string;
  timezone: string;
}

/** An obstacle and its facts, whichever way it came. */
export interface ObstacleFacts {
  code: string;
  blocking?: boolean;
  days?: number | null;
  minimumAge?: number | null;
  age?: number | null;
  adultAge?: number | null;
  qualifications?: QualificationName[];
  expiring?: string[];
  status?: string | null;
  clash?: ClashFacts | null;
}

/** The SignupObstacle type as operations select it (ObstacleFields). */
export interface ObstacleNode {
  code: string;
  blocking: boolean;
  days?: number | null;
  minimumAge?: number | null;
  age?: number | null;
  adultAge?: number | null;
  expiring: string[];
  status?: string | null;
  qualifications: { name: string; az?: string | null; en?: string | null; ru?: string | null }[];
  clash?: { startsAt: string; endsAt: string; centre: { name: string; timezone: string }; position: { name: string } } | null;
}

/** An obstacle of the API in the form the words take. */
export function fromNode(o: ObstacleNode): ObstacleFacts {
  return {
    code: o.code,
    blocking: o.blocking,
    days: o.days,
    minimumAge: o.minimumAge,
    age: o.age,
    adultAge: o.adultAge,
    expiring: o.expiring,
    status: o.status,
    qualifications: o.qualifications.map((q) => ({ name: q.name, az: q.az ?? undefined, en: q.en ?? undefined, ru: q.ru ?? undefined })),
    clash: o.clash
      ? { startsAt: o.clash.startsAt, endsAt: o.clash.endsAt, centre: o.clash.centre.name, position: o.clash.position.name, timezone: o.clash.centre.timezone }
      : null,
  };
}

const en = {
  SHIFT_CANCELLED: 'The centre cancelled this shift.',
  SHIFT_NOT_PUBLISHED: 'Signup for this shift is not open yet.',
  SHIFT_ENDED: 'The shift has ended: credit the work done as past attendance instead.',
  SHIFT_STARTED: 'This shift has already started.',
  SIGNUP_NOT_OPEN_YET: 'Signup opens {days} days before the shift.',
  AWAITING_APPROVAL: 'The registration is waiting for a coordinator’s approval.',
  VOLUNTEER_NOT_ACTIVE: 'The account is suspended.',
  MISSING_QUALIFICATIONS: 'Needs the qualification: {names}.',
  'MISSING_QUALIFICATIONS.expiring': 'The qualification {names} expires before the shift ends.',
  UNDER_MINIMUM_AGE: 'For ages {min} and over (age on the shift’s day: {age}).',
  'UNDER_MINIMUM_AGE.unknown': 'For ages {min} and over, and the birth date is not on record.',
  GUARDIAN_CONSENT_MISSING: 'Under {adult}: a parent’s or guardian’s consent is needed first. A coordinator records it at the centre.',
  OVERLAPPING_SHIFT: 'Clashes with another shift: {position}, {centre}, {when}.',
  'OVERLAPPING_SHIFT.unknown': 'Already has another shift at that time.',
  ALREADY_ASSIGNED: 'Already has a place in this shift.',
  SHIFT_FULL: 'The shift is full: this puts them on the waitlist.',
  other: 'Cannot take this shift.',
};

type Key = keyof typeof en;

const az: Record<Key, string> = {
  SHIFT_CANCELLED: 'Mərkəz bu növbəni ləğv edib.',
  SHIFT_NOT_PUBLISHED: 'Bu növbəyə yazılış hələ açılmayıb.',
  SHIFT_ENDED: 'Növbə bitib: görülən işi keçmiş iştirak kimi qeyd edin.',
  SHIFT_STARTED: 'Bu növbə artıq başlayıb.',
  SIGNUP_NOT_OPEN_YET: 'Yazılış növbədən {days} gün əvvəl açılır.',
  AWAITING_APPROVAL: 'Qeydiyyat koordinatorun təsdiqini gözləyir.',
  VOLUNTEER_NOT_ACTIVE: 'Hesab dayandırılıb.',
  MISSING_QUALIFICATIONS: 'Bu ixtisas tələb olunur: {names}.',
  'MISSING_QUALIFICATIONS.expiring': '{names} ixtisasının müddəti növbə bitməzdən əvvəl başa çatır.',
  UNDER_MINIMUM_AGE: '{min} yaş və yuxarı üçündür (növbə günü yaş: {age}).',
  'UNDER_MINIMUM_AGE.unknown': '{min} yaş və yuxarı üçündür, doğum tarixi qeyd olunmayıb.',
  GUARDIAN_CONSENT_MISSING: '{adult} yaşdan kiçiklər üçün əvvəlcə valideyn və ya qəyyum razılığı lazımdır. Onu mərkəzdə koordinator qeydə alır.',
  OVERLAPPING_SHIFT: 'Başqa növbə ilə üst-üstə düşür: {position}, {centre}, {when}.',
  'OVERLAPPING_SHIFT.unknown': 'Həmin vaxt artıq başqa növbə var.',
  ALREADY_ASSIGNED: 'Bu növbədə artıq yeri var.',
  SHIFT_FULL: 'Növbə doludur: gözləmə siyahısına düşəcək.',
  other: 'Bu növbəni götürmək olmur.',
};

const ru: Record<Key, string> = {
  SHIFT_CANCELLED: 'Центр отменил эту смену.',
  SHIFT_NOT_PUBLISHED: 'Запись на эту смену ещё не открыта.',
  SHIFT_ENDED: 'Смена закончилась: отметьте сделанную работу как прошедшее участие.',
  SHIFT_STARTED: 'Эта смена уже началась.',
  SIGNUP_NOT_OPEN_YET: 'Запись открывается за {days} дн. до смены.',
  AWAITING_APPROVAL: 'Регистрация ждёт подтверждения координатора.',
  VOLUNTEER_NOT_ACTIVE: 'Аккаунт приостановлен.',
  MISSING_QUALIFICATIONS: 'Нужна квалификация: {names}.',
  'MISSING_QUALIFICATIONS.expiring': 'Срок квалификации {names} истекает до конца смены.',
  UNDER_MINIMUM_AGE: 'Для возраста от {min} лет (возраст в день смены: {age}).',
  'UNDER_MINIMUM_AGE.unknown': 'Для возраста от {min} лет, а дата рождения не указана.',
  GUARDIAN_CONSENT_MISSING: 'До {adult} лет сначала нужно согласие родителя или опекуна. Его записывает координатор в центре.',
  OVERLAPPING_SHIFT: 'Пересекается с другой сменой: {position}, {centre}, {when}.',
  'OVERLAPPING_SHIFT.unknown': 'В это время уже есть другая смена.',
  ALREADY_ASSIGNED: 'Уже есть место в этой смене.',
  SHIFT_FULL: 'Смена заполнена: попадёт в лист ожидания.',
  other: 'Эту смену взять нельзя.',
};

const catalogues: Record<Lang, Record<Key, string>> = { az, en, ru };

const fill = (s: string, vars: Record<string, string | number>) => s.replace(/\{(\w+)\}/g, (whole, k: string) => (vars[k] !== undefined ? String(vars[k]) : whole));

/** An obstacle in words, in a language (pure: tests call it directly). */
export function obstacleText(o: ObstacleFacts, lang: Lang, locale: string): string {
  const c = catalogues[lang];
  switch (o.code) {
    case 'SIGNUP_NOT_OPEN_YET':
      return fill(c.SIGNUP_NOT_OPEN_YET, { days: o.days ?? 60 });
    case 'MISSING_QUALIFICATIONS': {
      const qs = o.qualifications ?? [];
      const names = qs.map((q) => qualificationName(q, lang)).join(', ');
      const allExpiring = qs.length > 0 && (o.expiring?.length ?? 0) === qs.length;
      return fill(allExpiring ? c['MISSING_QUALIFICATIONS.expiring'] : c.MISSING_QUALIFICATIONS, { names });
    }
    case 'UNDER_MINIMUM_AGE':
      return o.age == null ? fill(c['UNDER_MINIMUM_AGE.unknown'], { min: o.minimumAge ?? '' }) : fill(c.UNDER_MINIMUM_AGE, { min: o.minimumAge ?? '', age: o.age });
    case 'GUARDIAN_CONSENT_MISSING':
      return fill(c.GUARDIAN_CONSENT_MISSING, { adult: o.adultAge ?? 18 });
    case 'OVERLAPPING_SHIFT': {
      const k = o.clash;
      if (!k) return c['OVERLAPPING_SHIFT.unknown'];
      const when = `${formatShortDay(k.startsAt, locale, k.timezone)} ${formatTimeRange(k.startsAt, k.endsAt, locale, k.timezone)}`;
      return fill(c.OVERLAPPING_SHIFT, { position: k.position, centre: k.centre, when });
    }
    default:
      return o.code in c ? c[o.code as Key] : c.other;
  }
}

/** The obstacle's words in the chosen language. */
export function useObstacleText(): (o: ObstacleFacts) => string {
  const { lang, locale } = useI18n();
  return useCallback((o: ObstacleFacts) => obstacleText(o, lang, locale), [lang, locale]);
}
