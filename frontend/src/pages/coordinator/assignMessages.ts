// The words of "assign by name" on a shift's page (issue 12), loaded with
// that page: en defines the keys, az and ru are typed by it.
import { useCallback } from 'react';
import { useI18n } from '../../i18n';

const en = {
  'assign.title': 'Assign by name',
  'assign.lead': 'Find any active volunteer by name, or by their whole email address or phone number.',
  'assign.search': 'Name, email or phone',
  'assign.searchHint': 'At least 2 characters. An email or a phone number must be typed whole.',
  'assign.go': 'Search',
  'assign.none': 'Nobody found.',
  'assign.assign': 'Assign',
  'assign.waitlist': 'Add to waitlist',
  'assign.assignName': 'Assign {name}',
  'assign.canTake': 'Can take this shift',
  'assign.assigned': '{name} is assigned.',
  'assign.results': 'Volunteers found',
};

type Key = keyof typeof en;

const az: Record<Key, string> = {
  'assign.title': 'Adla təyin et',
  'assign.lead': 'İstənilən aktiv könüllünü adı, yaxud tam e-poçt ünvanı və ya telefon nömrəsi ilə tapın.',
  'assign.search': 'Ad, e-poçt və ya telefon',
  'assign.searchHint': 'Ən azı 2 simvol. E-poçt və ya telefon nömrəsi tam yazılmalıdır.',
  'assign.go': 'Axtar',
  'assign.none': 'Heç kim tapılmadı.',
  'assign.assign': 'Təyin et',
  'assign.waitlist': 'Gözləmə siyahısına sal',
  'assign.assignName': '{name} təyin et',
  'assign.canTake': 'Bu növbəni götürə bilər',
  'assign.assigned': '{name} təyin olundu.',
  'assign.results': 'Tapılan könüllülər',
};

const ru: Record<Key, string> = {
  'assign.title': 'Назначить по имени',
  'assign.lead': 'Найдите любого активного волонтёра по имени или по полному адресу почты или номеру телефона.',
  'assign.search': 'Имя, почта или телефон',
  'assign.searchHint': 'Не меньше 2 символов. Почту или телефон нужно ввести полностью.',
  'assign.go': 'Найти',
  'assign.none': 'Никого не найдено.',
  'assign.assign': 'Назначить',
  'assign.waitlist': 'В лист ожидания',
  'assign.assignName': 'Назначить: {name}',
  'assign.canTake': 'Может взять эту смену',
  'assign.assigned': '{name}: назначение сделано.',
  'assign.results': 'Найденные волонтёры',
};

const catalogues = { az, en, ru } as const;

/** The words of assign by name in the chosen language, {name} filled in. */
export function useAssignText(): (key: Key, vars?: Record<string, string | number>) => string {
  const { lang } = useI18n();
  return useCallback(
    (key: Key, vars?: Record<string, string | number>) =>
      catalogues[lang][key].replace(/\{(\w+)\}/g, (whole, name: string) => (vars && vars[name] !== undefined ? String(vars[name]) : whole)),
    [lang],
  );
}
