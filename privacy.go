package konullu

import (
	"context"
	"encoding/json"
	"time"
)

// Youth protection and privacy. Könüllü holds minors' personal data:
//
//   - A volunteer under AdultAge on the day of a shift (its date where the
//     centre is, see age.go) or of unknown age may hold a place in it only
//     once a coordinator has recorded a guardian's consent
//     (REQUIREMENT_NOT_MET until then). Positions may also set a minimum age.
//   - A volunteer may download everything the system holds about them
//     (PersonalData) and delete their account: what identifies them is
//     erased, and the hours they served stay, anonymously, so that reports
//     about the past stay true.

// NotifyConsentRecorded tells a volunteer that a guardian's consent is on
// record: they may take shifts now (sent when the first one is recorded).
const NotifyConsentRecorded NotificationKind = "GUARDIAN_CONSENT_RECORDED"

// AdultAge is the age from which a volunteer needs no guardian's consent.
const AdultAge = 18

// GuardianConsent is a parent's or guardian's permission for a minor to
// volunteer, recorded by a coordinator who saw it (on paper, in person).
type GuardianConsent struct {
	VolunteerID  int64
	GuardianName string
	Relationship string // mother, father, legal guardian…
	Contact      string // how the coordinator can reach the guardian
	Note         string
	RecordedBy   int64 // the coordinator's user id; 0 once that account is deleted
	RecordedAt   time.Time
	// RecordedByName is the recorder's name as their volunteer profile
	// has it ("" without one); read, never written.
	RecordedByName string
	// SupersededAt is when a later record replaced this one (nil for the
	// consent on record), and SupersededBy who recorded that one.
	SupersededAt *time.Time
	SupersededBy int64
}

// CheckGuardianConsent is the youth-protection rule of a signup: a minor
// takes a place only with a guardian's consent on record.
// The age is counted on the shift's date in its centre's time zone (loc);
// a volunteer of unknown age needs a consent too.
func CheckGuardianConsent(v *Volunteer, s *Shift, loc *time.Location, consented bool) error {
	if consented || !NeedsGuardianConsent(v.BirthDate, s.StartsAt, loc) {
		return nil
	}
	// As SignupObstacles says it.
	q := SignupRequest{Shift: s, Position: &Position{}, Volunteer: &Volunteer{Status: VolunteerActive, BirthDate: v.BirthDate},
		Location: loc, ByCoordinator: true, Facts: &SignupFacts{Held: -1 << 31}}
	for _, o := range (Rules{}).SignupObstacles(q) {
		if o.Code == ObstacleConsent {
			return o.Err()
		}
	}
	return nil
}

// ConsentTieWindow is how long a place or an application ties a minor to a
// centre for recording consent after the shift ended or the application was made.
const ConsentTieWindow = 90 * 24 * time.Hour

// CanRecordConsent reports whether the viewer may record a guardian's
// consent for a volunteer: admins always; a coordinator only for a minor
// tied to one of their centres (consentCentres: where the minor holds a
// place that is not cancelled, drafts included, or applied for one and was
// refused for want of consent; see PrivacyStore.ConsentCentres).
func (v *Viewer) CanRecordConsent(consentCentres []int64) bool {
	if v.IsAdmin() {
		return true
	}
	for _, c := range consentCentres {
		if v.Coordinates(c) {
			return true
		}
	}
	return false
}

// ValidateGuardianConsent cleans what a coordinator typed; errors name the field.
func ValidateGuardianConsent(c GuardianConsent) (GuardianConsent, error) {
	var err error
	if c.GuardianName, err = CleanText("guardianName", c.GuardianName, true, 200); err != nil {
		return c, err
	}
	if c.Relationship, err = CleanText("relationship", c.Relationship, true, 60); err != nil {
		return c, err
	}
	if c.Contact, err = CleanText("contact", c.Contact, false, 200); err != nil {
		return c, err
	}
	if c.Note, err = CleanText("note", c.Note, false, 500); err != nil {
		return c, err
	}
	return c, nil
}

// PersonalData is everything the system holds about one account, as the
// account holder downloads it. Records holds the rows of every other table
// that belongs to the account (availability, notifications, tallies,
// certificates…), by table name, so that features added later are included
// without changing this type; secrets (password and token hashes) are left out.
type PersonalData struct {
	ExportedAt      time.Time                   `json:"exportedAt"`
	Account         PersonalAccount             `json:"account"`
	Volunteer       *PersonalVolunteer          `json:"volunteer,omitempty"`
	GuardianConsent *PersonalConsent            `json:"guardianConsent,omitempty"`
	Assignments     []PersonalAssignment        `json:"assignments"`
	Sessions        []PersonalSession           `json:"sessions"`
	Records         map[string][]map[string]any `json:"records"`
}

// PersonalAccount is the account part of an export.
type PersonalAccount struct {
	ID        int64     `json:"id"`
	Email     string    `json:"email"`
	Roles     []Role    `json:"roles"`
	CentreIDs []int64   `json:"coordinatedCentreIds"`
	CreatedAt time.Time `json:"createdAt"`
}

