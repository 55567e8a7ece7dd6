// The volunteer's record in plain sight: hours, certificates and the
// calendar feed, one tap each from the shifts and the profile (they lived
// behind a text link only).
import { Link } from 'react-router';
import { useI18n } from '../i18n';
import { Icon } from './icons';

export function RecordLinks() {
  const { t } = useI18n();
  return (
    <nav className="record-links" aria-label={t('record.title')}>
      <Link className="record-link card" to="/my-hours">
        <Icon name="hourglass" size={22} />
        <span>
          <strong>{t('record.hours')}</strong>
          <span className="muted small">{t('record.hoursText')}</span>
        </span>
      </Link>
      <Link className="record-link card" to="/my-hours#certificates">
        <Icon name="shield" size={22} />
        <span>
          <strong>{t('record.certificates')}</strong>
          <span className="muted small">{t('record.certificatesText')}</span>
        </span>
      </Link>
      <Link className="record-link card" to="/my-hours#feed">
        <Icon name="calendar" size={22} />
        <span>
          <strong>{t('record.feed')}</strong>
          <span className="muted small">{t('record.feedText')}</span>
        </span>
      </Link>
    </nav>
  );
}
