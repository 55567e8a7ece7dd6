package konullu

import (
	"context"
	"strings"
	"time"
)

// The youth programme's intake: staff open a cohort (an intake round with
// an application window, a number of places and the centres it serves);
// anyone may apply while it is open; staff and the coordinators of the
// cohort's centres interview applicants and decide. Accepting makes the
// application the volunteer's profile.

// ApplicationStatus is where an application stands.
type ApplicationStatus string

// Application statuses. SUBMITTED → INTERVIEW → ACCEPTED, WAITLISTED or
// REJECTED; a waitlisted application may still be accepted or rejected.
const (
	ApplicationSubmitted  ApplicationStatus = "SUBMITTED"
	ApplicationInterview  ApplicationStatus = "INTERVIEW"
	ApplicationAccepted   ApplicationStatus = "ACCEPTED"
	ApplicationWaitlisted ApplicationStatus = "WAITLISTED"
	ApplicationRejected   ApplicationStatus = "REJECTED"
	ApplicationWithdrawn  ApplicationStatus = "WITHDRAWN"
)

// ApplicationStatuses lists every status, in the order of the funnel.
var ApplicationStatuses = []ApplicationStatus{ApplicationSubmitted, ApplicationInterview, ApplicationAccepted,
	ApplicationWaitlisted, ApplicationRejected, ApplicationWithdrawn}

// Valid reports whether s is a known status.
func (s ApplicationStatus) Valid() bool {
	for _, k := range ApplicationStatuses {
		if s == k {
			return true
		}
	}
	return false
}

// CanScheduleInterview reports whether an interview may be (re)scheduled.
func (s ApplicationStatus) CanScheduleInterview() bool {
	return s == ApplicationSubmitted || s == ApplicationInterview || s == ApplicationWaitlisted
}

// CanBecome reports whether a decision may follow this status: acceptance
// and the waitlist come after an interview; a refusal may come at any
// point before a final decision.
func (s ApplicationStatus) CanBecome(d ApplicationStatus) bool {
	switch d {
	case ApplicationAccepted:
		return s == ApplicationInterview || s == ApplicationWaitlisted
	case ApplicationWaitlisted:
		return s == ApplicationInterview
	case ApplicationRejected:
		return s == ApplicationSubmitted || s == ApplicationInterview || s == ApplicationWaitlisted
	}
	return false
}

// Cohort is an intake round.
type Cohort struct {
	ID        int64
	Name      string
	OpensAt   time.Time
	ClosesAt  time.Time
	Places    int
	CentreIDs []int64
	CreatedBy int64
	CreatedAt time.Time
}

// OpenAt reports whether applications are taken at t.
func (c *Cohort) OpenAt(t time.Time) bool { return !t.Before(c.OpensAt) && t.Before(c.ClosesAt) }

// Serves reports whether the cohort serves the centre.
func (c *Cohort) Serves(centreID int64) bool {
	for _, id := range c.CentreIDs {
		if id == centreID {
			return true
		}
	}
	return false
}

// LanguageLevel is a language an applicant speaks and how well.
type LanguageLevel struct {
	Language string `json:"language"`
	Level    string `json:"level"`
}

// LanguageLevels are the levels an applicant may give: the CEFR's, and NATIVE.
var LanguageLevels = []string{"A1", "A2", "B1", "B2", "C1", "C2", "NATIVE"}

// Application is someone's application to a cohort. Email, Phone and the
// guardian's contact are contact details: only staff and the cohort's
// coordinators see them.
type Application struct {
	ID                 int64
	CohortID           int64
	FullName           string
	Email              string // normalised, lower case
	Phone              string
	BirthDate          time.Time
	Languages          []LanguageLevel
	PreferredCentreIDs []int64
	PreferredTimes     []AvailabilityWindow
	Motivation         string
	GuardianName       string
	GuardianContact    string
	Language           Language // of the applicant's emails
	Status             ApplicationStatus
	InterviewAt        *time.Time
	InterviewPlace     string
	DecisionNote       string
	DecidedAt          *time.Time
	DecidedBy          int64
	VolunteerID        int64 // the account accepting made or activated
	CreatedAt          time.Time
	UpdatedAt          time.Time
}

