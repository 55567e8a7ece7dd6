import { useRef, useState } from 'react';
import { useParams } from 'react-router';
import { useQuery } from '../../api/hooks';
import { useMyNotifications } from '../../api/live';
import { ShiftForVolunteerDocument, type MyPlaceFragment, type ShiftCardFragment } from '../../gql/graphql';
import { useSession } from '../../auth/session';
import { useI18n } from '../../i18n';
import { Alert, Card, Empty, ErrorAlert, Loading, Page } from '../../components/ui';
import { AssignmentBadge, KindBadge, Places, ShiftWhen } from '../../components/shift';
import { qualificationName } from '../../api/errors';
import { Icon } from '../../components/icons';
import { formatHours } from '../../lib/format';
import { minutesBetween } from '../../lib/time';
import { isActive, myPlace } from '../../lib/shifts';
import { SignUpButton } from './SignUpButton';
import { BookWithMentee } from './BookWithMentee';
import { PlaceActions } from './PlaceActions';
import { PersonalCheckInCode } from '../../components/PersonalCheckInCode';

export default function ShiftDetail() {
  const { id = '' } = useParams();
  const { t, locale, lang } = useI18n();
  const { viewer } = useSession();
  const q = useQuery(ShiftForVolunteerDocument, { id, signedIn: !!viewer }, { skip: viewer === undefined });
  // The answers of mutations made here, shown at once over the data they
  // were made on; data fetched later knows better.
  const [override, setOverride] = useState<{ on?: unknown; shift?: ShiftCardFragment; place?: MyPlaceFragment }>({});
  const latest = useRef(q.data);
  latest.current = q.data;
  // The viewer's place changed elsewhere (promoted from the waitlist, a
  // shift cancelled): a notification comes with it.
  const { refetch } = q;
  useMyNotifications(!!viewer, () => void refetch());

  if (q.error && !q.data) {
    return (
      <Page title={t('shift.title')} back={{ to: '/shifts', label: t('nav.shifts') }}>
        <ErrorAlert error={q.error} onRetry={q.refetch} />
      </Page>
    );
  }
  if (!q.data) return <Loading />;
  const fetched = q.data.shift;
  if (!fetched) {
    return (
      <Page title={t('shift.title')} back={{ to: '/shifts', label: t('nav.shifts') }}>
        <Empty icon="search" title={t('error.NOT_FOUND')} />
      </Page>
    );
  }
  const mine = override.on === q.data ? override : {};
  const shift = { ...fetched, ...mine.shift };
  const place = mine.place ?? myPlace(fetched.assignments);

  return (
    <Page title={shift.position.name} lead={<ShiftWhen shift={shift} />} back={{ to: '/shifts', label: t('nav.shifts') }}>
      {shift.status !== 'PUBLISHED' && (
        <Alert tone={shift.status === 'CANCELLED' ? 'error' : 'info'} title={t(shift.status === 'CANCELLED' ? 'shift.cancelled' : 'shift.draft')}>
          {shift.cancelReason}
        </Alert>
      )}
      <div className="detail-grid">
        <Card>
          <h2 className="card-title">{t('shift.where')}</h2>
          <p className="strong">{shift.centre.name}</p>
          <p className="muted">{[shift.centre.address, shift.centre.city].filter(Boolean).join(', ')}</p>
          <h2 className="card-title">{t('shift.what')}</h2>
          {shift.position.description && <p>{shift.position.description}</p>}
          <ul className="facts">
            <li>
              <Icon name="clock" size={18} />
              {t('shift.length', { hours: formatHours(minutesBetween(shift.startsAt, shift.endsAt), locale) })}
            </li>
            {shift.position.minimumAge != null && (
              <li>
                <Icon name="user" size={18} />
                {t('shift.minimumAge', { age: shift.position.minimumAge })}
              </li>
            )}
            {shift.kind === 'TRAINING' && (
              <li>
                <KindBadge shift={shift} /> {shift.course?.name}
              </li>
            )}
            {shift.position.requiredQualifications.length > 0 && (
              <li data-testid="required-qualifications">
                <Icon name="shield" size={18} />
                {t('shift.qualifications', { names: shift.position.requiredQualifications.map((q) => qualificationName({ name: q.name, ...q.names }, lang)).join(', ') })}
              </li>
            )}
          </ul>
        </Card>
        <Card className="action-card">
          <h2 className="card-title">{t('shift.places')}</h2>
          <Places shift={shift} forVolunteer />
          {place && place.status !== 'CANCELLED' ? (
            <div className="my-place">
              <p>
                {t('shift.yourPlace')} <AssignmentBadge status={place.status} waitlistPosition={place.waitlistPosition} />
              </p>
              {place.status === 'WAITLISTED' && <p className="muted">{t('shift.waitlistExplain')}</p>}
              <PlaceActions shift={shift} place={place} onChange={(p) => setOverride((o) => ({ ...(o.on === latest.current ? o : {}), on: latest.current, place: p }))} />
            </div>
          ) : (
            <div className="my-place">
              {place?.status === 'CANCELLED' && (
                <p className="muted">
                  {place.cancelledBy === 'SHIFT_CANCELLED'
                    ? t('shift.cancelledByCentre')
                    : place.cancelledBy && place.cancelledBy !== 'WITHDRAWN'
                      ? t(`assignment.CANCELLED.${place.cancelledBy}`)
                      : t('shift.youWithdrew')}
                </p>
              )}
              <SignUpButton shift={shift} place={place} obstacles={fetched.myObstacles} onChange={(p, s) => setOverride({ on: latest.current, place: p, shift: s })} />
            </div>
          )}
        </Card>
      </div>
      {viewer?.volunteer && <BookWithMentee shift={shift} hasPlace={!!place && isActive(place.status)} onBooked={() => void refetch()} />}
      {place?.status === 'CONFIRMED' && checkInOpen(shift.startsAt, shift.endsAt) && <PersonalCheckInCode />}
    </Page>
  );
}

/** Check-in opens 30 minutes before the start and closes at the end. */
function checkInOpen(startsAt: string, endsAt: string, now = Date.now()): boolean {
  return now >= new Date(startsAt).getTime() - 30 * 60_000 && now < new Date(endsAt).getTime();
}
