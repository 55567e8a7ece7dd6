// The volunteer's action on a shift: sign up, join the waitlist, or see the place held.
import { Link } from 'react-router';
import { useMutation } from '../../api/hooks';
import { SignUpDocument, type MyPlaceFragment, type ShiftCardFragment } from '../../gql/graphql';
import { useSession } from '../../auth/session';
import { useI18n } from '../../i18n';
import { Button, ErrorAlert } from '../../components/ui';
import { AssignmentBadge } from '../../components/shift';
import { freePlaces, isActive, started } from '../../lib/shifts';
import { fromNode, useObstacleText, type ObstacleNode } from '../../lib/obstacles';

export function SignUpButton({
  shift,
  place,
  obstacles,
  onChange,
}: {
  shift: ShiftCardFragment;
  place: MyPlaceFragment | undefined;
  /** What stands between the viewer and a place (Shift.myObstacles). */
  obstacles?: readonly ObstacleNode[] | null;
  onChange: (place: MyPlaceFragment, shift: ShiftCardFragment) => void;
}) {
  const { t } = useI18n();
  const obstacleText = useObstacleText();
  const { viewer } = useSession();
  const [signUp, { pending, error }] = useMutation(SignUpDocument);

  if (place && isActive(place.status)) {
    return <AssignmentBadge status={place.status} waitlistPosition={place.waitlistPosition} />;
  }
  if (shift.status !== 'PUBLISHED' || started(shift)) return null;
  const full = freePlaces(shift) === 0;
  const label = full ? t('shift.joinWaitlist') : t('shift.signUp');
  if (!viewer) {
    return (
      <Link className="btn btn-primary btn-small" to={`/login?next=${encodeURIComponent(`/shifts/${shift.id}`)}`}>
        {label}
      </Link>
    );
  }
  if (!viewer.volunteer) return null;
  // What stands in the way is said before anyone taps. A shift that
  // clashes with a place held offers no signup or waitlist button at all;
  // the others keep it beside the reason (a refused signup of a minor is
  // what asks this centre to record the guardian's consent).
  const blocking = obstacles?.find((o) => o.blocking && o.code !== 'SHIFT_STARTED');
  const why = blocking && (
    <p className="signup-obstacle small" data-obstacle={blocking.code} id={`shift-${shift.id}-obstacle`}>
      {obstacleText(fromNode(blocking))}
    </p>
  );
  if (blocking?.code === 'OVERLAPPING_SHIFT') return why;
  return (
    <div className="signup-action">
      {!error && why}
      <Button
        variant={full ? 'secondary' : 'primary'}
        size="small"
        busy={pending}
        onClick={async () => {
          const data = await signUp({ shiftId: shift.id });
          if (data) {
            const { shift: updated, ...mine } = data.signUp;
            onChange(mine, updated);
          }
        }}
        aria-describedby={`shift-${shift.id}-title`}
      >
        {label}
      </Button>
      {error && <ErrorAlert error={error} context="signup" />}
    </div>
  );
}
