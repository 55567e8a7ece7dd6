// How shifts and places look everywhere: time in the centre's zone, fill, status.
import type { AssignmentCancellation, AssignmentStatus, ShiftCardFragment, ShiftStatus } from '../gql/graphql';
import { useI18n, type MessageKey } from '../i18n';
import { formatDay, formatShortDay, formatTimeRange, zoneLabel } from '../lib/format';
import { ended, fillOf, freePlaces, type Fill } from '../lib/shifts';
import { Badge, FillBar, type Tone } from './ui';
import { Icon } from './icons';
import { qualificationName } from '../api/errors';

/** Shows the zone's name only when it differs from the viewer's own. */
function useZoneNote(instant: string, timeZone: string): string | null {
  const { locale } = useI18n();
  const own = Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (own === timeZone) return null;
  return zoneLabel(instant, locale, timeZone);
}

/** "Wednesday, 3 December · 09:00–13:30", in the centre's time zone. */
export function ShiftWhen({ shift, short }: { shift: Pick<ShiftCardFragment, 'startsAt' | 'endsAt' | 'centre'>; short?: boolean }) {
  const { locale } = useI18n();
  const tz = shift.centre.timezone;
  const zone = useZoneNote(shift.startsAt, tz);
  return (
    <span className="shift-when">
      <time dateTime={shift.startsAt}>{(short ? formatShortDay : formatDay)(shift.startsAt, locale, tz)}</time>
      <span aria-hidden="true"> · </span>
      <span className="shift-time">{formatTimeRange(shift.startsAt, shift.endsAt, locale, tz)}</span>
      {zone && <span className="muted"> ({zone})</span>}
    </span>
  );
}

export function ShiftTime({ shift }: { shift: Pick<ShiftCardFragment, 'startsAt' | 'endsAt' | 'centre'> }) {
  const { locale } = useI18n();
  return <span className="shift-time">{formatTimeRange(shift.startsAt, shift.endsAt, locale, shift.centre.timezone)}</span>;
}

const assignmentTone: Record<AssignmentStatus, Tone> = {
  CONFIRMED: 'brand',
  WAITLISTED: 'warning',
  CANCELLED: 'neutral',
  CHECKED_IN: 'info',
  COMPLETED: 'success',
  NO_SHOW: 'danger',
};

export function AssignmentBadge({
  status,
  waitlistPosition,
  cancelledBy,
}: {
  status: AssignmentStatus;
  waitlistPosition?: number | null;
  /** Why a cancelled place was cancelled: the centre's cancellation is not the volunteer's withdrawal. */
  cancelledBy?: AssignmentCancellation | null;
}) {
  const { t } = useI18n();
  const text =
    status === 'WAITLISTED' && waitlistPosition
      ? t('assignment.waitlistedAt', { position: waitlistPosition })
      : status === 'CANCELLED' && cancelledBy
        ? t(`assignment.CANCELLED.${cancelledBy}`)
        : t(`assignment.${status}` as MessageKey);
  return <Badge tone={assignmentTone[status]}>{text}</Badge>;
}

const shiftTone: Record<ShiftStatus, Tone> = { DRAFT: 'neutral', PUBLISHED: 'success', CANCELLED: 'danger' };

export function ShiftStatusBadge({ status }: { status: ShiftStatus }) {
  const { t } = useI18n();
  return <Badge tone={shiftTone[status]}>{t(`shiftStatus.${status}` as MessageKey)}</Badge>;
}

const fillTone: Record<Fill, Tone> = { full: 'success', short: 'warning', empty: 'danger' };

/** How full a shift is; a shift that has ended is "ended", never short of volunteers. */
export function FillBadge({ shift }: { shift: { confirmedCount: number; capacity: number; endsAt?: string } }) {
  const { t } = useI18n();
  if (shift.endsAt && ended({ endsAt: shift.endsAt })) return <Badge tone="neutral">{t('fill.ended')}</Badge>;
  const f = fillOf(shift);
  return <Badge tone={fillTone[f]}>{t(`fill.${f}`)}</Badge>;
}

/** "3 of 5 places taken" with a bar, and the waitlist when there is one. */
export function Places({ shift, forVolunteer }: { shift: Pick<ShiftCardFragment, 'confirmedCount' | 'capacity' | 'waitlistCount'>; forVolunteer?: boolean }) {
  const { t } = useI18n();
  const free = freePlaces(shift);
  const label = t('places.taken', { count: shift.capacity, taken: shift.confirmedCount });
  return (
    <div className="places">
      <FillBar taken={shift.confirmedCount} capacity={shift.capacity} label={label} />
      <p className="places-text">
        {forVolunteer ? (
          free > 0 ? (
            <strong className="text-success">{t('places.free', { count: free })}</strong>
          ) : (
            <strong className="text-warning">{t('places.full')}</strong>
          )
        ) : (
          <span>{label}</span>
        )}
        {shift.waitlistCount > 0 && <span className="muted"> · {t('places.waitlist', { count: shift.waitlistCount })}</span>}
      </p>
    </div>
  );
}

export function CentreLine({ centre }: { centre: ShiftCardFragment['centre'] }) {
  return (
    <span className="centre-line">
      <Icon name="pin" size={16} />
      <span>
        {centre.name}
        {centre.city && !centre.name.includes(centre.city) ? `, ${centre.city}` : ''}
      </span>
    </span>
  );
}

/** "Training" on a course's session; nothing on a service shift. */
export function KindBadge({ shift }: { shift: { kind?: string | null } }) {
  const { t } = useI18n();
  if (shift.kind !== 'TRAINING') return null;
  return <Badge tone="info">{t('shift.training')}</Badge>;
}

/** What a shift's position requires (minimum age, qualifications), in the reader's language; nothing when none. */
export function Requirements({
  position,
}: {
  position: { minimumAge?: number | null; requiredQualifications?: { name: string; names: { az?: string | null; en?: string | null; ru?: string | null } }[] | null };
}) {
  const { t, lang } = useI18n();
  const qs = position.requiredQualifications ?? [];
  const age = position.minimumAge ?? 0;
  if (qs.length === 0 && age <= 0) return null;
  const names = qs.map((q) => qualificationName({ name: q.name, az: q.names.az, en: q.names.en, ru: q.names.ru }, lang)).join(', ');
  return (
    <p className="shift-card-meta muted" data-testid="requirements">
      {age > 0 && t('shift.minimumAge', { age })}
      {age > 0 && qs.length > 0 && ' · '}
      {qs.length > 0 && t('shift.qualifications', { names })}
    </p>
  );
}
