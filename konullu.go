// Package konullu holds the domain of Könüllü: volunteers, centres, positions,
// shifts and assignments, the error codes and the pure rules of a signup.
// Adapters (store, schema, availability, notify, jobs) live in subpackages and
// depend on this package, never the other way round.
package konullu

import (
	"context"
	"time"
)

// Role is what a user may do.
type Role string

// Roles.
const (
	RoleVolunteer   Role = "VOLUNTEER"
	RoleCoordinator Role = "COORDINATOR"
	RoleStaff       Role = "STAFF"
	RoleAdmin       Role = "ADMIN"
)

// ValidRole reports whether r is a known role.
func ValidRole(r Role) bool {
	switch r {
	case RoleVolunteer, RoleCoordinator, RoleStaff, RoleAdmin:
		return true
	}
	return false
}

// User is an account that can sign in.
type User struct {
	ID          int64
	Email       string
	Roles       []Role
	VolunteerID int64   // 0 when the user has no volunteer profile
	CentreIDs   []int64 // centres the user coordinates
	CreatedAt   time.Time
	// SuspendedAt is when an admin suspended the account (zero: not
	// suspended); a suspended account has no working session.
	SuspendedAt     time.Time
	SuspendedReason string
}

// Suspended reports whether an admin suspended the account.
func (u *User) Suspended() bool { return !u.SuspendedAt.IsZero() }

// VolunteerStatus says whether a volunteer may take shifts.
type VolunteerStatus string

// Volunteer statuses.
const (
	VolunteerPending   VolunteerStatus = "PENDING"
	VolunteerActive    VolunteerStatus = "ACTIVE"
	VolunteerSuspended VolunteerStatus = "SUSPENDED"
)

// DefaultTimezone is the volunteers' time zone unless they choose another.
const DefaultTimezone = "Asia/Baku"

// Volunteer is the profile of a person who takes shifts.
type Volunteer struct {
	ID        int64
	UserID    int64
	FullName  string
	Email     string
	Phone     string
	City      string
	BirthDate time.Time // a date at 00:00 UTC
	Skills    []string  // the names of the qualifications held (kept in step by the store)
	// QualificationExpiry is when each held qualification that expires does (by name).
	QualificationExpiry map[string]time.Time
	Languages           []string
	Timezone            string
	Status              VolunteerStatus
	TotalMinutes        int
	CreatedAt           time.Time
}

// Centre is a public-service centre where shifts happen.
type Centre struct {
	ID       int64
	Name     string
	City     string
	Address  string
	Timezone string
	// SelfCheckIn: volunteers may check themselves in (checkIn) rather
	// than prove presence at the kiosk or to a coordinator. The default is
	// true until the centre has a kiosk.
	SelfCheckIn bool
	// Names and Descriptions per language (az, en, ru); a missing one
	// falls back to Name or Description (catalogue.go).
	Names        map[string]string
	Description  string
	Descriptions map[string]string
	// ArchivedAt: archived (out of pickers and browse lists, kept in
	// history); zero: in use.
	ArchivedAt time.Time
}

// Position is a kind of work done in a shift.
type Position struct {
	ID             int64
	Name           string
	Description    string
	RequiredSkills []string          // the names of the required qualifications (kept in step by the store)
	MinimumAge     int               // 0: none
	Names          map[string]string // per language; missing ones fall back to Name
	Descriptions   map[string]string // per language; missing ones fall back to Description
	ArchivedAt     time.Time         // zero: in use
}

// ShiftStatus is the life cycle of a shift.
type ShiftStatus string

// Shift statuses.
const (
	ShiftDraft     ShiftStatus = "DRAFT"
	ShiftPublished ShiftStatus = "PUBLISHED"
	ShiftCancelled ShiftStatus = "CANCELLED"
)

