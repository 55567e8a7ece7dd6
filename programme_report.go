package konullu

import (
	"context"
	"math"
	"slices"
	"sort"
	"time"
)

// The youth programme's report: how the applicants of a period (or of a
// cohort) went through the funnel applied → interviewed → accepted →
// trained → first shift → still active after 90 days, how long it took
// from the application to the first shift, how the programme's courses
// were completed and which qualifications are running out.

// MaxProgrammeReportDays bounds a programme report's period.
const MaxProgrammeReportDays = 3 * 366

// ActiveAfterDays is how long after the first shift a volunteer must still
// serve to count as still active.
const ActiveAfterDays = 90

// ProgrammeQuery is what a programme report covers: the applications
// submitted in [From, To), of the cohorts in CohortIDs (nil: every cohort).
// Now is the instant expiries are read against.
type ProgrammeQuery struct {
	From, To  time.Time
	CohortIDs []int64
	Now       time.Time
}

// Validate checks the period; errors are INVALID_INPUT naming the field.
func (q ProgrammeQuery) Validate() error {
	switch {
	case q.From.IsZero() || q.From.Year() < 2000 || q.From.Year() > 2200:
		return Invalid("from", "must be an instant between 2000 and 2200")
	case q.To.IsZero() || q.To.Year() < 2000 || q.To.Year() > 2200:
		return Invalid("to", "must be an instant between 2000 and 2200")
	case !q.To.After(q.From):
		return Invalid("to", "must be after from")
	case q.To.Sub(q.From) > MaxProgrammeReportDays*24*time.Hour:
		return Invalid("to", "a programme report covers at most three years")
	}
	return nil
}

// FunnelRow counts the applications of a cohort (or of all, in the totals)
// at each stage. Every stage is a subset of the one before it.
type FunnelRow struct {
	CohortID   int64 // 0 in the totals
	CohortName string
	// Applied: applications submitted in the period.
	Applied int
	// Interviewed: invited to an interview (every acceptance and waitlisting follows one).
	Interviewed int
	// Accepted: accepted, with the volunteer account accepting made.
	Accepted int
	// Trained: accepted, and the volunteer holds a qualification a course granted.
	Trained int
	// FirstShift: accepted, and the volunteer attended (checked in) a
	// service shift that started after the application.
	FirstShift int
	// Active90: of those, attended another service shift at least
	// ActiveAfterDays days after the first.
	Active90 int
	// Due90: of those with a first shift, the ones whose first shift began
	// at least ActiveAfterDays days before now (Active90 can only count these).
	Due90 int
	// DaysToFirstShift: days from the application to the first shift.
	DaysToFirstShift DaysSummary
}

// DaysSummary describes a set of durations in days.
type DaysSummary struct {
	Count                       int
	Mean, Median, P25, P75, P90 float64
}

// SummariseDays describes days (sorted in place): percentiles by linear
// interpolation between the closest ranks, like PostgreSQL's
// percentile_cont; all zero when there are none.
func SummariseDays(days []float64) DaysSummary {
	s := DaysSummary{Count: len(days)}
	if len(days) == 0 {
		return s
	}
	sort.Float64s(days)
	sum := 0.0
	for _, d := range days {
		sum += d
	}
	s.Mean = round1(sum / float64(len(days)))
	pct := func(p float64) float64 {
		pos := p * float64(len(days)-1)
		lo := int(math.Floor(pos))
		hi := min(lo+1, len(days)-1)
		return round1(days[lo] + (days[hi]-days[lo])*(pos-float64(lo)))
	}
	s.P25, s.Median, s.P75, s.P90 = pct(0.25), pct(0.5), pct(0.75), pct(0.9)
	return s
}

func round1(f float64) float64 { return math.Round(f*10) / 10 }

// CourseCompletion is how the report's volunteers took one course.
type CourseCompletion struct {
	CourseID int64
	Name     string
	// Enrolled: volunteers with a place (not cancelled) in one of its sessions, or who passed it.
	Enrolled int
	// Completed: volunteers holding the qualification the course granted.
	Completed int
}

// ExpiringQualification counts the report's volunteers' holdings of one qualification by expiry.
type ExpiringQualification struct {
	QualificationID int64
	Name            string
	// Valid: held and not expired at Now (without an expiry, or expiring later).
	Valid int
	// Within30 and Within90: valid now and expiring within 30 days, within 31–90 days.
	Within30, Within90 int
	// Expired: expired before Now (and not renewed).
	Expired int
}

// ProgrammeReport is the report of a ProgrammeQuery.
type ProgrammeReport struct {
	Query    ProgrammeQuery
	Total    FunnelRow
	ByCohort []FunnelRow // cohorts with applications in the period, by name
	// Training is false when the server keeps no courses or qualifications:
	// Trained, Courses and Expiring are then empty.
	Training bool
	Courses  []CourseCompletion
	Expiring []ExpiringQualification
}

