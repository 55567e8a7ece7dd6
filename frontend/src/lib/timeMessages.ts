// Words of issue 12's "Time" and "reader's language" features (past work
// credited on an ended shift's page, the notification language following
// the app's): en defines the keys, az and ru are typed by it.
import { useCallback } from 'react';
import { useI18n } from '../i18n';

const en = {
  'pastWork.title': 'Credit past work',
  'pastWork.lead': 'This shift has ended: no one can be assigned to it any more. Record here who worked in it and when; their hours are credited at once.',
  'pastWork.search': 'Volunteer’s name',
  'pastWork.searchHint': 'Type at least two letters.',
  'pastWork.none': 'No volunteer by that name.',
  'pastWork.choose': 'Choose',
  'pastWork.chosen': 'Chosen: {name}',
  'pastWork.arrived': 'Arrived',
  'pastWork.left': 'Left',
  'pastWork.record': 'Credit the work',
  'pastWork.done': '{name}: {hours} credited.',
  'notify.follow': 'Same as the app’s language ({lang})',
  'notify.followUnknown': 'Same as the app’s language',
  'notify.apart': 'A language of its own',
  'notify.languageLead': 'Notifications, calendar feeds and downloaded reports are written in this language.',
};

type Key = keyof typeof en;

const az: Record<Key, string> = {
  'pastWork.title': 'Keçmiş işi qeyd et',
  'pastWork.lead': 'Bu növbə bitib: artıq heç kəsi ona təyin etmək olmaz. Burada kimin və nə vaxt işlədiyini qeyd edin; saatları dərhal hesablanır.',
  'pastWork.search': 'Könüllünün adı',
  'pastWork.searchHint': 'Ən azı iki hərf yazın.',
  'pastWork.none': 'Bu adda könüllü yoxdur.',
  'pastWork.choose': 'Seç',
  'pastWork.chosen': 'Seçilib: {name}',
  'pastWork.arrived': 'Gəldi',
  'pastWork.left': 'Getdi',
  'pastWork.record': 'İşi qeyd et',
  'pastWork.done': '{name}: {hours} hesablandı.',
  'notify.follow': 'Tətbiqin dili ilə eyni ({lang})',
  'notify.followUnknown': 'Tətbiqin dili ilə eyni',
  'notify.apart': 'Ayrıca dil',
  'notify.languageLead': 'Bildirişlər, təqvim axınları və yüklənən hesabatlar bu dildə yazılır.',
};

const ru: Record<Key, string> = {
  'pastWork.title': 'Засчитать прошедшую работу',
  'pastWork.lead': 'Эта смена закончилась: назначить на неё уже никого нельзя. Укажите здесь, кто и когда на ней работал; часы засчитываются сразу.',
  'pastWork.search': 'Имя волонтёра',
  'pastWork.searchHint': 'Введите хотя бы две буквы.',
  'pastWork.none': 'Волонтёра с таким именем нет.',
  'pastWork.choose': 'Выбрать',
  'pastWork.chosen': 'Выбрано: {name}',
  'pastWork.arrived': 'Пришёл(ла)',
  'pastWork.left': 'Ушёл(ла)',
  'pastWork.record': 'Засчитать работу',
  'pastWork.done': '{name}: засчитано {hours}.',
  'notify.follow': 'Как в приложении ({lang})',
  'notify.followUnknown': 'Как в приложении',
  'notify.apart': 'Отдельный язык',
  'notify.languageLead': 'На этом языке пишутся уведомления, календарные ленты и загружаемые отчёты.',
};

const catalogues = { az, en, ru } as const;

/** The words in the chosen language, {name} filled in. */
export function useTimeText(): (key: Key, vars?: Record<string, string | number>) => string {
  const { lang } = useI18n();
  return useCallback(
    (key: Key, vars?: Record<string, string | number>) =>
      catalogues[lang][key].replace(/\{(\w+)\}/g, (whole, name: string) => (vars && vars[name] !== undefined ? String(vars[name]) : whole)),
    [lang],
  );
}
