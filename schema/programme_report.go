package schema

import (
	"context"

	"github.com/graph-gophers/graphql-go"

	"github.com/konullu/konullu"
)

// ProgrammeReport resolves Query.programmeReport.
func (r *root) ProgrammeReport(ctx context.Context, args struct {
	From, To dateTime
	CohortID *graphql.ID
}) (*programmeReportResolver, error) {
	v, err := signedIn(ctx)
	if err != nil {
		return nil, err
	}
	q := konullu.ProgrammeQuery{From: args.From.Time, To: args.To.Time, Now: r.now()}
	if err := q.Validate(); err != nil {
		return nil, err
	}
	var cohortID int64
	if args.CohortID != nil {
		if cohortID, err = parseID("cohortId", kindCohort, *args.CohortID); err != nil {
			return nil, err
		}
	}
	st, err := r.intake()
	if err != nil {
		return nil, err
	}
	reports, ok := r.store.(konullu.ProgrammeReportStore)
	if !ok {
		return nil, errNoIntake
	}
	// AUTHZ: staff and admins for every cohort, a coordinator for the cohorts serving their centres.
	if q.CohortIDs, err = konullu.ProgrammeScope(ctx, st, v, cohortID); err != nil {
		return nil, err
	}
	rep, err := reports.ProgrammeReport(ctx, q)
	if err != nil {
		return nil, err
	}
	return &programmeReportResolver{r.scope(), rep}, nil
}

// programmeReportResolver resolves ProgrammeReport.
type programmeReportResolver struct {
	s   scope
	rep *konullu.ProgrammeReport
}

func (x *programmeReportResolver) From() dateTime { return dateTime{x.rep.Query.From} }
func (x *programmeReportResolver) To() dateTime   { return dateTime{x.rep.Query.To} }
func (x *programmeReportResolver) Training() bool { return x.rep.Training }
func (x *programmeReportResolver) Totals() *funnelResolver {
	return &funnelResolver{x.s, x.rep.Total}
}
func (x *programmeReportResolver) ByCohort() []*funnelResolver {
	out := make([]*funnelResolver, len(x.rep.ByCohort))
	for i, row := range x.rep.ByCohort {
		out[i] = &funnelResolver{x.s, row}
	}
	return out
}
func (x *programmeReportResolver) CourseCompletion() []*courseCompletionResolver {
	out := make([]*courseCompletionResolver, len(x.rep.Courses))
	for i := range x.rep.Courses {
		out[i] = &courseCompletionResolver{x.s, x.rep.Courses[i]}
	}
	return out
}
func (x *programmeReportResolver) ExpiringQualifications() []*expiringQualificationResolver {
	out := make([]*expiringQualificationResolver, len(x.rep.Expiring))
	for i := range x.rep.Expiring {
		out[i] = &expiringQualificationResolver{x.s, x.rep.Expiring[i]}
	}
	return out
}

// funnelResolver resolves ProgrammeFunnel.
type funnelResolver struct {
	s   scope
	row konullu.FunnelRow
}

func (x *funnelResolver) Cohort(ctx context.Context) (*cohortResolver, error) {
	if x.row.CohortID == 0 {
		return nil, nil
	}
	c, err := x.s.r.cohortByID(ctx, x.row.CohortID)
	if err != nil || c == nil {
		return nil, err
	}
	return &cohortResolver{x.s, c}, nil
}
func (x *funnelResolver) Label() string {
	if x.row.CohortID == 0 {
		return "total"
	}
	return x.row.CohortName
}
func (x *funnelResolver) Applied() int32           { return int32(x.row.Applied) }
func (x *funnelResolver) Interviewed() int32       { return int32(x.row.Interviewed) }
func (x *funnelResolver) Accepted() int32          { return int32(x.row.Accepted) }
func (x *funnelResolver) Trained() int32           { return int32(x.row.Trained) }
func (x *funnelResolver) FirstShift() int32        { return int32(x.row.FirstShift) }
func (x *funnelResolver) ActiveAfter90Days() int32 { return int32(x.row.Active90) }
func (x *funnelResolver) DueFor90Days() int32      { return int32(x.row.Due90) }
func (x *funnelResolver) DaysToFirstShift() *daysSummaryResolver {
	return &daysSummaryResolver{x.row.DaysToFirstShift}
}

// daysSummaryResolver resolves DaysSummary.
type daysSummaryResolver struct{ d konullu.DaysSummary }

func (x *daysSummaryResolver) Count() int32    { return int32(x.d.Count) }
func (x *daysSummaryResolver) Mean() float64   { return x.d.Mean }
func (x *daysSummaryResolver) Median() float64 { return x.d.Median }
func (x *daysSummaryResolver) P25() float64    { return x.d.P25 }
func (x *daysSummaryResolver) P75() float64    { return x.d.P75 }
func (x *daysSummaryResolver) P90() float64    { return x.d.P90 }

// courseCompletionResolver resolves CourseCompletionRow.
type courseCompletionResolver struct {
	s scope
	c konullu.CourseCompletion
}

func (x *courseCompletionResolver) Course(ctx context.Context) (*courseResolver, error) {
	return (&heldResolver{x.s, &konullu.HeldQualification{CourseID: x.c.CourseID}}).Course(ctx)
}

func (x *courseCompletionResolver) CourseId() graphql.ID {
	return globalID(kindCourse, x.c.CourseID)
}
func (x *courseCompletionResolver) Name() string     { return x.c.Name }
func (x *courseCompletionResolver) Enrolled() int32  { return int32(x.c.Enrolled) }
func (x *courseCompletionResolver) Completed() int32 { return int32(x.c.Completed) }

// expiringQualificationResolver resolves ExpiringQualificationRow.
type expiringQualificationResolver struct {
	s scope
	q konullu.ExpiringQualification
}

func (x *expiringQualificationResolver) Qualification(ctx context.Context) (*qualificationResolver, error) {
	return (&heldResolver{x.s, &konullu.HeldQualification{QualificationID: x.q.QualificationID}}).Qualification(ctx)
}

func (x *expiringQualificationResolver) QualificationId() graphql.ID {
	return globalID(kindQualification, x.q.QualificationID)
}
func (x *expiringQualificationResolver) Name() string                { return x.q.Name }
func (x *expiringQualificationResolver) Valid() int32                { return int32(x.q.Valid) }
func (x *expiringQualificationResolver) ExpiringWithin30Days() int32 { return int32(x.q.Within30) }
func (x *expiringQualificationResolver) ExpiringWithin90Days() int32 { return int32(x.q.Within90) }
func (x *expiringQualificationResolver) Expired() int32              { return int32(x.q.Expired) }
