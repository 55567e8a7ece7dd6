package konullu

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// What stands between a volunteer and a place. One function,
// Rules.SignupObstacles, says it for every path that decides a signup: the
// volunteer's own signUp, a coordinator's assignVolunteer, the coordinator's
// search for someone to assign (shiftCandidates) and the volunteer's view of
// a shift (Shift.myObstacles). A refusal is the first blocking obstacle, so
// what a list says and what a mutation refuses never differ.

// ObstacleCode names what stands in the way, for programs and translations.
type ObstacleCode string

// Obstacles, in the order a refusal picks the first blocking one.
const (
	ObstacleShiftCancelled  ObstacleCode = "SHIFT_CANCELLED"
	ObstacleNotPublished    ObstacleCode = "SHIFT_NOT_PUBLISHED"
	ObstacleStarted         ObstacleCode = "SHIFT_STARTED"
	ObstacleEnded           ObstacleCode = "SHIFT_ENDED" // ended.go: coordinators too
	ObstacleNotOpenYet      ObstacleCode = "SIGNUP_NOT_OPEN_YET"
	ObstacleAwaitsApproval  ObstacleCode = "AWAITING_APPROVAL"
	ObstacleNotActive       ObstacleCode = "VOLUNTEER_NOT_ACTIVE"
	ObstacleQualifications  ObstacleCode = "MISSING_QUALIFICATIONS"
	ObstacleUnderAge        ObstacleCode = "UNDER_MINIMUM_AGE"
	ObstacleConsent         ObstacleCode = "GUARDIAN_CONSENT_MISSING"
	ObstacleClash           ObstacleCode = "OVERLAPPING_SHIFT"
	ObstacleAlreadyAssigned ObstacleCode = "ALREADY_ASSIGNED"
	ObstacleFull            ObstacleCode = "SHIFT_FULL"
)

// Obstacle is one thing that stands in the way, with the facts that say it
// precisely (which qualification, which age, which shift it clashes with).
type Obstacle struct {
	Code ObstacleCode
	// ErrCode is the API error code a signup is refused with; "" for an
	// obstacle that refuses nothing (a full shift puts the volunteer on the
	// waitlist; a repeated signup returns the place held).
	ErrCode string
	Message string // in English, for developers and logs

	Days           int      // SIGNUP_NOT_OPEN_YET: signup opens this many days before
	MinimumAge     int      // UNDER_MINIMUM_AGE
	Age            *int     // UNDER_MINIMUM_AGE, GUARDIAN_CONSENT_MISSING: the age on the shift's date (nil: unknown)
	AdultAge       int      // GUARDIAN_CONSENT_MISSING
	Qualifications []string // MISSING_QUALIFICATIONS: every one unmet
	Expiring       []string // MISSING_QUALIFICATIONS: those held that expire before the shift ends
	Clash          *Clash   // OVERLAPPING_SHIFT
	Status         AssignmentStatus
	Capacity       int // SHIFT_FULL
	Waiting        int // SHIFT_FULL: volunteers already waiting
}

// Blocking reports whether the obstacle refuses the signup.
func (o Obstacle) Blocking() bool { return o.ErrCode != "" }

// Clash is the shift a volunteer already holds that overlaps the one asked for.
type Clash struct {
	VolunteerID      int64 // who holds it
	ShiftID          int64
	CentreID         int64
	Centre, Position string
	Timezone         string
	StartsAt, EndsAt time.Time
}

// SignupFacts are what a signup decides on besides the shift, its position
// and the volunteer: read by the store, inside the signup's transaction for
// a signup.
type SignupFacts struct {
	Consent  bool             // a guardian's consent is on record
	Existing AssignmentStatus // the volunteer's active place in the shift ("" none)
	Clash    *Clash           // an active place of the volunteer's whose shift overlaps
	Held     int              // places held (CONFIRMED, CHECKED_IN, COMPLETED)
	Waiting  int              // volunteers on the waitlist
}

