import { useState } from 'react';
import { Link } from 'react-router';
import { usePagedShifts } from '../../api/paged';
import { UnderstaffedShiftsDocument } from '../../gql/graphql';
import { useI18n } from '../../i18n';
import { Alert, Empty, ErrorAlert, Loading, Page, ScrollRegion } from '../../components/ui';
import { FillBadge } from '../../components/shift';
import { formatShortDay, formatTimeRange } from '../../lib/format';
import { ended, freePlaces } from '../../lib/shifts';
import { useManagedCentres } from './useCentres';

const weekMs = 7 * 24 * 3600 * 1000;

export default function Understaffed() {
  const { t, locale } = useI18n();
  const managed = useManagedCentres();
  const [now] = useState(() => new Date(Math.floor(Date.now() / 60000) * 60000));
  const one = managed.centres?.length === 1 ? managed.centres[0] : undefined;
  // Published shifts with a free place, in the coming week, of the centres managed.
  const shifts = usePagedShifts(
    UnderstaffedShiftsDocument,
    {
      centreId: one?.id ?? null,
      from: now.toISOString(),
      to: new Date(now.getTime() + weekMs).toISOString(),
      after: null,
    },
    { skip: !managed.centres || managed.centres.length === 0, maxPages: 20 },
  );

  const ids = new Set(managed.centres?.map((c) => c.id));
  // A shift that has ended is never understaffed.
  const list = (shifts.nodes ?? []).filter((s) => ids.has(s.centre.id) && freePlaces(s) > 0 && !ended(s));
  const missing = list.reduce((n, s) => n + freePlaces(s), 0);

  return (
    <Page title={t('understaffed.title')} lead={t('understaffed.lead')}>
      {managed.error && <ErrorAlert error={managed.error} onRetry={managed.refetch} />}
      {shifts.error && <ErrorAlert error={shifts.error} onRetry={shifts.refetch} />}
      {managed.centres?.length === 0 && <Empty icon="building" title={t('calendar.noCentres')} />}
      {managed.centres && managed.centres.length > 0 && !shifts.nodes && !shifts.error && <Loading />}
      {shifts.nodes && list.length === 0 && <Empty icon="check" title={t('understaffed.none')} />}
      {list.length > 0 && (
        <>
          <Alert tone="warning" title={t('understaffed.summary', { count: list.length, places: missing })} />
          <ScrollRegion label={t('understaffed.title')}>
            <table className="table">
              <caption className="visually-hidden">{t('understaffed.title')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('understaffed.when')}</th>
                  <th scope="col">{t('field.position')}</th>
                  {!one && <th scope="col">{t('field.centre')}</th>}
                  <th scope="col">{t('understaffed.filled')}</th>
                  <th scope="col">{t('understaffed.missing')}</th>
                  <th scope="col">
                    <span className="visually-hidden">{t('understaffed.open')}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {list.map((s) => (
                  <tr key={s.id}>
                    <td>
                      <span className="nowrap">{formatShortDay(s.startsAt, locale, s.centre.timezone)}</span>{' '}
                      <span className="nowrap muted">{formatTimeRange(s.startsAt, s.endsAt, locale, s.centre.timezone)}</span>
                    </td>
                    <td>{s.position.name}</td>
                    {!one && <td>{s.centre.name}</td>}
                    <td>
                      <span className="nowrap">
                        {s.confirmedCount} / {s.capacity}
                      </span>{' '}
                      <FillBadge shift={s} />
                    </td>
                    <td>
                      <strong>{freePlaces(s)}</strong>
                    </td>
                    <td>
                      <Link className="btn btn-small btn-secondary" to={`/coordinate/shifts/${s.id}`}>
                        {t('understaffed.staff')}
                        <span className="visually-hidden">: {s.position.name}, {formatShortDay(s.startsAt, locale, s.centre.timezone)}</span>
                      </Link>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </ScrollRegion>
          {shifts.truncated && <Alert tone="info">{t('calendar.truncated')}</Alert>}
        </>
      )}
    </Page>
  );
}
