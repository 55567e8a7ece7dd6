// What a volunteer can do with a place they hold: check in or out at the
// centre, or withdraw before the start (the server decides the cut-off).
import { useState } from 'react';
import { useMutation } from '../../api/hooks';
import { CheckInDocument, CheckOutDocument, WithdrawDocument, type MyPlaceFragment, type ShiftCardFragment } from '../../gql/graphql';
import { useI18n } from '../../i18n';
import { Button, Dialog, ErrorAlert } from '../../components/ui';
import { checkInOpen, ended, started } from '../../lib/shifts';

export function PlaceActions({
  shift,
  place,
  onChange,
}: {
  shift: ShiftCardFragment;
  place: MyPlaceFragment;
  onChange: (place: MyPlaceFragment) => void;
}) {
  const { t } = useI18n();
  const [checkIn, checkInState] = useMutation(CheckInDocument);
  const [checkOut, checkOutState] = useMutation(CheckOutDocument);
  const [withdraw, withdrawState] = useMutation(WithdrawDocument);
  const [confirming, setConfirming] = useState(false);
  const now = new Date();

  const canCheckIn = place.status === 'CONFIRMED' && checkInOpen(shift, now);
  const canCheckOut = place.status === 'CHECKED_IN';
  const canWithdraw = (place.status === 'CONFIRMED' || place.status === 'WAITLISTED') && !started(shift, now);
  if (!canCheckIn && !canCheckOut && !canWithdraw) return null;

  return (
    <div className="place-actions">
      {canCheckIn && (
        <Button
          variant="primary"
          icon="check"
          busy={checkInState.pending}
          onClick={async () => {
            const d = await checkIn({ assignmentId: place.id });
            if (d) onChange(d.checkIn);
          }}
        >
          {t('place.checkIn')}
        </Button>
      )}
      {canCheckOut && !ended(shift, now) && (
        <Button
          variant="primary"
          icon="logout"
          busy={checkOutState.pending}
          onClick={async () => {
            const d = await checkOut({ assignmentId: place.id });
            if (d) onChange(d.checkOut);
          }}
        >
          {t('place.checkOut')}
        </Button>
      )}
      {canCheckOut && ended(shift, now) && (
        <Button
          icon="logout"
          busy={checkOutState.pending}
          onClick={async () => {
            const d = await checkOut({ assignmentId: place.id });
            if (d) onChange(d.checkOut);
          }}
        >
          {t('place.checkOut')}
        </Button>
      )}
      {canWithdraw && (
        <Button variant="ghost" className="btn-danger-text" onClick={() => setConfirming(true)}>
          {place.status === 'WAITLISTED' ? t('place.leaveWaitlist') : t('place.withdraw')}
        </Button>
      )}
      {checkInState.error && <ErrorAlert error={checkInState.error} context="checkIn" />}
      {checkOutState.error && <ErrorAlert error={checkOutState.error} context="checkIn" />}
      {withdrawState.error && !confirming && <ErrorAlert error={withdrawState.error} context="withdraw" />}
      <Dialog
        open={confirming}
        title={place.status === 'WAITLISTED' ? t('place.leaveWaitlist') : t('place.withdraw')}
        onClose={() => setConfirming(false)}
        footer={
          <>
            <Button onClick={() => setConfirming(false)}>{t('action.keep')}</Button>
            <Button
              variant="danger"
              busy={withdrawState.pending}
              onClick={async () => {
                const d = await withdraw({ assignmentId: place.id });
                setConfirming(false);
                if (d) {
                  const { shift: _shift, ...mine } = d.withdraw;
                  onChange(mine);
                }
              }}
            >
              {t('place.withdrawConfirm')}
            </Button>
          </>
        }
      >
        <p>{t('place.withdrawText')}</p>
      </Dialog>
    </div>
  );
}