// AcceptedProgress is what the store reads of one accepted application for
// the funnel's later stages.
type AcceptedProgress struct {
	CohortID  int64
	AppliedAt time.Time
	Trained   bool
	// FirstShift and LastShift are the starts of the first and last
	// attended service shifts after the application; zero when none.
	FirstShift, LastShift time.Time
}

// AddProgress counts one accepted application's later stages into r and
// returns the days to its first shift (negative when there is none).
func (r *FunnelRow) AddProgress(p AcceptedProgress, now time.Time) float64 {
	if p.Trained {
		r.Trained++
	}
	if p.FirstShift.IsZero() {
		return -1
	}
	r.FirstShift++
	after := ActiveAfterDays * 24 * time.Hour
	if !p.FirstShift.Add(after).After(now) {
		r.Due90++
	}
	if !p.LastShift.Before(p.FirstShift.Add(after)) {
		r.Active90++
	}
	return p.FirstShift.Sub(p.AppliedAt).Hours() / 24
}

// BuildFunnel puts together the rows of the funnel from the counts of the
// first stages (by cohort) and the accepted applications' progress.
func BuildFunnel(q ProgrammeQuery, early []FunnelRow, progress []AcceptedProgress) (total FunnelRow, byCohort []FunnelRow) {
	idx := make(map[int64]int, len(early))
	byCohort = slices.Clone(early)
	for i, row := range byCohort {
		idx[row.CohortID] = i
		total.Applied += row.Applied
		total.Interviewed += row.Interviewed
		total.Accepted += row.Accepted
	}
	days := make([][]float64, len(byCohort))
	var all []float64
	for _, p := range progress {
		i, ok := idx[p.CohortID]
		if !ok {
			continue
		}
		d := byCohort[i].AddProgress(p, q.Now)
		total.AddProgress(p, q.Now)
		if d >= 0 {
			days[i] = append(days[i], d)
			all = append(all, d)
		}
	}
	for i := range byCohort {
		byCohort[i].DaysToFirstShift = SummariseDays(days[i])
	}
	total.DaysToFirstShift = SummariseDays(all)
	sort.SliceStable(byCohort, func(a, b int) bool { return byCohort[a].CohortName < byCohort[b].CohortName })
	return total, byCohort
}

// ProgrammeReportStore computes programme reports.
type ProgrammeReportStore interface {
	ProgrammeReport(ctx context.Context, q ProgrammeQuery) (*ProgrammeReport, error)
}

// ProgrammeCohorts decides which cohorts a viewer's programme report
// covers: staff and admins every cohort (nil) or the one asked; a
// coordinator the cohorts serving one of their centres, or the one asked
// when it does; anyone else is FORBIDDEN. cohorts lists every cohort;
// asked is nil for all.
func (v *Viewer) ProgrammeCohorts(asked *Cohort, cohorts []*Cohort) ([]int64, error) {
	serves := func(c *Cohort) bool {
		for _, id := range c.CentreIDs {
			if v.Coordinates(id) {
				return true
			}
		}
		return false
	}
	switch {
	case !v.Authenticated():
		return nil, ErrUnauthenticated
	case v.IsStaff():
		if asked == nil {
			return nil, nil
		}
		return []int64{asked.ID}, nil
	case v.IsCoordinator():
		if asked != nil {
			if serves(asked) {
				return []int64{asked.ID}, nil
			}
			return nil, ErrForbidden
		}
		ids := []int64{}
		for _, c := range cohorts {
			if serves(c) {
				ids = append(ids, c.ID)
			}
		}
		return ids, nil
	}
	return nil, ErrForbidden
}

// ProgrammeScope reads what ProgrammeCohorts needs and decides the cohorts
// of a viewer's programme report; cohortID 0 asks for all. An unknown
// cohort is NOT_FOUND naming cohortId (cohorts are public).
func ProgrammeScope(ctx context.Context, st IntakeStore, v *Viewer, cohortID int64) ([]int64, error) {
	if !v.Authenticated() {
		return nil, ErrUnauthenticated
	}
	if !v.IsStaff() && !v.IsCoordinator() {
		return nil, ErrForbidden // before anything is read
	}
	if cohortID != 0 {
		m, err := st.CohortsByIDs(ctx, []int64{cohortID})
		if err != nil {
			return nil, err
		}
		c := m[cohortID]
		if c == nil {
			return nil, &Error{Code: ENOTFOUND, Message: "cohort not found", Field: "cohortId"}
		}
		return v.ProgrammeCohorts(c, nil)
	}
	var all []*Cohort
	if !v.IsStaff() {
		var err error
		if all, err = st.Cohorts(ctx, nil); err != nil {
			return nil, err
		}
	}
	return v.ProgrammeCohorts(nil, all)
}