// PersonalVolunteer is the volunteer profile of an export.
type PersonalVolunteer struct {
	ID           int64     `json:"id"`
	FullName     string    `json:"fullName"`
	Phone        string    `json:"phone"`
	City         string    `json:"city"`
	BirthDate    string    `json:"birthDate,omitempty"`
	Skills       []string  `json:"skills"`
	Languages    []string  `json:"languages"`
	Timezone     string    `json:"timezone"`
	Status       string    `json:"status"`
	TotalMinutes int       `json:"totalMinutes"`
	CreatedAt    time.Time `json:"createdAt"`
}

// PersonalConsent is the guardian's consent of an export.
type PersonalConsent struct {
	GuardianName string    `json:"guardianName"`
	Relationship string    `json:"relationship"`
	Contact      string    `json:"contact"`
	Note         string    `json:"note"`
	RecordedAt   time.Time `json:"recordedAt"`
}

// PersonalAssignment is one assignment of an export, with where and when.
type PersonalAssignment struct {
	ID              int64      `json:"id"`
	Centre          string     `json:"centre"`
	Position        string     `json:"position"`
	StartsAt        time.Time  `json:"startsAt"`
	EndsAt          time.Time  `json:"endsAt"`
	Status          string     `json:"status"`
	CheckedInAt     *time.Time `json:"checkedInAt"`
	CheckedOutAt    *time.Time `json:"checkedOutAt"`
	CreditedMinutes int        `json:"creditedMinutes"`
	Note            string     `json:"note"`
	CreatedAt       time.Time  `json:"createdAt"`
}

// PersonalSession is a sign-in of an export (the token itself is never kept).
type PersonalSession struct {
	CreatedAt time.Time `json:"createdAt"`
	ExpiresAt time.Time `json:"expiresAt"`
}

// DeletedAccount says what deleting an account did.
type DeletedAccount struct {
	// AnonymousVolunteerID is the volunteer row that now holds the deleted
	// volunteer's past assignments and hours; 0 when there was no profile.
	AnonymousVolunteerID int64
	// Withdrawn counts the future places given up (their waitlists moved up).
	Withdrawn int
	// Shifts lists the shifts of those places, for whoever mirrors them (the availability index).
	Shifts []int64
	// KeptAssignments counts the past assignments kept anonymously.
	KeptAssignments int
}

// PrivacyStore is what youth protection and privacy need from the system of record.
type PrivacyStore interface {
	// RecordGuardianConsent records a volunteer's guardian consent; the one
	// it supersedes moves to the history.
	RecordGuardianConsent(ctx context.Context, c GuardianConsent) (*GuardianConsent, error)
	// GuardianConsents returns the consents on record, by volunteer id.
	GuardianConsents(ctx context.Context, volunteerIDs []int64) (map[int64]*GuardianConsent, error)
	// GuardianConsentHistory returns, by volunteer id, every consent
	// recorded, the one on record first and then those it superseded, newest first.
	GuardianConsentHistory(ctx context.Context, volunteerIDs []int64) (map[int64][]*GuardianConsent, error)
	// ConsentCentres lists the centres whose coordinators may record the
	// volunteer's guardian consent (CanRecordConsent).
	ConsentCentres(ctx context.Context, volunteerID int64) ([]int64, error)
	// ExportPersonalData returns everything held about a user.
	ExportPersonalData(ctx context.Context, userID int64) (*PersonalData, error)
	// DeleteAccount erases a user's personal data: future places are given
	// up, past assignments and hours move to a new anonymous volunteer row,
	// the audit trail forgets them, and the account is deleted.
	DeleteAccount(ctx context.Context, userID int64) (*DeletedAccount, error)
}

// MarshalPersonalData encodes an export as indented JSON, the download's format.
func MarshalPersonalData(p *PersonalData) ([]byte, error) {
	return json.MarshalIndent(p, "", "  ")
}

// AnonymousBirthDate returns the least telling birth date that puts someone
// born on birth in the same age band on each of the given days (and the day
// before and after, whatever the report's time zone): the 1st of January of
// a year when one fits, else the 1st of a month, else the date itself. It is
// what a deleted volunteer's anonymous row keeps, so that reports by age band
// stay true; with no days to keep true it returns the zero time.
func AnonymousBirthDate(birth time.Time, days []time.Time) time.Time {
	if birth.IsZero() || len(days) == 0 {
		return time.Time{}
	}
	fits := func(c time.Time) bool {
		for _, d := range days {
			for delta := -1; delta <= 1; delta++ {
				day := d.UTC().AddDate(0, 0, delta)
				if AgeBandOf(c, day) != AgeBandOf(birth, day) {
					return false
				}
			}
		}
		return true
	}
	y, m, _ := birth.Date()
	var candidates []time.Time
	for _, dy := range []int{0, 1, -1} {
		candidates = append(candidates, time.Date(y+dy, 1, 1, 0, 0, 0, 0, time.UTC))
	}
	for dm := 0; dm <= 13; dm++ {
		candidates = append(candidates, time.Date(y, m+time.Month(dm), 1, 0, 0, 0, 0, time.UTC),
			time.Date(y, m-time.Month(dm), 1, 0, 0, 0, 0, time.UTC))
	}
	for _, c := range candidates {
		if fits(c) {
			return c
		}
	}
	return time.Date(y, m, birth.Day(), 0, 0, 0, 0, time.UTC)
}
