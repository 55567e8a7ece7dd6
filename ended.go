package konullu

import (
	"context"
	"time"
)

// Time (issue 12): a shift that has ended takes no new places. Nobody is
// signed up, assigned, promoted, given an offered place or proposed by a
// roster plan once its end has passed; the work done in it is credited by
// recording attendance afterwards (RecordAttendance for a place held,
// RecordPastWork for a volunteer who held none).

// ESHIFTENDED: the shift has ended; a place in it can no longer be given.
// Attendance can still be recorded.
const ESHIFTENDED = "SHIFT_ENDED"

// Ended reports whether the shift has ended at now.
func (s *Shift) Ended(now time.Time) bool { return !now.Before(s.EndsAt) }

// ErrShiftEnded is the refusal of a place in an ended shift.
func ErrShiftEnded() *Error {
	return &Error{Code: ESHIFTENDED, Field: "shiftId",
		Message: "the shift has ended: a place can no longer be assigned; record the work done instead (recordPastWork)"}
}

// CheckNotEnded refuses a place in a shift that has ended.
func CheckNotEnded(now time.Time, s *Shift) error {
	if s.Ended(now) {
		return ErrShiftEnded()
	}
	return nil
}

// CancelCause says why an assignment was cancelled.
type CancelCause string

// Causes of a cancellation.
const (
	CancelWithdrawn      CancelCause = "WITHDRAWN"       // the volunteer withdrew
	CancelReleased       CancelCause = "RELEASED"        // a coordinator released the place
	CancelShiftCancelled CancelCause = "SHIFT_CANCELLED" // the centre cancelled the shift
	CancelPlaceGiven     CancelCause = "PLACE_GIVEN"     // the place went to another volunteer (an offer)
	CancelErased         CancelCause = "ERASED"          // the account was erased
)

// PastWork is work done in a shift that has ended by a volunteer who held
// no place in it, credited by a coordinator afterwards.
type PastWork struct {
	ShiftID      int64
	VolunteerID  int64
	CheckedInAt  time.Time
	CheckedOutAt time.Time
}

// AppLanguageStore keeps the language a person uses the app in
// (store.SetAppLanguage); their notifications follow it unless they chose
// the notification language apart.
type AppLanguageStore interface {
	SetAppLanguage(ctx context.Context, userID int64, lang Language) (NotificationSettings, error)
}

// PastWorkStore credits work done in ended shifts (store.RecordPastWork).
type PastWorkStore interface {
	RecordPastWork(ctx context.Context, w PastWork) (*Assignment, error)
}