// SignupObstacles returns everything that stands between the volunteer and
// a place in the shift, in the order of the constants above. Without facts
// (q.Facts nil) it says only what the shift, its position and the volunteer
// decide; consent, overlaps, an existing place and capacity need them.
func (r Rules) SignupObstacles(q SignupRequest) []Obstacle {
	s, v, p := q.Shift, q.Volunteer, q.Position
	var out []Obstacle
	add := func(o Obstacle) { out = append(out, o) }
	closed := false
	if s.Status == ShiftCancelled {
		closed = true
		add(Obstacle{Code: ObstacleShiftCancelled, ErrCode: ESIGNUPCLOSED, Message: "the shift was cancelled"})
	}
	if !q.ByCoordinator && !closed {
		switch {
		case s.Status != ShiftPublished:
			add(Obstacle{Code: ObstacleNotPublished, ErrCode: ESIGNUPCLOSED, Message: "the shift is not published"})
		case !s.StartsAt.After(q.Now):
			add(Obstacle{Code: ObstacleStarted, ErrCode: ESIGNUPCLOSED, Message: "the shift has already started"})
		case s.StartsAt.Sub(q.Now) > r.SignupHorizon:
			days := int(r.SignupHorizon.Hours() / 24)
			add(Obstacle{Code: ObstacleNotOpenYet, ErrCode: ESIGNUPCLOSED, Days: days,
				Message: fmt.Sprintf("signup opens %d days before the shift", days)})
		}
	}
	if q.ByCoordinator && !closed && !q.PastWork && s.Ended(q.Now) {
		add(Obstacle{Code: ObstacleEnded, ErrCode: ESHIFTENDED, Message: ErrShiftEnded().Message})
	}
	switch v.Status {
	case VolunteerActive:
	case VolunteerPending:
		add(Obstacle{Code: ObstacleAwaitsApproval, ErrCode: EREQUIREMENT, Message: "the volunteer is waiting for a coordinator's approval"})
	default:
		add(Obstacle{Code: ObstacleNotActive, ErrCode: EREQUIREMENT, Message: "the volunteer is not active"})
	}
	if unmet, expiring := UnmetQualifications(p.RequiredSkills, v, s.EndsAt); len(unmet) > 0 {
		msg := fmt.Sprintf("the position needs the qualifications: %s", strings.Join(unmet, ", "))
		if len(expiring) == len(unmet) {
			msg = fmt.Sprintf("the qualifications expire before the shift ends: %s", strings.Join(expiring, ", "))
		}
		if expiring == nil {
			expiring = []string{}
		}
		add(Obstacle{Code: ObstacleQualifications, ErrCode: EREQUIREMENT, Message: msg, Qualifications: unmet, Expiring: expiring})
	}
	age, known := AgeAt(v.BirthDate, s.StartsAt, q.Location)
	var agePtr *int
	if known {
		agePtr = &age
	}
	if !MeetsMinimumAge(v.BirthDate, s.StartsAt, q.Location, p.MinimumAge) {
		msg := fmt.Sprintf("the position needs volunteers aged %d or over", p.MinimumAge)
		if !known {
			msg += ", and the volunteer's birth date is not on record"
		}
		add(Obstacle{Code: ObstacleUnderAge, ErrCode: EREQUIREMENT, Message: msg, MinimumAge: p.MinimumAge, Age: agePtr})
	}
	f := q.Facts
	if f == nil {
		return out
	}
	if !f.Consent && NeedsGuardianConsent(v.BirthDate, s.StartsAt, q.Location) {
		add(Obstacle{Code: ObstacleConsent, ErrCode: EREQUIREMENT, AdultAge: AdultAge, Age: agePtr,
			Message: fmt.Sprintf("volunteers under %d need a guardian's consent before their first shift; a coordinator records it", AdultAge)})
	}
	if f.Clash != nil {
		add(Obstacle{Code: ObstacleClash, ErrCode: EOVERLAP, Clash: f.Clash, Message: "the volunteer already has a shift at that time"})
	}
	if f.Existing != "" {
		add(Obstacle{Code: ObstacleAlreadyAssigned, Status: f.Existing, Message: fmt.Sprintf("the volunteer already has a place in the shift (%s)", f.Existing)})
	} else if f.Held >= s.Capacity {
		add(Obstacle{Code: ObstacleFull, Capacity: s.Capacity, Waiting: f.Waiting,
			Message: fmt.Sprintf("the shift is full (%d places): a signup joins the waitlist", s.Capacity)})
	}
	return out
}

