package konullu

import (
	"context"
	"time"
)

// The youth programme (issue 15): mentors, hour corrections and
// recommendation letters.

// Mentors. An accepted volunteer may be given a mentor: an ACTIVE volunteer
// with at least MentorMinimumMinutes credited, who is not the volunteer and
// whose own chain of mentors does not lead back to the volunteer.
const (
	// MentorMinimumMinutes is what makes a volunteer experienced enough to
	// mentor: 20 hours of attended, credited shifts.
	MentorMinimumMinutes = 20 * 60
	// MaxMentees bounds how many volunteers one mentor guides at once.
	MaxMentees = 10
)

// Error codes of the programme.
const (
	// ENOTEXPERIENCED: the chosen mentor has not enough credited hours.
	ENOTEXPERIENCED = "MENTOR_NOT_EXPERIENCED"
)

// Mentorship links a volunteer to their mentor.
type Mentorship struct {
	VolunteerID int64
	MentorID    int64
	AssignedBy  int64 // user
	AssignedAt  time.Time
}

// MentorLink is how a viewer, a volunteer, stands to another volunteer.
type MentorLink int

// Mentor links.
const (
	NoMentorLink MentorLink = iota
	MentorOf                // the viewer mentors the volunteer: name, hours and shifts, never contact details
	MentoredBy              // the volunteer mentors the viewer: the name
)

// Hour corrections. A volunteer disputes the record of an assignment of
// theirs whose shift has ended (a no-show, a missing or wrong check-out) by
// giving the times they were there; a coordinator of the shift's centre
// approves (the times become the assignment's attendance, credited as
// recorded attendance) or rejects it.
const (
	// CorrectionSlack is how far before the start and after the end of the
	// shift the times of a correction may lie.
	CorrectionSlack = 2 * time.Hour
	// CorrectionWindow is how long after a shift's end it may be disputed.
	CorrectionWindow = 60 * 24 * time.Hour
	// MaxCorrectionReason bounds the reason of a correction; MaxCorrectionNote the coordinator's note.
	MaxCorrectionReason = 1000
	MaxCorrectionNote   = 500
)

// CorrectionStatus is where a correction stands.
type CorrectionStatus string

// Correction statuses.
const (
	CorrectionPending  CorrectionStatus = "PENDING"
	CorrectionApproved CorrectionStatus = "APPROVED"
	CorrectionRejected CorrectionStatus = "REJECTED"
)

// HourCorrection is a volunteer's request to correct the attendance of an assignment.
type HourCorrection struct {
	ID           int64
	AssignmentID int64
	VolunteerID  int64
	CentreID     int64
	CheckedInAt  time.Time
	CheckedOutAt time.Time
	Reason       string
	Status       CorrectionStatus
	DecisionNote string
	DecidedBy    int64 // user; 0 while pending
	DecidedAt    *time.Time
	CreatedAt    time.Time
}

// CheckCorrectionTimes validates the times of a correction of an assignment
// in s at now: out after in, within CorrectionSlack of the shift, not in
// the future, overlapping the shift, and the shift ended within
// CorrectionWindow.
func CheckCorrectionTimes(now time.Time, s *Shift, in, out time.Time) error {
	switch {
	case now.Before(s.EndsAt):
		return Errorf(ECONFLICT, "the shift has not ended yet; check in and out as usual")
	case now.Sub(s.EndsAt) > CorrectionWindow:
		return Errorf(ECONFLICT, "a shift can be disputed up to %d days after it ended", int(CorrectionWindow/(24*time.Hour)))
	case !out.After(in):
		return Invalid("checkedOutAt", "must be after checkedInAt")
	case in.Before(s.StartsAt.Add(-CorrectionSlack)):
		return Invalid("checkedInAt", "must be at most 2 hours before the shift starts")
	case out.After(s.EndsAt.Add(CorrectionSlack)):
		return Invalid("checkedOutAt", "must be at most 2 hours after the shift ends")
	case out.After(now):
		return Invalid("checkedOutAt", "must not be in the future")
	case CreditedMinutes(s, in, out) == 0:
		return Invalid("checkedInAt", "the times do not overlap the shift")
	}
	return nil
}

// Disputable reports whether an assignment's record may be disputed: any
// place the volunteer held (not a cancelled or waitlisted one).
func Disputable(a *Assignment) bool {
	switch a.Status {
	case AssignmentNoShow, AssignmentCheckedIn, AssignmentCompleted, AssignmentConfirmed:
		return true
	}
	return false
}

// CorrectionFilter selects corrections, newest first.
type CorrectionFilter struct {
	CentreIDs   []int64 // nil: every centre
	VolunteerID int64   // 0: every volunteer
	Status      CorrectionStatus
	Limit       int
}