// Shift is a period at a centre for which volunteers of a position are needed.
type Shift struct {
	ID             int64
	CentreID       int64
	PositionID     int64
	StartsAt       time.Time
	EndsAt         time.Time
	Capacity       int
	Status         ShiftStatus
	ConfirmedCount int // CONFIRMED, CHECKED_IN and COMPLETED places
	WaitlistCount  int
	CancelReason   string
	CreatedAt      time.Time
	SeriesID       int64 // the weekly series the shift was created in (its first shift's id); 0 for a single shift
	Kind           ShiftKind
	CourseID       int64 // a TRAINING shift's course; 0: none
}

// Duration is the length of the shift.
func (s *Shift) Duration() time.Duration { return s.EndsAt.Sub(s.StartsAt) }

// AssignmentStatus is the life cycle of a volunteer's place in a shift.
type AssignmentStatus string

// Assignment statuses.
const (
	AssignmentConfirmed  AssignmentStatus = "CONFIRMED"
	AssignmentWaitlisted AssignmentStatus = "WAITLISTED"
	AssignmentCancelled  AssignmentStatus = "CANCELLED"
	AssignmentCheckedIn  AssignmentStatus = "CHECKED_IN"
	AssignmentCompleted  AssignmentStatus = "COMPLETED"
	AssignmentNoShow     AssignmentStatus = "NO_SHOW"
)

// ValidAssignmentStatus reports whether s is a known status.
func ValidAssignmentStatus(s AssignmentStatus) bool {
	switch s {
	case AssignmentConfirmed, AssignmentWaitlisted, AssignmentCancelled,
		AssignmentCheckedIn, AssignmentCompleted, AssignmentNoShow:
		return true
	}
	return false
}

// Active reports whether the assignment still binds the volunteer's time
// (invariant 2: no two active assignments overlap).
func (s AssignmentStatus) Active() bool {
	return s == AssignmentConfirmed || s == AssignmentWaitlisted || s == AssignmentCheckedIn
}

// HoldsPlace reports whether the assignment takes one of the shift's places.
func (s AssignmentStatus) HoldsPlace() bool {
	return s == AssignmentConfirmed || s == AssignmentCheckedIn || s == AssignmentCompleted
}

// Assignment is a volunteer's place (or place in the queue) in a shift.
type Assignment struct {
	ID               int64
	ShiftID          int64
	VolunteerID      int64
	Status           AssignmentStatus
	WaitlistPosition int // 1-based; 0 unless WAITLISTED
	CheckedInAt      *time.Time
	CheckedOutAt     *time.Time
	CreditedMinutes  int
	Presence         PresenceProof // how presence was proven; "" until checked in
	Note             string
	CreatedAt        time.Time
	UpdatedAt        time.Time
	// AttendanceConfirmedAt is when the holder said they are coming (the
	// app, or a reply to the reminder); nil: not confirmed.
	AttendanceConfirmedAt *time.Time
	// CancelledBy says why a CANCELLED assignment was cancelled ("" when
	// not cancelled, or for old cancellations that cannot be told apart).
	CancelledBy CancelCause
}

// Clock returns the current time; tests replace it.
type Clock func() time.Time

type viewerKey struct{}

// NewContext returns a context carrying the viewer.
func NewContext(ctx context.Context, v *Viewer) context.Context {
	return context.WithValue(ctx, viewerKey{}, v)
}

// ViewerFrom returns the viewer of the request; an anonymous viewer if none.
func ViewerFrom(ctx context.Context) *Viewer {
	switch v := ctx.Value(viewerKey{}).(type) {
	case *Viewer:
		if v != nil {
			return v
		}
	case func() *Viewer:
		if cur := v(); cur != nil {
			return cur
		}
	}
	return &Viewer{}
}

// NewLiveContext returns a context whose viewer is asked of current at
// each use: that of a long-lived connection (a subscription), whose rights
// may change while it stays open.
func NewLiveContext(ctx context.Context, current func() *Viewer) context.Context {
	return context.WithValue(ctx, viewerKey{}, current)
}
