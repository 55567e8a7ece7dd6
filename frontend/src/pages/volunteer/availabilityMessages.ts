// The words of centres' day blocks on the availability page and of partial
// matches on the shift page: en defines the keys, az and ru are typed by it.
import { useCallback } from 'react';
import { useI18n } from '../../i18n';

const en = {
  'blocks.lead': 'Tick the blocks you are free for: they are the shifts’ blocks of {centres}.',
  'blocks.leadMany': 'Tick the blocks you are free for: they are the shifts’ blocks of the centres you prefer.',
  'blocks.closed': 'No shifts on this day.',
  'blocks.clash': 'Overlaps a time you entered',
  'partial.heading': 'Free for part of the shift',
  'partial.lead': 'Their availability covers only part of this shift: ask them before assigning. They are never assigned automatically.',
  'partial.badge': 'Partly free',
  'partial.covers': 'free for {covered} of {total}',
  'partial.none': 'Nobody is free for part of this shift either.',
};
type Key = keyof typeof en;

const az: Record<Key, string> = {
  'blocks.lead': 'Boş olduğunuz blokları seçin: bunlar {centres} növbələrinin bloklarıdır.',
  'blocks.leadMany': 'Boş olduğunuz blokları seçin: bunlar üstünlük verdiyiniz mərkəzlərin növbə bloklarıdır.',
  'blocks.closed': 'Bu gün növbə yoxdur.',
  'blocks.clash': 'Daxil etdiyiniz vaxtla üst-üstə düşür',
  'partial.heading': 'Növbənin bir hissəsinə boşdur',
  'partial.lead': 'Onların vaxtı növbənin yalnız bir hissəsini əhatə edir: təyin etməzdən əvvəl soruşun. Onlar heç vaxt avtomatik təyin edilmir.',
  'partial.badge': 'Qismən boş',
  'partial.covers': '{total} vaxtın {covered} hissəsi boşdur',
  'partial.none': 'Növbənin bir hissəsinə də boş olan yoxdur.',
};

const ru: Record<Key, string> = {
  'blocks.lead': 'Отметьте блоки, в которые вы свободны: это блоки смен центра {centres}.',
  'blocks.leadMany': 'Отметьте блоки, в которые вы свободны: это блоки смен выбранных вами центров.',
  'blocks.closed': 'В этот день смен нет.',
  'blocks.clash': 'Пересекается с введённым вами временем',
  'partial.heading': 'Свободны на часть смены',
  'partial.lead': 'Их время покрывает только часть смены: спросите, прежде чем назначать. Их никогда не назначают автоматически.',
  'partial.badge': 'Свободен частично',
  'partial.covers': 'свободен {covered} из {total}',
  'partial.none': 'Свободных даже на часть смены нет.',
};

const catalogues = { az, en, ru } as const;

/** These words in the chosen language, {name} filled in. */
export function useBlocksText(): (key: Key, vars?: Record<string, string | number>) => string {
  const { lang } = useI18n();
  return useCallback(
    (key: Key, vars?: Record<string, string | number>) =>
      catalogues[lang][key].replace(/\{(\w+)\}/g, (whole, name: string) => (vars && vars[name] !== undefined ? String(vars[name]) : whole)),
    [lang],
  );
}