// Limits of intake.
const (
	MaxCohortName        = 150
	MaxCohortPlaces      = 100_000
	MaxCohortCentres     = 100
	MaxApplicationLangs  = 10
	MaxLanguageName      = 40
	MaxMotivation        = 3000
	MaxInterviewPlace    = 300
	MaxDecisionNote      = 2000
	MaxPreferredTimes    = 21
	MaxGuardianContact   = 200
	MaxApplicationSearch = 100
	// WelcomeLinkTTL is how long the set-password link of an accepted
	// applicant works: longer than a reset link's, since the applicant did
	// not ask for it at that moment.
	WelcomeLinkTTL = 7 * 24 * time.Hour
)

// ValidateCohort checks a cohort as staff submit it; errors name the field.
func ValidateCohort(c Cohort) (Cohort, error) {
	var err error
	if c.Name, err = CleanText("name", c.Name, true, MaxCohortName); err != nil {
		return c, err
	}
	if !c.ClosesAt.After(c.OpensAt) {
		return c, Invalid("closesAt", "must be after opensAt")
	}
	if c.ClosesAt.Sub(c.OpensAt) > 2*366*24*time.Hour {
		return c, Invalid("closesAt", "the application window is at most two years")
	}
	if c.Places < 1 || c.Places > MaxCohortPlaces {
		return c, Invalid("places", "must be between 1 and %d", MaxCohortPlaces)
	}
	if len(c.CentreIDs) == 0 {
		return c, Invalid("centreIds", "name at least one centre")
	}
	if len(c.CentreIDs) > MaxCohortCentres {
		return c, Invalid("centreIds", "at most %d centres", MaxCohortCentres)
	}
	return c, nil
}

// ValidateApplicationDetails checks the free-text and list parts of an
// application (names, email, dates and ids are checked by the caller);
// errors name the field.
func ValidateApplicationDetails(a Application) (Application, error) {
	var err error
	if len(a.Languages) == 0 {
		return a, Invalid("languages", "name at least one language")
	}
	if len(a.Languages) > MaxApplicationLangs {
		return a, Invalid("languages", "at most %d languages", MaxApplicationLangs)
	}
	langs := make([]LanguageLevel, 0, len(a.Languages))
	for _, l := range a.Languages {
		name, err := CleanText("languages", l.Language, true, MaxLanguageName)
		if err != nil {
			return a, err
		}
		level := strings.ToUpper(strings.TrimSpace(l.Level))
		known := false
		for _, k := range LanguageLevels {
			known = known || k == level
		}
		if !known {
			return a, Invalid("languages", "level %q: use one of %s", l.Level, strings.Join(LanguageLevels, ", "))
		}
		for _, o := range langs {
			if strings.EqualFold(o.Language, name) {
				return a, Invalid("languages", "%s is named twice", name)
			}
		}
		langs = append(langs, LanguageLevel{Language: name, Level: level})
	}
	a.Languages = langs
	if a.Motivation, err = CleanText("motivation", a.Motivation, true, MaxMotivation); err != nil {
		return a, err
	}
	if len(a.PreferredCentreIDs) == 0 {
		return a, Invalid("preferredCentreIds", "name at least one centre")
	}
	if len(a.PreferredTimes) > MaxPreferredTimes {
		return a, Invalid("preferredTimes", "at most %d windows", MaxPreferredTimes)
	}
	if a.GuardianName, err = CleanText("guardianName", a.GuardianName, false, 200); err != nil {
		return a, err
	}
	if a.GuardianContact, err = CleanText("guardianContact", a.GuardianContact, false, MaxGuardianContact); err != nil {
		return a, err
	}
	return a, nil
}

