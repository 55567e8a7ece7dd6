package konullu

import (
	"context"
	"fmt"
	"slices"
	"time"
)

// Names of the scheduled jobs (runJob and `konullu jobs run NAME` take them).
const (
	JobReminders = "reminders"
	JobNoShows   = "no-shows"
	JobHourTally = "hour-tally"
	JobDigest    = "digest"
	JobReindex   = "reindex"
	// JobRosterProposals plans the coming week of every centre and tells
	// its coordinators (jobs/roster.go).
	JobRosterProposals = "roster-proposals"
	// JobPlaceOffers expires the place offers nobody took by the
	// withdrawal cut-off and tells the coordinators (jobs/offers.go).
	JobPlaceOffers = "place-offers"
)

// JobNames lists every job.
var JobNames = []string{JobReminders, JobNoShows, JobHourTally, JobDigest, JobReindex, JobRosterProposals, JobPlaceOffers,
	JobQualificationExpiry}

// JobRunStatus is the outcome of a job run.
type JobRunStatus string

// Job run statuses. A run is RUNNING until it finishes; SKIPPED runs had
// nothing they could do (reindex without an availability index).
const (
	JobRunning JobRunStatus = "RUNNING"
	JobOK      JobRunStatus = "OK"
	JobFailed  JobRunStatus = "FAILED"
	JobSkipped JobRunStatus = "SKIPPED"
)

// JobRun is one run of a job on one instance.
type JobRun struct {
	ID         int64
	Job        string
	Instance   string
	StartedAt  time.Time
	FinishedAt *time.Time
	Status     JobRunStatus
	Items      int
	Error      string
}

// JobStore is what the scheduled jobs need from the system of record. Every
// method is idempotent through database keys, so that two instances running
// the same job at once (a lost lease, Redis down) do no harm.
type JobStore interface {
	StartJobRun(ctx context.Context, job, instance string, at time.Time) (*JobRun, error)
	FinishJobRun(ctx context.Context, run *JobRun) error
	JobRuns(ctx context.Context, job string, limit int) ([]*JobRun, error)
	JobRunsByIDs(ctx context.Context, ids []int64) (map[int64]*JobRun, error)
	PruneJobRuns(ctx context.Context, before time.Time) (int, error)

	// EnqueueReminders writes the reminders due at now (see ReminderDue) with
	// their outbox messages and returns how many.
	EnqueueReminders(ctx context.Context, now time.Time, leads []time.Duration) (int, error)
	// SettleAttendance turns CONFIRMED assignments of shifts that ended before
	// now-grace into NO_SHOW, and CHECKED_IN ones of shifts that ended before
	// now-completeAfter into COMPLETED at the end.
	SettleAttendance(ctx context.Context, now time.Time, grace, completeAfter time.Duration) (noShows, completed int, err error)
	// TallyHours brings the hour tallies up to date and grants awards.
	TallyHours(ctx context.Context, now time.Time, opts TallyOptions) (TallyResult, error)
	// EnqueueDigests writes the weekly digests of the week w, once per recipient.
	EnqueueDigests(ctx context.Context, w DigestWeek) (int, error)

	// HourTallies returns the tallies of the given volunteers (all when nil),
	// by volunteer, month and centre.
	HourTallies(ctx context.Context, volunteerIDs []int64) ([]HourTally, error)
	// Awards returns a volunteer's awards, oldest first.
	Awards(ctx context.Context, volunteerID int64) ([]Award, error)
}

// ReminderKind names a reminder by its lead time: "24h", "2h", "90m".
func ReminderKind(lead time.Duration) string {
	if lead%time.Hour == 0 {
		return fmt.Sprintf("%dh", lead/time.Hour)
	}
	return fmt.Sprintf("%dm", lead/time.Minute)
}

// DefaultReminderLeads are the reminders sent before a shift.
var DefaultReminderLeads = []time.Duration{24 * time.Hour, 2 * time.Hour}

// ReminderDue returns the reminder that is due at now for a shift starting
// at start: the one with the shortest lead whose time has come. None is due
// once the shift has started, nor before the longest lead. Leads are absolute
// durations, so a DST change between the reminder and the start moves neither.
// Sending only the nearest due kind is what makes catch-up after downtime
// useful: a volunteer whose 24-hour reminder was missed and whose shift
// starts in an hour gets the 2-hour one, not both.
func ReminderDue(start, now time.Time, leads []time.Duration) (time.Duration, bool) {
	if !now.Before(start) {
		return 0, false
	}
	best, ok := time.Duration(0), false
	for _, l := range leads {
		if l > 0 && !now.Before(start.Add(-l)) && (!ok || l < best) {
			best, ok = l, true
		}
	}
	return best, ok
}

