// A guardian's consent, explained to a volunteer under 18 (issue 12): at
// registration, once the birth date says so, and on the profile until a
// coordinator has recorded it. The words are here in az, en and ru.
import { useI18n, type Lang } from '../i18n';
import { Alert } from '../components/ui';

/** The age from which no guardian's consent is needed (konullu.AdultAge). */
export const adultAge = 18;

/** Age in whole years on a day of someone born on a date (both YYYY-MM-DD); null for an unreadable date. */
export function ageOn(birthDate: string, day: string): number | null {
  const b = /^(\d{4})-(\d{2})-(\d{2})$/.exec(birthDate);
  const d = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!b || !d) return null;
  let age = Number(d[1]) - Number(b[1]);
  if (Number(d[2]) < Number(b[2]) || (d[2] === b[2] && Number(d[3]) < Number(b[3]))) age--;
  return age;
}

/** Whether someone born on the date needs a guardian's consent on the day. */
export function needsConsent(birthDate: string, day: string): boolean {
  const age = ageOn(birthDate, day);
  return age !== null && age >= 0 && age < adultAge;
}

const words: Record<Lang, { title: string; how: string; after: string; recorded: string }> = {
  en: {
    title: 'Under 18: a parent’s or guardian’s consent is needed before your first shift',
    how: 'Come to the centre with your parent or guardian (or bring their signed consent). A coordinator records it; you can register and look at shifts meanwhile.',
    after: 'You get a notification as soon as it is recorded, and can then sign up for shifts.',
    recorded: 'Your guardian’s consent is on record: you can sign up for shifts.',
  },
  az: {
    title: '18 yaşdan kiçiksiniz: ilk növbədən əvvəl valideyn və ya qəyyum razılığı lazımdır',
    how: 'Valideyniniz və ya qəyyumunuzla mərkəzə gəlin (yaxud onun imzaladığı razılığı gətirin). Koordinator onu qeydə alır; o vaxta qədər qeydiyyatdan keçib növbələrə baxa bilərsiniz.',
    after: 'Razılıq qeydə alınan kimi bildiriş alacaqsınız və növbələrə yazıla biləcəksiniz.',
    recorded: 'Valideyn razılığınız qeydə alınıb: növbələrə yazıla bilərsiniz.',
  },
  ru: {
    title: 'Вам нет 18: до первой смены нужно согласие родителя или опекуна',
    how: 'Приходите в центр с родителем или опекуном (или принесите подписанное им согласие). Координатор его запишет; а пока можно зарегистрироваться и смотреть смены.',
    after: 'Как только согласие будет записано, придёт уведомление, и можно будет записываться на смены.',
    recorded: 'Согласие родителя записано: можно записываться на смены.',
  },
};

/** What a minor needs to know about the guardian's consent; nothing for adults. */
export function ConsentExplainer({ needed, recorded }: { needed: boolean; recorded?: boolean }) {
  const { lang } = useI18n();
  const w = words[lang];
  if (!needed) return null;
  if (recorded) return <Alert tone="success" title={w.recorded} />;
  return (
    <div data-testid="consent-explainer">
      <Alert tone="info" title={w.title}>
        <p>{w.how}</p>
        <p>{w.after}</p>
      </Alert>
    </div>
  );
}
