// The volunteer's record in plain sight: hours, certificates and the
// calendar feed, one tap each from the shifts and the profile (they lived
// behind a text link only).
import { Link } from 'react-router';
import { useSpeedT } from '../lib/speedMessages';
import { Icon } from './icons';

export function RecordLinks() {
  const ts = useSpeedT();
  return (
    <nav className="record-links" aria-label={ts('record.title')}>
      <Link className="record-link card" to="/my-hours">
        <Icon name="hourglass" size={22} />
        <span>
          <strong>{ts('record.hours')}</strong>
          <span className="muted small">{ts('record.hoursText')}</span>
        </span>
      </Link>
      <Link className="record-link card" to="/my-hours#certificates">
        <Icon name="shield" size={22} />
        <span>
          <strong>{ts('record.certificates')}</strong>
          <span className="muted small">{ts('record.certificatesText')}</span>
        </span>
      </Link>
      <Link className="record-link card" to="/my-hours#feed">
        <Icon name="calendar" size={22} />
        <span>
          <strong>{ts('record.feed')}</strong>
          <span className="muted small">{ts('record.feedText')}</span>
        </span>
      </Link>
    </nav>
  );
}
