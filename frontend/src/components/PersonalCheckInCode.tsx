// The volunteer's own check-in code, for a coordinator to scan from their
// phone: a QR code renewed as each code's 30 seconds end.
import { useEffect } from 'react';
import { Link } from 'react-router';
import { useQuery } from '../api/hooks';
import { MyCheckInCodeDocument } from '../gql/graphql';
import { useI18n } from '../i18n';
import { untilRefresh } from '../lib/checkin';
import { QrCode } from './QrCode';

export function PersonalCheckInCode() {
  const { t } = useI18n();
  const q = useQuery(MyCheckInCodeDocument, {});
  const v = q.data?.me?.volunteer;
  const until = v?.checkInCodeValidUntil;
  const { refetch } = q;
  useEffect(() => {
    if (!until) return;
    const timer = window.setTimeout(() => void refetch(), untilRefresh(until));
    return () => window.clearTimeout(timer);
  }, [until, refetch]);
  if (!v?.checkInCode) return null;
  return (
    <section className="card personal-code" aria-labelledby="personal-code-title">
      <h2 id="personal-code-title">{t('personal.title')}</h2>
      <p className="muted">{t('personal.lead')}</p>
      <QrCode value={v.checkInCode} label={t('personal.qr')} size={200} />
      <p className="personal-code-text" data-code={v.checkInCode}>
        {v.checkInCode}
      </p>
      <Link className="btn btn-primary" to="/checkin">
        {t('personal.scanKiosk')}
      </Link>
    </section>
  );
}
