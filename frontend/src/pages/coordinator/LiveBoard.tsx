// The live board of a centre, for a wall screen: who is due now, who has
// checked in, who is late, and the open places of the next hours. It
// refetches whenever something happens at the centre (centreActivity) and
// every minute, as "late" depends on the clock.
import { useEffect, useState } from 'react';
import { useSearchParams } from 'react-router';
import { useQuery } from '../../api/hooks';
import { useCentreActivity } from '../../api/live';
import { LiveBoardDocument } from '../../gql/graphql';
import { ahead, board, hour, type BoardShift, type Person } from '../../lib/board';
import { useI18n } from '../../i18n';
import { Empty, ErrorAlert, Loading, Page } from '../../components/ui';
import { formatNumber, formatTimeRange } from '../../lib/format';
import { CentrePicker } from './CentrePicker';
import { pickCentre, useManagedCentres } from './useCentres';

export default function LiveBoard() {
  const { t, locale } = useI18n();
  const [params, setParams] = useSearchParams();
  const managed = useManagedCentres();
  const centre = pickCentre(managed.centres, params.get('centre'));
  const zone = centre?.timezone ?? 'Asia/Baku';
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), 60_000);
    return () => clearInterval(id);
  }, []);
  // The window moves by the hour, so that the query stays the same for a while.
  const from = new Date(Math.floor(now / hour) * hour - 12 * hour).toISOString();
  const to = new Date(Math.floor(now / hour) * hour + ahead + hour).toISOString();
  const shifts = useQuery(LiveBoardDocument, { centreId: centre?.id ?? '', from, to }, { skip: !centre });
  useCentreActivity(centre?.id, () => {
    setNow(Date.now());
    void shifts.refetch();
  });

  if (managed.error) {
    return (
      <Page title={t('board.title')}>
        <ErrorAlert error={managed.error} onRetry={managed.refetch} />
      </Page>
    );
  }
  if (!managed.centres) return <Loading />;
  if (!centre) {
    return (
      <Page title={t('board.title')}>
        <Empty icon="building" title={t('calendar.noCentres')} />
      </Page>
    );
  }
  const list = shifts.data?.shifts.edges.map((e) => e.node) ?? [];
  const b = board(list, now);
  const when = (s: BoardShift) => `${s.position.name} · ${formatTimeRange(s.startsAt, s.endsAt, locale, zone)}`;
  const column = (key: 'due' | 'late' | 'checkedIn', people: Person[]) => (
    <section className={`board-col board-${key}`} aria-labelledby={`board-${key}`} data-testid={`board-${key}`}>
      <h2 id={`board-${key}`}>
        {t(`board.${key}`)} <span className="board-count">{formatNumber(people.length, locale)}</span>
      </h2>
      {people.length === 0 ? (
        <p className="muted">{t('board.nobody')}</p>
      ) : (
        <ul>
          {people.map((p) => (
            <li key={p.id}>
              <strong>{p.name}</strong>
              <span className="muted">{when(p.shift)}</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
  return (
    <Page wide title={t('board.title')} lead={centre.name}>
      {managed.centres.length > 1 && (
        <div className="toolbar card">
          <CentrePicker centres={managed.centres} value={centre.id} onChange={(id) => setParams({ centre: id }, { replace: true })} />
        </div>
      )}
      {shifts.error && <ErrorAlert error={shifts.error} onRetry={() => void shifts.refetch()} />}
      {!shifts.data && !shifts.error ? (
        <Loading />
      ) : (
        <div className="board">
          {column('due', b.due)}
          {column('late', b.late)}
          {column('checkedIn', b.checkedIn)}
          <section className="board-col board-open" aria-labelledby="board-open" data-testid="board-open">
            <h2 id="board-open">
              {t('board.open')}{' '}
              <span className="board-count">{formatNumber(b.open.reduce((n, o) => n + o.places, 0), locale)}</span>
            </h2>
            {b.open.length === 0 ? (
              <p className="muted">{t('board.noOpen')}</p>
            ) : (
              <ul>
                {b.open.map((o) => (
                  <li key={o.shift.id}>
                    <strong>{t('board.places', { count: o.places })}</strong>
                    <span className="muted">{when(o.shift)}</span>
                  </li>
                ))}
              </ul>
            )}
          </section>
        </div>
      )}
    </Page>
  );
}
