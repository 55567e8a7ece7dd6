package konullu

import (
	"context"
	"strings"
	"time"
)

// Training and qualifications (issue 15, part 2). A qualification ("first
// aid", "English B2") is held for its validity in months, or for good. A
// course is a set of training sessions, shifts of kind TRAINING: attending
// every one and being marked passed grants the course's qualification.
// Positions require qualifications; a signup, an assignment, a place taken
// from an offer, matching and the roster planner refuse a volunteer who
// lacks one or whose one expires before the shift ends.

// ShiftKind tells service from training.
type ShiftKind string

// Shift kinds.
const (
	ShiftService  ShiftKind = "SERVICE"
	ShiftTraining ShiftKind = "TRAINING"
)

// Limits of qualifications and courses.
const (
	MaxQualificationName        = 100
	MaxQualificationDescription = 1000
	MaxQualificationNote        = 1000
	MaxValidityMonths           = 240
	MaxCourseName               = 150
	MaxRequiredQualifications   = 20
	// ExpiryWarning is how long before a qualification expires its holder is warned.
	ExpiryWarning = 30 * 24 * time.Hour
)

// NotifyQualificationExpiring warns a volunteer that a qualification of
// theirs expires in ExpiryWarning or less (the qualification-expiry job).
const NotifyQualificationExpiring NotificationKind = "QUALIFICATION_EXPIRING"

// JobQualificationExpiry warns holders of qualifications that expire soon.
const JobQualificationExpiry = "qualification-expiry"

// Qualification sources: how a volunteer came to hold one.
const (
	QualificationByCourse = "COURSE"
	QualificationByGrant  = "GRANT"
)

// Qualification is something a position may require.
type Qualification struct {
	ID           int64
	Name         string            // the fallback name, unique without case
	Names        map[string]string // per language (az, en, ru); missing ones fall back to Name
	Description  string
	Descriptions map[string]string
	// ValidityMonths is how long a grant lasts; 0: for good.
	ValidityMonths int
	CreatedBy      int64
	CreatedAt      time.Time
}

// NameIn returns the qualification's name in a language.
func (q *Qualification) NameIn(lang Language) string {
	if n := q.Names[string(lang)]; n != "" {
		return n
	}
	return q.Name
}

// ExpiryFrom is when a grant made at t expires (zero: never).
func (q *Qualification) ExpiryFrom(t time.Time) time.Time {
	if q.ValidityMonths <= 0 {
		return time.Time{}
	}
	return t.AddDate(0, q.ValidityMonths, 0)
}

// HeldQualification is a volunteer's qualification: when it was granted,
// until when it holds (zero: for good), how (a course or a coordinator's
// grant with a note as evidence) and by whom.
type HeldQualification struct {
	VolunteerID     int64
	QualificationID int64
	GrantedAt       time.Time
	ExpiresAt       time.Time
	Source          string
	CourseID        int64
	Note            string
	GrantedBy       int64
}

// ValidAt reports whether the qualification still holds at t.
func (h *HeldQualification) ValidAt(t time.Time) bool {
	return h.ExpiresAt.IsZero() || !h.ExpiresAt.Before(t)
}

// Course is a set of training sessions that grants a qualification.
type Course struct {
	ID              int64
	Name            string
	QualificationID int64
	CreatedBy       int64
	CreatedAt       time.Time
}

// ExpiringGrant is a held qualification the expiry job warns about.
type ExpiringGrant struct {
	HeldQualification
	UserID        int64
	Qualification *Qualification
}

// QualificationStore keeps qualifications, courses and what volunteers hold.
// Every change of what a volunteer holds or a position requires keeps the
// skill columns (names) in step, in the same transaction.
type QualificationStore interface {
	CreateQualification(ctx context.Context, q *Qualification) error
	Qualifications(ctx context.Context) ([]*Qualification, error)
	QualificationsByIDs(ctx context.Context, ids []int64) (map[int64]*Qualification, error)
	// HeldQualifications lists what each volunteer holds, by name.
	HeldQualifications(ctx context.Context, volunteerIDs []int64) (map[int64][]*HeldQualification, error)
	// GrantQualification grants (or renews) a qualification by a
	// coordinator's decision; the expiry follows the validity.
	GrantQualification(ctx context.Context, volunteerID, qualificationID, by int64, note string) (*HeldQualification, error)
	// SetPositionQualifications replaces what a position requires.
	SetPositionQualifications(ctx context.Context, positionID int64, qualificationIDs []int64) error
	PositionQualifications(ctx context.Context, positionIDs []int64) (map[int64][]int64, error)
	CreateCourse(ctx context.Context, c *Course) error
	Courses(ctx context.Context) ([]*Course, error)
	CoursesByIDs(ctx context.Context, ids []int64) (map[int64]*Course, error)
	// CourseSessions lists each course's sessions (shift ids by start).
	CourseSessions(ctx context.Context, courseIDs []int64) (map[int64][]int64, error)
	// MarkCoursePassed grants the course's qualification to a volunteer
	// who attended every session that is not cancelled, or refuses with
	// REQUIREMENT_NOT_MET naming the sessions missed.
	MarkCoursePassed(ctx context.Context, courseID, volunteerID, by int64) (*HeldQualification, error)
	// QualifiedVolunteers keeps those of ids who hold every one of the
	// named qualifications until at least the given time.
	QualifiedVolunteers(ctx context.Context, ids []int64, names []string, until time.Time) ([]int64, error)
	// ExpiringQualifications lists grants that expire in (now, now+within]
	// and were not warned of since they were granted.
	ExpiringQualifications(ctx context.Context, now time.Time, within time.Duration, limit int) ([]*ExpiringGrant, error)
	// MarkExpiryWarned records the warning of a grant and tells the holder
	// (NotifyQualificationExpiring), in one transaction; false when it was
	// already recorded (another instance warned) or the grant was renewed
	// since it was listed (grantedAt moved).
	MarkExpiryWarned(ctx context.Context, e *ExpiringGrant, now time.Time) (bool, error)
}

// TrainingMinutesStore reads the minutes credited for attended training
// sessions, kept apart from service minutes (Volunteer.TotalMinutes).
type TrainingMinutesStore interface {
	TrainingMinutes(ctx context.Context, volunteerIDs []int64) (map[int64]int, error)
}

// UnmetQualifications returns the required qualifications (by name) the
// volunteer does not hold, and those of them held that expire before end.
// Names compare without case.
func UnmetQualifications(required []string, v *Volunteer, end time.Time) (unmet, expiring []string) {
	unmet = MissingSkills(required, v.Skills)
	for _, r := range required {
		for name, exp := range v.QualificationExpiry {
			if strings.EqualFold(name, r) && exp.Before(end) {
				unmet = append(unmet, r)
				expiring = append(expiring, r)
			}
		}
	}
	return unmet, expiring
}
