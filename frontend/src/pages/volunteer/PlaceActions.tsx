// What a volunteer can do with a place they hold: check in or out at the
// centre, or withdraw before the start (the server decides the cut-off).
import { useState } from 'react';
import { useMutation } from '../../api/hooks';
import {
  CheckInDocument,
  CheckOutDocument,
  ConfirmAttendanceDocument,
  OfferPlaceDocument,
  WithdrawDocument,
  WithdrawOfferDocument,
  type MyPlaceFragment,
  type ShiftCardFragment,
} from '../../gql/graphql';
import { useI18n } from '../../i18n';
import { Button, Dialog, ErrorAlert } from '../../components/ui';
import { Icon } from '../../components/icons';
import { checkInOpen, ended, started } from '../../lib/shifts';
import { formatDateTime } from '../../lib/format';

export function PlaceActions({
  shift,
  place,
  onChange,
}: {
  shift: ShiftCardFragment;
  place: MyPlaceFragment;
  onChange: (place: MyPlaceFragment) => void;
}) {
  const { t, locale } = useI18n();
  const [checkIn, checkInState] = useMutation(CheckInDocument);
  const [confirmAttendance, confirmState] = useMutation(ConfirmAttendanceDocument);
  const [offer, offerState] = useMutation(OfferPlaceDocument);
  const [withdrawOffer, withdrawOfferState] = useMutation(WithdrawOfferDocument);
  const [offering, setOffering] = useState(false);
  const [checkOut, checkOutState] = useMutation(CheckOutDocument);
  const [withdraw, withdrawState] = useMutation(WithdrawDocument);
  const [confirming, setConfirming] = useState(false);
  const now = new Date();

  const canCheckIn = place.status === 'CONFIRMED' && checkInOpen(shift, now);
  const canCheckOut = place.status === 'CHECKED_IN';
  const canWithdraw = (place.status === 'CONFIRMED' || place.status === 'WAITLISTED') && !started(shift, now);
  const confirmed = place.status === 'CONFIRMED' && !ended(shift, now);
  const onOffer = place.placeOffer?.status === 'OPEN' ? place.placeOffer : null;
  if (!canCheckIn && !canCheckOut && !canWithdraw) return null;

  return (
    <div className="place-actions">
      {confirmed && place.attendanceConfirmed && (
        <p className="place-note">
          <Icon name="check" size={16} /> {t('place.confirmed')}
        </p>
      )}
      {confirmed && !place.attendanceConfirmed && !onOffer && (
        <Button
          icon="check"
          busy={confirmState.pending}
          onClick={async () => {
            const d = await confirmAttendance({ assignmentId: place.id });
            if (d) onChange(d.confirmAttendance);
          }}
        >
          {t('place.confirm')}
        </Button>
      )}
      {onOffer && (
        <p className="place-note">{t('place.offered', { time: formatDateTime(onOffer.expiresAt, locale, shift.centre.timezone) })}</p>
      )}
      {onOffer && (
        <Button
          variant="ghost"
          busy={withdrawOfferState.pending}
          onClick={async () => {
            const d = await withdrawOffer({ offerId: onOffer.id });
            if (d) onChange({ ...place, placeOffer: d.withdrawOffer });
          }}
        >
          {t('place.withdrawOffer')}
        </Button>
      )}
      {place.status === 'CONFIRMED' && !onOffer && !started(shift, now) && (
        <Button variant="ghost" onClick={() => setOffering(true)}>
          {t('place.offer')}
        </Button>
      )}
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
      {confirmState.error && <ErrorAlert error={confirmState.error} />}
      {withdrawOfferState.error && <ErrorAlert error={withdrawOfferState.error} />}
      {offerState.error && !offering && <ErrorAlert error={offerState.error} context="withdraw" />}
      <Dialog
        open={offering}
        title={t('place.offer')}
        onClose={() => setOffering(false)}
        footer={
          <>
            <Button onClick={() => setOffering(false)}>{t('action.keep')}</Button>
            <Button
              variant="primary"
              busy={offerState.pending}
              onClick={async () => {
                const d = await offer({ assignmentId: place.id });
                setOffering(false);
                if (d) onChange({ ...place, placeOffer: d.offerPlace });
              }}
            >
              {t('place.offerConfirm')}
            </Button>
          </>
        }
      >
        <p>{t('place.offerText')}</p>
      </Dialog>
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
