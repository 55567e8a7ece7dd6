import { useRef, useState } from 'react';
import { Link } from 'react-router';
import { RecordLinks } from '../../components/RecordLinks';
import { useQuery } from '../../api/hooks';
import { useMyNotifications } from '../../api/live';
import { MyShiftsDocument, type MyPlaceFragment } from '../../gql/graphql';
import { useI18n } from '../../i18n';
import { Card, Empty, ErrorAlert, Loading, Page, Stat } from '../../components/ui';
import { AssignmentBadge, CentreLine, ShiftWhen } from '../../components/shift';
import { formatHours, formatNumber } from '../../lib/format';
import { ended, isActive } from '../../lib/shifts';
import { PlaceActions } from './PlaceActions';
import { PlaceOffers } from './PlaceOffers';

type Tab = 'upcoming' | 'past';

export default function MyShifts() {
  const { t, locale } = useI18n();
  const q = useQuery(MyShiftsDocument, { from: null, to: null });
  const [tab, setTab] = useState<Tab>('upcoming');
  // Places changed here (the answers of their mutations), shown at once over
  // the list they were changed on; a list fetched later knows better.
  const [changed, setChanged] = useState<{ on?: unknown; places: Record<string, MyPlaceFragment> }>({ places: {} });
  const latest = useRef(q.data);
  latest.current = q.data;
  const change = (p: MyPlaceFragment) =>
    setChanged((c) => ({ on: latest.current, places: { ...(c.on === latest.current ? c.places : {}), [p.id]: p } }));
  // A place that changes elsewhere (promoted from the waitlist, given an
  // offered place, a shift cancelled) comes with a notification.
  const { refetch } = q;
  useMyNotifications(true, () => void refetch());

  const volunteer = q.data?.me?.volunteer;
  const now = new Date();
  const overrides = changed.on === q.data ? changed.places : {};
  const all = (volunteer?.assignments ?? []).map((a) => ({ ...a, ...overrides[a.id] }));
  const upcoming = all
    .filter((a) => !ended(a.shift, now) && (isActive(a.status) || a.status === 'COMPLETED'))
    .sort((a, b) => a.shift.startsAt.localeCompare(b.shift.startsAt));
  const past = all
    .filter((a) => ended(a.shift, now) || !(isActive(a.status) || a.status === 'COMPLETED'))
    .sort((a, b) => b.shift.startsAt.localeCompare(a.shift.startsAt));
  const attended = all.filter((a) => a.status === 'COMPLETED' || (a.status === 'CHECKED_IN' && a.creditedMinutes > 0));
  const shown = tab === 'upcoming' ? upcoming : past;

  return (
    <Page title={t('my.title')} lead={t('my.lead')}>
      {q.error && <ErrorAlert error={q.error} onRetry={q.refetch} />}
      {!q.data && !q.error && <Loading />}
      {q.data && !volunteer && <Empty icon="user" title={t('my.noProfile')} />}
      {volunteer && (
        <>
          <div className="stats" aria-label={t('my.summary')} role="group">
            <Stat label={t('my.hours')} value={formatHours(volunteer.totalMinutes, locale)} />
            <Stat label={t('my.attended')} value={formatNumber(attended.length, locale)} />
            <Stat label={t('my.upcomingCount')} value={formatNumber(upcoming.filter((a) => a.status !== 'COMPLETED').length, locale)} />
          </div>
          <RecordLinks />
          <PlaceOffers
            onTaken={(place) => {
              change(place);
              void q.refetch();
            }}
          />
          <div className="tabs" role="tablist" aria-label={t('my.title')}>
            {(['upcoming', 'past'] as const).map((k) => (
              <button
                key={k}
                type="button"
                role="tab"
                id={`tab-${k}`}
                aria-selected={tab === k}
                aria-controls="my-panel"
                tabIndex={tab === k ? 0 : -1}
                className={tab === k ? 'tab-btn tab-btn-on' : 'tab-btn'}
                onClick={() => setTab(k)}
                onKeyDown={(e) => {
                  if (e.key === 'ArrowRight' || e.key === 'ArrowLeft') {
                    const next = k === 'upcoming' ? 'past' : 'upcoming';
                    setTab(next);
                    document.getElementById(`tab-${next}`)?.focus();
                  }
                }}
              >
                {t(`my.tab.${k}`)} <span className="count-pill">{formatNumber((k === 'upcoming' ? upcoming : past).length, locale)}</span>
              </button>
            ))}
          </div>
          <div id="my-panel" role="tabpanel" aria-labelledby={`tab-${tab}`}>
            {shown.length === 0 ? (
              <Empty
                icon="calendar"
                title={t(tab === 'upcoming' ? 'my.empty.upcoming' : 'my.empty.past')}
                action={
                  tab === 'upcoming' ? (
                    <Link className="btn btn-primary" to="/shifts">
                      {t('my.findShifts')}
                    </Link>
                  ) : undefined
                }
              />
            ) : (
              <ul className="shift-list">
                {shown.map((a) => (
                  <Card as="li" key={a.id} className="shift-card">
                    <div className="shift-card-main">
                      <p className="shift-card-time">
                        <ShiftWhen shift={a.shift} short />
                      </p>
                      <h2 className="shift-card-title">
                        <Link to={`/shifts/${a.shift.id}`}>{a.shift.position.name}</Link>
                      </h2>
                      <p className="shift-card-meta">
                        <CentreLine centre={a.shift.centre} />
                      </p>
                      <p className="badges">
                        <AssignmentBadge status={a.status} waitlistPosition={a.waitlistPosition} cancelledBy={a.cancelledBy} />
                        {a.creditedMinutes > 0 && <span className="muted">{t('my.credited', { hours: formatHours(a.creditedMinutes, locale) })}</span>}
                        {a.shift.status === 'CANCELLED' && (
                          <span className="text-danger">{t(a.status === 'CANCELLED' && a.cancelledBy !== 'SHIFT_CANCELLED' ? 'shift.cancelled' : 'shift.cancelledByCentre')}</span>
                        )}
                      </p>
                    </div>
                    <div className="shift-card-action">
                      <PlaceActions shift={a.shift} place={a} onChange={change} />
                    </div>
                  </Card>
                ))}
              </ul>
            )}
          </div>
        </>
      )}
    </Page>
  );
}
