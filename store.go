package konullu

import (
	"context"
	"time"
)

// Store is the system of record. The store package implements it over
// PostgreSQL and SQLite; every method that changes assignments applies the
// rules of a signup inside one database transaction.
//
// Methods return *Error values for what a user can fix (NOT_FOUND, CONFLICT,
// OVERLAPPING_SHIFT, SIGNUP_CLOSED, REQUIREMENT_NOT_MET, INVALID_INPUT) and
// plain errors for everything else (INTERNAL).
type Store interface {
	// Accounts and sessions.
	CreateAccount(ctx context.Context, a NewAccount) (*User, error)
	Credentials(ctx context.Context, email string) (userID int64, passwordHash string, err error)
	UsersByIDs(ctx context.Context, ids []int64) (map[int64]*User, error)
	CreateSession(ctx context.Context, userID int64, tokenHash []byte, expiresAt time.Time) error
	SessionViewer(ctx context.Context, tokenHash []byte) (*Viewer, error)
	DeleteSession(ctx context.Context, tokenHash []byte) error
	GrantRole(ctx context.Context, userID int64, role Role, centreIDs []int64) (*User, error)
	EnsureAdmin(ctx context.Context, email, passwordHash string) (created bool, err error)

	// Volunteers.
	VolunteersByIDs(ctx context.Context, ids []int64) (map[int64]*Volunteer, error)
	// ContactCentres and ShiftMates are the facts of the contact and name
	// rules (VolunteerTies), read for each request.
	ContactCentres(ctx context.Context, volunteerIDs []int64) (map[int64][]int64, error)
	ShiftMates(ctx context.Context, viewerVolunteerID int64, volunteerIDs []int64) (map[int64]bool, error)
	UpdateProfile(ctx context.Context, volunteerID int64, p ProfileUpdate) (*Volunteer, error)
	SetVolunteerSkills(ctx context.Context, volunteerID int64, skills []string) (*Volunteer, error)
	SetVolunteerStatus(ctx context.Context, volunteerID int64, status VolunteerStatus) (*Volunteer, error)
	FindVolunteers(ctx context.Context, f VolunteerFilter) (volunteers []*Volunteer, total int, err error)

	// Centres and positions.
	CreateCentre(ctx context.Context, c *Centre) error
	Centres(ctx context.Context) ([]*Centre, error)
	CentresByIDs(ctx context.Context, ids []int64) (map[int64]*Centre, error)
	CreatePosition(ctx context.Context, p *Position) error
	Positions(ctx context.Context) ([]*Position, error)
	PositionsByIDs(ctx context.Context, ids []int64) (map[int64]*Position, error)

	// Shifts.
	CreateShifts(ctx context.Context, in NewShifts) ([]*Shift, error)
	ShiftsByIDs(ctx context.Context, ids []int64) (map[int64]*Shift, error)
	FindShifts(ctx context.Context, f ShiftFilter) (shifts []*Shift, total int, err error)
	PublishShifts(ctx context.Context, ids []int64) ([]*Shift, error)
	CancelShift(ctx context.Context, id int64, reason string) (*Shift, error)

	// Assignments.
	SignUp(ctx context.Context, shiftID, volunteerID int64, byCoordinator bool) (*Assignment, error)
	Withdraw(ctx context.Context, assignmentID int64, byCoordinator bool) (*Assignment, error)
	CheckIn(ctx context.Context, assignmentID int64) (*Assignment, error)
	CheckOut(ctx context.Context, assignmentID int64) (*Assignment, error)
	RecordAttendance(ctx context.Context, assignmentID int64, in, out time.Time) (*Assignment, error)
	MarkNoShow(ctx context.Context, assignmentID int64, note string) (*Assignment, error)
	AssignmentsByIDs(ctx context.Context, ids []int64) (map[int64]*Assignment, error)
	AssignmentsOfShifts(ctx context.Context, shiftIDs []int64, statuses []AssignmentStatus) (map[int64][]*Assignment, error)
	AssignmentsOfVolunteer(ctx context.Context, volunteerID int64, from, to time.Time) ([]*Assignment, error)

	// Health.
	Ping(ctx context.Context) error

	// Availability (issue 3): declared free time, what the availability index
	// keeps, its SQL fallback and the ranking of matches.
	SetAvailability(ctx context.Context, volunteerID int64, av Availability) (*Availability, error)
	AvailabilityOf(ctx context.Context, volunteerIDs []int64) (map[int64]*Availability, error)
	CountVolunteers(ctx context.Context) (int, error)
	VolunteersForIndex(ctx context.Context, f IndexFilter) ([]*IndexedVolunteer, error)
	FreeVolunteersSQL(ctx context.Context, q FreeQuery) ([]int64, error)
	RankVolunteers(ctx context.Context, q RankQuery) ([]VolunteerMatch, error)
}

// NewAccount is a registration: a user with the VOLUNTEER role and a
// volunteer profile. PasswordHash may be empty for accounts that cannot sign
// in yet (demo data, imports).
type NewAccount struct {
	Email        string // normalised, lower case
	PasswordHash string
	FullName     string
	BirthDate    time.Time
	Phone        string
	City         string
	Status       VolunteerStatus
	Skills       []string
	Languages    []string
}

// ProfileUpdate changes the fields that are not nil.
type ProfileUpdate struct {
	FullName  *string
	Phone     *string
	City      *string
	Skills    *[]string
	Languages *[]string
	Timezone  *string
}

// NewShifts is one shift or a series, already expanded into periods.
type NewShifts struct {
	CentreID   int64
	PositionID int64
	Periods    []Period
	Capacity   int
	Publish    bool
	Series     bool      // a weekly series: the shifts are changed or cancelled together (SeriesStore)
	Kind       ShiftKind // "": SERVICE
	CourseID   int64     // TRAINING sessions of a course
}

// ShiftFilter selects shifts that start in [From, To), ordered by start then id.
type ShiftFilter struct {
	From, To time.Time
	CentreID int64        // 0: all centres
	Status   ShiftStatus  // "": any status the viewer may see
	OpenOnly bool         // published, in the future, with a free place
	Now      time.Time    // for OpenOnly
	Drafts   DraftAccess  // which drafts the viewer may see
	After    *ShiftCursor // keyset pagination
	Limit    int
}

// DraftAccess says which draft shifts a viewer may see.
type DraftAccess struct {
	All       bool
	CentreIDs []int64
}

// ShiftCursor is the position after which a page of shifts starts.
type ShiftCursor struct {
	StartsAt time.Time
	ID       int64
}

// VolunteerFilter selects volunteers, ordered by full name then id. The
// anonymous rows that keep deleted volunteers' hours are never selected.
type VolunteerFilter struct {
	// Search keeps those whose full name contains it, ignoring case; it is
	// matched literally (% and _ are not wildcards). "": no filter.
	Search string
	// Email and PhoneDigits keep the volunteer whose email is Email, or
	// whose phone number ends with PhoneDigits (separators ignored); ""
	// no filter (VolunteerSearch).
	Email, PhoneDigits string
	Status             VolunteerStatus // "": any status
	// NeedsGuardianConsent keeps those under AdultAge on Now's date in
	// Location (the deployment's time zone; nil: DefaultTimezone), or of
	// unknown age, with no guardian's consent on record.
	NeedsGuardianConsent bool
	Now                  time.Time
	Location             *time.Location
	After                *VolunteerCursor // keyset pagination
	Limit                int
}

// VolunteerCursor is the position after which a page of volunteers starts.
type VolunteerCursor struct {
	FullName string
	ID       int64
}