// Recommendation letters. A coordinator writes a letter for a volunteer;
// it records, when issued, the programme's figures of the volunteer and is
// verified like a certificate.
const (
	MinLetterText = 20
	MaxLetterText = 3000
)

// LetterFigures are what a letter certifies besides its text.
type LetterFigures struct {
	Minutes        int
	Shifts         int
	Centres        []string
	Positions      []string
	From, To       time.Time // the first and last attended shift (dates); zero when none
	Qualifications []string  // held qualifications, when the programme records them
}

// RecommendationLetter is a letter as issued.
type RecommendationLetter struct {
	ID          int64
	Code        string // the public verification code, as a certificate's
	VolunteerID int64
	FullName    string
	Language    Language
	Text        string
	AuthorID    int64 // user
	AuthorName  string
	IssuedAt    time.Time
	LetterFigures
}

// MentoringStore keeps mentors, hour corrections and letters. Errors follow Store.
type MentoringStore interface {
	// AssignMentor makes mentorID the mentor of volunteerID (replacing any):
	// REQUIREMENT_NOT_MET-like MENTOR_NOT_EXPERIENCED when the mentor has
	// fewer than minMinutes credited, CONFLICT for self-mentoring, a cycle,
	// a mentor who is not ACTIVE or has MaxMentees already.
	AssignMentor(ctx context.Context, m Mentorship, minMinutes int) error
	// RemoveMentor ends a volunteer's mentorship (none: nothing happens).
	RemoveMentor(ctx context.Context, volunteerID int64) error
	// MentorsOf returns the mentor of each volunteer that has one.
	MentorsOf(ctx context.Context, volunteerIDs []int64) (map[int64]int64, error)
	// MenteesOf returns the mentees of each mentor, by name.
	MenteesOf(ctx context.Context, mentorIDs []int64) (map[int64][]int64, error)
	// MentorLinks says how the viewer, an ACTIVE volunteer, stands to each
	// volunteer (NoMentorLink for a viewer who is not ACTIVE).
	MentorLinks(ctx context.Context, viewerVolunteerID int64, volunteerIDs []int64) (map[int64]MentorLink, error)
	// SignUpTogether signs the mentor and their mentee up for one shift in
	// one transaction by the volunteer's rules, both confirmed or neither.
	SignUpTogether(ctx context.Context, shiftID, mentorID, menteeID int64) (mentor, mentee *Assignment, err error)

	// RequestCorrection records a pending correction (CONFLICT when one is
	// pending for the assignment already).
	RequestCorrection(ctx context.Context, c *HourCorrection) error
	// DecideCorrection approves or rejects a pending correction; approving
	// records its times as the assignment's attendance (presence RECORDED).
	// The volunteer is notified.
	DecideCorrection(ctx context.Context, id int64, approve bool, note string, by int64) (*HourCorrection, error)
	CorrectionsByIDs(ctx context.Context, ids []int64) (map[int64]*HourCorrection, error)
	FindCorrections(ctx context.Context, f CorrectionFilter) ([]*HourCorrection, error)
	// LatestCorrections returns the newest correction of each assignment that has one.
	LatestCorrections(ctx context.Context, assignmentIDs []int64) (map[int64]*HourCorrection, error)

	// AttendedCentres returns the centres where the volunteer attended (COMPLETED) any shift.
	AttendedCentres(ctx context.Context, volunteerID int64) ([]int64, error)
	// IssueLetter computes the figures, records the letter with a fresh
	// code and notifies the volunteer; it fills ID, Code, IssuedAt,
	// FullName and the figures.
	IssueLetter(ctx context.Context, l *RecommendationLetter) error
	LetterByCode(ctx context.Context, code string) (*RecommendationLetter, error)
	LettersOf(ctx context.Context, volunteerID int64) ([]*RecommendationLetter, error)
	LettersByIDs(ctx context.Context, ids []int64) (map[int64]*RecommendationLetter, error)
}

// Notifications of the programme.
const (
	NotifyMentorAssigned     NotificationKind = "MENTOR_ASSIGNED"     // to a volunteer: who their mentor is now
	NotifyMenteeAssigned     NotificationKind = "MENTEE_ASSIGNED"     // to a mentor: whom they guide now
	NotifyCorrectionApproved NotificationKind = "CORRECTION_APPROVED" // a coordinator approved the volunteer's hour correction
	NotifyCorrectionRejected NotificationKind = "CORRECTION_REJECTED" // … or rejected it
	NotifyLetterIssued       NotificationKind = "LETTER_ISSUED"       // a coordinator wrote the volunteer a recommendation letter
)
