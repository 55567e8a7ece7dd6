package konullu

import (
	"fmt"
	"net/mail"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Rules are the configurable limits of signups, withdrawals and check-in.
type Rules struct {
	SignupHorizon   time.Duration // how far ahead a volunteer may sign up
	WithdrawCutoff  time.Duration // a volunteer may withdraw until this long before the start
	CheckInOpens    time.Duration // check-in opens this long before the start
	NoShowGrace     time.Duration // after the end plus this, a CONFIRMED assignment becomes NO_SHOW
	MaxSeries       int           // shifts one createShifts call may create
	RequireApproval bool          // new volunteers stay PENDING until a coordinator approves them
}

// DefaultRules are the rules of DESIGN "Rules of a signup".
func DefaultRules() Rules {
	return Rules{
		SignupHorizon:  60 * 24 * time.Hour,
		WithdrawCutoff: 3 * time.Hour,
		CheckInOpens:   30 * time.Minute,
		NoShowGrace:    30 * time.Minute,
		MaxSeries:      500,
	}
}

// SignupRequest is what a signup is decided on: the shift, its position and
// the volunteer, all read inside the signup's transaction.
type SignupRequest struct {
	Now       time.Time
	Shift     *Shift
	Position  *Position
	Volunteer *Volunteer
	// Location is the time zone of the shift's centre: ages count on the
	// shift's date there (nil: DefaultTimezone).
	Location *time.Location
	// ByCoordinator: a coordinator assigns; the shift may be a draft or
	// have started, and the horizon does not apply. It may not have ended
	// (ended.go), unless PastWork.
	ByCoordinator bool
	// PastWork: a coordinator credits work done in an ended shift (RecordPastWork).
	PastWork bool
	// Facts: the volunteer's consent, other places and the shift's fill
	// (SignupObstacles); nil when the caller decides those itself.
	Facts *SignupFacts
}

// CheckSignup applies the rules of a signup that do not depend on the
// volunteer's other assignments (overlaps and capacity are decided by the
// store inside the transaction): the first blocking obstacle of
// SignupObstacles without facts.
func (r Rules) CheckSignup(q SignupRequest) error {
	q.Facts = nil
	return Refusal(r.SignupObstacles(q))
}

// MissingSkills returns the required skills the volunteer lacks, compared case-insensitively.
func MissingSkills(required, have []string) []string {
	var missing []string
	for _, r := range required {
		if !slices.ContainsFunc(have, func(h string) bool { return strings.EqualFold(h, r) }) {
			missing = append(missing, r)
		}
	}
	return missing
}

// CheckWithdraw decides whether an assignment may be withdrawn now. A
// volunteer may withdraw until the cut-off; a coordinator may release the
// place until the shift ends.
func (r Rules) CheckWithdraw(now time.Time, s *Shift, a *Assignment, byCoordinator bool) error {
	if a.Status != AssignmentConfirmed && a.Status != AssignmentWaitlisted {
		return Errorf(ECONFLICT, "only a confirmed or waitlisted assignment can be withdrawn (it is %s)", a.Status)
	}
	if byCoordinator {
		if !now.Before(s.EndsAt) {
			return Errorf(ECONFLICT, "the shift is over; record attendance or a no-show instead")
		}
		return nil
	}
	if a.Status == AssignmentWaitlisted && now.Before(s.StartsAt) {
		return nil // leaving the queue frees nobody's place
	}
	if now.After(s.StartsAt.Add(-r.WithdrawCutoff)) {
		return Errorf(ESIGNUPCLOSED, "withdrawal closed %s before the start; ask the coordinator to release the place", fmtDuration(r.WithdrawCutoff))
	}
	return nil
}

// CheckCheckIn decides whether a volunteer may check in now.
func (r Rules) CheckCheckIn(now time.Time, s *Shift, a *Assignment) error {
	if a.Status != AssignmentConfirmed {
		return Errorf(ECONFLICT, "only a confirmed assignment can check in (it is %s)", a.Status)
	}
	if now.Before(s.StartsAt.Add(-r.CheckInOpens)) {
		return Errorf(ESIGNUPCLOSED, "check-in opens %s before the start", fmtDuration(r.CheckInOpens))
	}
	if !now.Before(s.EndsAt) {
		return Errorf(ESIGNUPCLOSED, "check-in closed at the end of the shift; the coordinator can record attendance")
	}
	return nil
}

// CreditedMinutes is the attended time that counts: the overlap of
// check-in..check-out with the shift, in whole minutes (invariant 5).
func CreditedMinutes(s *Shift, in, out time.Time) int {
	start, end := in, out
	if s.StartsAt.After(start) {
		start = s.StartsAt
	}
	if s.EndsAt.Before(end) {
		end = s.EndsAt
	}
	if !end.After(start) {
		return 0
	}
	return int(end.Sub(start) / time.Minute)
}

// Overlaps reports whether [aStart, aEnd) and [bStart, bEnd) overlap; back-to-back does not.
func Overlaps(aStart, aEnd, bStart, bEnd time.Time) bool {
	return aStart.Before(bEnd) && bStart.Before(aEnd)
}

// AgeOn returns the age in whole years on the given day of someone born on
// birth; day's own calendar date counts, so pass a date (LocalDate), not an
// instant: age decisions go through AgeAt.
func AgeOn(birth, day time.Time) int {
	y1, m1, d1 := birth.Date()
	y2, m2, d2 := day.Date()
	age := y2 - y1
	if m2 < m1 || m2 == m1 && d2 < d1 {
		age--
	}
	return age
}

// ValidateTimezone checks an IANA time zone name and returns its location.
func ValidateTimezone(field, name string) (*time.Location, error) {
	if name == "" || name == "Local" {
		return nil, Invalid(field, "a time zone such as Asia/Baku is required")
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, Invalid(field, "unknown time zone %q", name)
	}
	return loc, nil
}

// NormalizeEmail checks an email address and returns it in lower case.
func NormalizeEmail(field, email string) (string, error) {
	email = strings.TrimSpace(email)
	a, err := mail.ParseAddress(email)
	if err != nil || a.Address != email || !strings.Contains(email[strings.LastIndex(email, "@"):], ".") || len(email) > 254 {
		return "", Invalid(field, "not a valid email address")
	}
	return strings.ToLower(email), nil
}

// MinPasswordLength is the shortest password accepted.
const MinPasswordLength = 10

// ValidatePassword checks a new password.
func ValidatePassword(field, pw string) error {
	if utf8.RuneCountInString(pw) < MinPasswordLength {
		return Invalid(field, "the password needs at least %d characters", MinPasswordLength)
	}
	if len(pw) > 256 {
		return Invalid(field, "the password is too long")
	}
	return nil
}

// CleanText trims a free-text input and checks that it is not empty (when
// required) nor longer than max characters.
func CleanText(field, s string, required bool, max int) (string, error) {
	s = strings.TrimSpace(s)
	if required && s == "" {
		return "", Invalid(field, "must not be empty")
	}
	if utf8.RuneCountInString(s) > max {
		return "", Invalid(field, "must be at most %d characters", max)
	}
	if !utf8.ValidString(s) {
		return "", Invalid(field, "is not valid UTF-8")
	}
	return s, nil
}

// CleanList trims, drops empty and duplicate (case-insensitive) entries of a list of tags.
func CleanList(field string, in []string, maxItems, maxLen int) ([]string, error) {
	if len(in) > maxItems {
		return nil, Invalid(field, "at most %d entries", maxItems)
	}
	out := make([]string, 0, len(in))
	for _, s := range in {
		s, err := CleanText(field, s, false, maxLen)
		if err != nil {
			return nil, err
		}
		if s == "" || slices.ContainsFunc(out, func(o string) bool { return strings.EqualFold(o, s) }) {
			continue
		}
		out = append(out, s)
	}
	return out, nil
}

func fmtDuration(d time.Duration) string {
	switch {
	case d == time.Hour:
		return "1 hour"
	case d%time.Hour == 0:
		return fmt.Sprintf("%d hours", d/time.Hour)
	}
	return fmt.Sprintf("%d minutes", d/time.Minute)
}