// Refusal returns the error of the first blocking obstacle, or nil.
func Refusal(obstacles []Obstacle) error {
	for _, o := range obstacles {
		if o.Blocking() {
			return o.Err()
		}
	}
	return nil
}

// Err is the refusal the obstacle makes: its error code and message, and the
// obstacle itself, which the API renders as extensions (obstacle and its
// facts) so that a client says it in the reader's language.
func (o Obstacle) Err() *Error {
	e := &Error{Code: o.ErrCode, Message: o.Message, Obstacle: &o}
	if o.Code == ObstacleEnded {
		e.Field = "shiftId"
	}
	if o.Code == ObstacleQualifications {
		e.Extensions = map[string]any{"qualifications": o.Qualifications, "expiring": o.Expiring}
	}
	return e
}

// ObstacleExtensions are the facts of an obstacle as error extensions (the
// clash is left to the caller: who may see it depends on the viewer).
func ObstacleExtensions(o *Obstacle) map[string]any {
	ext := map[string]any{"obstacle": string(o.Code)}
	if o.Days > 0 {
		ext["days"] = o.Days
	}
	if o.MinimumAge > 0 {
		ext["minimumAge"] = o.MinimumAge
	}
	if o.AdultAge > 0 {
		ext["adultAge"] = o.AdultAge
	}
	if o.Age != nil {
		ext["age"] = *o.Age
	}
	if o.Code == ObstacleQualifications {
		ext["qualifications"], ext["expiring"] = o.Qualifications, o.Expiring
	}
	if o.Status != "" {
		ext["status"] = string(o.Status)
	}
	if o.Code == ObstacleFull {
		ext["capacity"], ext["waiting"] = o.Capacity, o.Waiting
	}
	return ext
}

// Candidate is a volunteer found for a shift, with what stands in the way
// of assigning them (empty when nothing does).
type Candidate struct {
	Volunteer *Volunteer
	Obstacles []Obstacle
}

// CandidateStore finds volunteers to assign by name, email or phone and
// says, with SignupObstacles, what stands in the way of each; and tells a
// volunteer what stands between them and shifts.
type CandidateStore interface {
	ShiftCandidates(ctx context.Context, shiftID int64, search VolunteerSearch, limit int) ([]*Candidate, error)
	// ObstaclesOf returns, by shift, what stands between the volunteer and
	// each of the shifts (as a signUp of theirs would decide it now).
	ObstaclesOf(ctx context.Context, volunteerID int64, shiftIDs []int64) (map[int64][]Obstacle, error)
}

// VolunteerSearch is what a coordinator typed to find a volunteer, read as
// one of three kinds. A name matches when it contains the text (ignoring
// case). An email or a phone number matches only whole, so that searching
// tells nothing of contact details the searcher may not see: an email
// equal to the one on record (ignoring case), a phone number whose last
// PhoneSearchDigits digits are those typed (+994 50 123 45 67 and
// 050 123 45 67 are the same number).
type VolunteerSearch struct {
	Name        string
	Email       string
	PhoneDigits string
}

// PhoneSearchDigits is how many trailing digits identify a phone number in
// a search (an Azerbaijani national number has nine).
const PhoneSearchDigits = 9

// ParseVolunteerSearch reads a search: an email when it has an @, a phone
// number when it is digits and separators with at least PhoneSearchDigits
// digits, a name otherwise.
func ParseVolunteerSearch(s string) VolunteerSearch {
	s = strings.TrimSpace(s)
	if strings.Contains(s, "@") {
		return VolunteerSearch{Email: strings.ToLower(s)}
	}
	digits := make([]byte, 0, len(s))
	phone := true
	for _, c := range s {
		switch {
		case c >= '0' && c <= '9':
			digits = append(digits, byte(c))
		case strings.ContainsRune("+-() .", c):
		default:
			phone = false
		}
	}
	if phone && len(digits) >= PhoneSearchDigits {
		return VolunteerSearch{PhoneDigits: string(digits[len(digits)-PhoneSearchDigits:])}
	}
	return VolunteerSearch{Name: s}
}
