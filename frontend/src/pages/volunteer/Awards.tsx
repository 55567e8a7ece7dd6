// Awards for hours volunteered, as the server grants them.
import { useQuery } from '../../api/hooks';
import { MyAwardsDocument } from '../../gql/graphql';
import { useI18n } from '../../i18n';
import { formatHours, formatPlainDate } from '../../lib/format';
import { plainDateIn } from '../../lib/time';
import { Icon } from '../../components/icons';

export function Awards() {
  const { t, locale } = useI18n();
  const q = useQuery(MyAwardsDocument, {});
  const awards = q.data?.me?.volunteer?.awards;
  if (!awards) return null; // the hours above say enough while this loads or fails
  return (
    <section className="awards card" aria-labelledby="awards-heading">
      <h2 id="awards-heading" className="card-title">
        <Icon name="shield" size={20} /> {t('awards.title')}
      </h2>
      {awards.length === 0 ? (
        <p className="muted">{t('awards.none')}</p>
      ) : (
        <ul className="award-list">
          {[...awards].reverse().map((a) => (
            <li key={`${a.thresholdHours}-${a.awardedAt}`} className="award">
              <span className="award-hours">{t('awards.hours', { count: a.thresholdHours })}</span>
              <span className="muted small">
                {t('awards.detail', { band: a.band, date: formatPlainDate(plainDateIn(a.awardedAt, 'Asia/Baku'), locale), hours: formatHours(a.minutes, locale) })}
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
