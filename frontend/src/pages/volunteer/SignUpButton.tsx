// The volunteer's action on a shift: sign up, join the waitlist, or see the place held.
import { Link } from 'react-router';
import { useMutation } from '../../api/hooks';
import { SignUpDocument, type MyPlaceFragment, type ShiftCardFragment } from '../../gql/graphql';
import { useSession } from '../../auth/session';
import { useI18n } from '../../i18n';
import { Button, ErrorAlert } from '../../components/ui';
import { AssignmentBadge } from '../../components/shift';
import { freePlaces, isActive, started } from '../../lib/shifts';

export function SignUpButton({
  shift,
  place,
  onChange,
}: {
  shift: ShiftCardFragment;
  place: MyPlaceFragment | undefined;
  onChange: (place: MyPlaceFragment, shift: ShiftCardFragment) => void;
}) {
  const { t } = useI18n();
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
  return (
    <div className="signup-action">
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
