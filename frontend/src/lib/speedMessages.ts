// Messages of the weekly-series panel, the volunteer's record links and the
// next shifts of the find-shifts page, loaded with those pages (not in the
// first bundle, which is at its budget): en defines the keys, az and ru are
// typed by it.
import { useCallback } from 'react';
import { useI18n, type Lang } from '../i18n';
import { formatNumber } from './format';

interface Plural {
  zero?: string;
  one?: string;
  few?: string;
  many?: string;
  other: string;
}

const en = {
  'record.title': 'Your record',
  'record.hours': 'Hours',
  'record.hoursText': 'Time credited and awards',
  'record.certificates': 'Certificates',
  'record.certificatesText': 'PDF with a QR code to verify',
  'record.feed': 'Calendar feed',
  'record.feedText': 'Your shifts in your phone’s calendar',
  'browse.next.title': 'No more shifts today',
  'browse.next.lead': 'The next open shifts:',
  'browse.next.none': 'Nothing is open in the coming weeks yet. Check back soon.',
  'series.title': 'Weekly series',
  'series.lead': 'Change or cancel this shift and the later ones of its series. Shifts that have started stay as they are.',
  'series.from': 'From date',
  'series.fromHint': 'Shifts of the series on and after this date change.',
  'series.change': 'Change from this date',
  'series.cancel': 'Cancel the series from this date',
  'series.cancelConfirm': 'Cancel these shifts',
  'series.cancelText': 'Every shift of the series from {date} on is cancelled; the volunteers in them lose their places and each is told once.',
  'series.capacityHeld': 'More places are held in one of these shifts than this. Release places by name first, or keep a higher capacity.',
  'series.changed': { one: '{count} shift changed.', other: '{count} shifts changed.' },
  'series.cancelled': { one: '{count} shift cancelled.', other: '{count} shifts cancelled.' },
  'series.notified': { zero: 'Nobody needed telling.', one: '{count} volunteer was told once.', other: '{count} volunteers were told, once each.' },
} as const;

type Key = keyof typeof en;
type Catalog = { readonly [K in Key]: (typeof en)[K] extends string ? string : Plural };

const az: Catalog = {
  'record.title': 'Fəaliyyətiniz',
  'record.hours': 'Saatlar',
  'record.hoursText': 'Hesablanmış vaxt və mükafatlar',
  'record.certificates': 'Sertifikatlar',
  'record.certificatesText': 'Yoxlama üçün QR kodlu PDF',
  'record.feed': 'Təqvim lenti',
  'record.feedText': 'Növbələriniz telefonunuzun təqvimində',
  'browse.next.title': 'Bu gün başqa növbə yoxdur',
  'browse.next.lead': 'Növbəti açıq növbələr:',
  'browse.next.none': 'Yaxın həftələrdə hələ açıq növbə yoxdur. Bir az sonra yenidən baxın.',
  'series.title': 'Həftəlik seriya',
  'series.lead': 'Bu növbəni və seriyanın sonrakı növbələrini dəyişin və ya ləğv edin. Başlamış növbələr olduğu kimi qalır.',
  'series.from': 'Bu tarixdən',
  'series.fromHint': 'Seriyanın bu tarixdə və sonrakı növbələri dəyişir.',
  'series.change': 'Bu tarixdən dəyiş',
  'series.cancel': 'Seriyanı bu tarixdən ləğv et',
  'series.cancelConfirm': 'Bu növbələri ləğv et',
  'series.cancelText': 'Seriyanın {date} tarixindən sonrakı bütün növbələri ləğv olunur; onlardakı könüllülər yerlərini itirir və hər birinə bir dəfə bildiriş gedir.',
  'series.capacityHeld': 'Bu növbələrin birində bundan çox yer tutulub. Əvvəlcə yerləri adla boşaldın və ya daha böyük say saxlayın.',
  'series.changed': { one: '{count} növbə dəyişdi.', other: '{count} növbə dəyişdi.' },
  'series.cancelled': { one: '{count} növbə ləğv edildi.', other: '{count} növbə ləğv edildi.' },
  'series.notified': { zero: 'Heç kimə bildiriş lazım olmadı.', one: '{count} könüllüyə bir dəfə bildiriş getdi.', other: '{count} könüllüyə bir dəfə bildiriş getdi.' },
};

const ru: Catalog = {
  'record.title': 'Ваша активность',
  'record.hours': 'Часы',
  'record.hoursText': 'Засчитанное время и награды',
  'record.certificates': 'Сертификаты',
  'record.certificatesText': 'PDF с QR-кодом для проверки',
  'record.feed': 'Календарь',
  'record.feedText': 'Ваши смены в календаре телефона',
  'browse.next.title': 'Сегодня смен больше нет',
  'browse.next.lead': 'Ближайшие открытые смены:',
  'browse.next.none': 'В ближайшие недели открытых смен пока нет. Загляните позже.',
  'series.title': 'Еженедельная серия',
  'series.lead': 'Измените или отмените эту смену и следующие смены серии. Начавшиеся смены не меняются.',
  'series.from': 'С даты',
  'series.fromHint': 'Меняются смены серии в эту дату и позже.',
  'series.change': 'Изменить с этой даты',
  'series.cancel': 'Отменить серию с этой даты',
  'series.cancelConfirm': 'Отменить эти смены',
  'series.cancelText': 'Все смены серии с {date} отменяются; волонтёры в них теряют места, и каждый получает одно уведомление.',
  'series.capacityHeld': 'В одной из этих смен занято больше мест. Сначала освободите места по имени или оставьте больше мест.',
  'series.changed': { one: 'Изменена {count} смена.', few: 'Изменены {count} смены.', many: 'Изменено {count} смен.', other: 'Изменено {count} смены.' },
  'series.cancelled': { one: 'Отменена {count} смена.', few: 'Отменены {count} смены.', many: 'Отменено {count} смен.', other: 'Отменено {count} смены.' },
  'series.notified': { zero: 'Уведомлять никого не пришлось.', one: 'Уведомлён {count} волонтёр, один раз.', few: 'Уведомлены {count} волонтёра, по одному разу.', many: 'Уведомлены {count} волонтёров, по одному разу.', other: 'Уведомлены {count} волонтёра, по одному разу.' },
};

const catalogs: Record<Lang, Catalog> = { az, en, ru };

/** t for these messages: {name} filled in, plural forms by Intl.PluralRules (zero when given). */
export function useSpeedT(): (key: Key, vars?: Record<string, string | number>) => string {
  const { lang, locale } = useI18n();
  return useCallback(
    (key, vars) => {
      const m: string | Plural = catalogs[lang][key];
      let text: string;
      if (typeof m === 'string') text = m;
      else {
        const n = Number(vars?.count ?? 0);
        const form = n === 0 && m.zero !== undefined ? 'zero' : (new Intl.PluralRules(locale).select(n) as keyof Plural);
        text = m[form] ?? m.other;
      }
      if (!vars) return text;
      return text.replace(/\{(\w+)\}/g, (whole, name: string) => {
        const v = vars[name];
        if (v === undefined) return whole;
        return typeof v === 'number' ? formatNumber(v, locale) : v;
      });
    },
    [lang, locale],
  );
}