// AwardBand is the award thresholds of an age band (ages inclusive; MaxAge 0: no upper bound).
type AwardBand struct {
	Name       string
	MinAge     int
	MaxAge     int
	Thresholds []int // hours within a rolling 12 months, ascending
}

// AwardBands are the award thresholds by age.
type AwardBands []AwardBand

// DefaultAwardBands follow national volunteer service awards: young people
// reach their levels sooner.
func DefaultAwardBands() AwardBands {
	return AwardBands{
		{Name: "15-25", MinAge: 15, MaxAge: 25, Thresholds: []int{100, 175, 250}},
		{Name: "26+", MinAge: 26, Thresholds: []int{100, 250, 500}},
	}
}

// For returns the band of a volunteer of the given age.
func (b AwardBands) For(age int) (AwardBand, bool) {
	for _, band := range b {
		if age >= band.MinAge && (band.MaxAge == 0 || age <= band.MaxAge) {
			return band, true
		}
	}
	return AwardBand{}, false
}

// Reached returns the thresholds (hours) that minutes reach, ascending.
func (band AwardBand) Reached(minutes int) []int {
	var out []int
	for _, t := range band.Thresholds {
		if minutes >= t*60 {
			out = append(out, t)
		}
	}
	slices.Sort(out)
	return out
}

// AwardWindow is how far back hours count towards an award.
const AwardWindow = 12 // months

// TallyOptions control an hour-tally run.
type TallyOptions struct {
	// Full recomputes every volunteer; otherwise only volunteers whose
	// assignments changed since the last run (a full run when there was none).
	Full bool
	// FullEvery forces a full run when the last one is older (0: never by age).
	FullEvery time.Duration
	Bands     AwardBands
	// Location is the deployment's time zone: an award's age band counts on
	// the run's date there (nil: DefaultTimezone).
	Location *time.Location
}

// TallyResult says what an hour-tally run did.
type TallyResult struct {
	Full       bool
	Volunteers int // volunteers recomputed
	Rows       int // tally rows written
	Awards     int // awards granted
}

// HourTally is a volunteer's credited time at one centre in one month (the
// month of the shift's start in the centre's time zone).
type HourTally struct {
	VolunteerID int64
	Month       string // YYYY-MM
	CentreID    int64
	Minutes     int
	Assignments int
}

// Award records that a volunteer reached a threshold of hours within a
// rolling 12 months.
type Award struct {
	VolunteerID    int64
	ThresholdHours int
	Seq            int // 1 the first time the volunteer reached this threshold, 2 the next year…
	Band           string
	Minutes        int // credited minutes in the 12 months when it was granted
	AwardedAt      time.Time
}

// DigestWeek is the week a Monday digest is about.
type DigestWeek struct {
	Key      string    // ISO week of the Monday, e.g. 2030-W10
	Start    time.Time // Monday 00:00 local, as an instant
	End      time.Time // the next Monday 00:00 local
	Location *time.Location
}

// DefaultDigestHour is the local hour on Mondays from which digests go out.
const DefaultDigestHour = 8

// DigestDue reports whether the Monday digest is due at now in loc: on
// Mondays from hour:00 local until the day ends, so that a job run every
// few minutes in UTC sends it once (the week's key decides) whatever the DST
// offset, and catches up if the instance was down at 08:00.
func DigestDue(now time.Time, loc *time.Location, hour int) (DigestWeek, bool) {
	local := now.In(loc)
	if local.Weekday() != time.Monday || local.Hour() < hour {
		return DigestWeek{}, false
	}
	return WeekOf(local, loc), true
}

// WeekOf returns the Monday-to-Monday week (in loc) containing t.
func WeekOf(t time.Time, loc *time.Location) DigestWeek {
	local := t.In(loc)
	back := (int(local.Weekday()) + 6) % 7
	start := time.Date(local.Year(), local.Month(), local.Day()-back, 0, 0, 0, 0, loc)
	end := time.Date(start.Year(), start.Month(), start.Day()+7, 0, 0, 0, 0, loc)
	y, w := start.ISOWeek()
	return DigestWeek{Key: fmt.Sprintf("%04d-W%02d", y, w), Start: start, End: end, Location: loc}
}