// ApplicationFilter selects the applications of a cohort, newest first.
type ApplicationFilter struct {
	CohortID int64
	Statuses []ApplicationStatus // none: every status
	// Search keeps those whose name or email contains it, ignoring case
	// (any alphabet), matched literally.
	Search string
	After  *ApplicationCursor
	Limit  int
}

// ApplicationCursor is the position after which a page of applications starts.
type ApplicationCursor struct {
	CreatedAt time.Time
	ID        int64
}

// InterviewRequest schedules (or moves) an application's interview.
type InterviewRequest struct {
	ApplicationID int64
	At            time.Time
	Place         string
	By            int64 // the user
}

// ApplicationDecisionRequest decides an application. Accepting also makes
// the volunteer's account (or activates the one the email already has);
// when that account has no password, a set-password token with
// TokenHash is stored in the same transaction.
type ApplicationDecisionRequest struct {
	ApplicationID int64
	Decision      ApplicationStatus // ACCEPTED, WAITLISTED or REJECTED
	Note          string
	By            int64 // the user
	// GuardianConsentSeen: the decider saw the guardian's consent of a
	// minor (at the interview); accepting records it as the consent on file.
	GuardianConsentSeen bool
	TokenHash           []byte
	TokenExpires        time.Time
	// Location is the deployment's time zone, for the applicant's age.
	Location *time.Location
}

// ApplicationDecided is what a decision changed.
type ApplicationDecided struct {
	Application *Application
	UserID      int64
	// NewAccount: accepting created the account; NeedsPassword: the
	// account has no password yet and the token of the request was stored.
	NewAccount    bool
	NeedsPassword bool
}

// IntakeStore keeps cohorts and applications.
type IntakeStore interface {
	CreateCohort(ctx context.Context, c *Cohort) error
	// Cohorts lists cohorts, newest window first; openAt non-nil keeps
	// those open at that instant.
	Cohorts(ctx context.Context, openAt *time.Time) ([]*Cohort, error)
	CohortsByIDs(ctx context.Context, ids []int64) (map[int64]*Cohort, error)
	// SubmitApplication stores a new application; the cohort must be open
	// at a.CreatedAt and serve the preferred centres. CONFLICT (field
	// email) when the email already applied to the cohort; the existing
	// application's id and language come back in the error's place as dup.
	SubmitApplication(ctx context.Context, a *Application) (dup *Application, err error)
	ApplicationsByIDs(ctx context.Context, ids []int64) (map[int64]*Application, error)
	FindApplications(ctx context.Context, f ApplicationFilter) ([]*Application, int, error)
	ApplicationCounts(ctx context.Context, cohortID int64) (map[ApplicationStatus]int, error)
	ScheduleInterview(ctx context.Context, r InterviewRequest) (*Application, error)
	DecideApplication(ctx context.Context, r ApplicationDecisionRequest) (*ApplicationDecided, error)
}

// ProgrammeMailKind is the kind of an email to an applicant.
type ProgrammeMailKind string

// Emails to applicants.
const (
	MailApplicationReceived  ProgrammeMailKind = "APPLICATION_RECEIVED"
	MailApplicationDuplicate ProgrammeMailKind = "APPLICATION_DUPLICATE" // someone applied again with the address
	MailInterview            ProgrammeMailKind = "INTERVIEW"
	MailAccepted             ProgrammeMailKind = "ACCEPTED"
	MailWaitlisted           ProgrammeMailKind = "WAITLISTED"
	MailRejected             ProgrammeMailKind = "REJECTED"
)

// ProgrammeMail is an email to an applicant, in their language. Link, for
// an acceptance, sets the password (a secret: the mail is sent at once,
// never kept in the outbox) or opens the sign-in page.
type ProgrammeMail struct {
	Kind        ProgrammeMailKind
	Cohort      string
	At          *time.Time // the interview
	Zone        string     // the interview's time zone
	Place       string
	Note        string
	Link        string
	SetPassword bool
}
