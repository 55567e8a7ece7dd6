package schema

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/graph-gophers/graphql-go"

	"github.com/konullu/konullu"
	"github.com/konullu/konullu/reports"
)

// reportDeps are the root's dependencies for reports, certificates and
// calendar feeds (reports.graphql).
type reportDeps struct {
	reports   konullu.ReportStore // nil: the API answers UNAVAILABLE
	loc       *time.Location      // the deployment's time zone: report days are read in it
	publicURL string              // base of feed and certificate links; "" gives paths
}

var errNoReports = &konullu.Error{Code: konullu.EUNAVAILABLE, Message: "reports are not available on this server"}

// withReportDefaults takes the report store from Store when it implements
// it (store.DB does) and the time zone Asia/Baku when none is set.
func (c Config) withReportDefaults() Config {
	if c.Reports == nil {
		c.Reports, _ = c.Store.(konullu.ReportStore)
	}
	if c.Timezone == nil {
		loc, err := time.LoadLocation(konullu.DefaultTimezone)
		if err != nil {
			panic("schema: " + err.Error())
		}
		c.Timezone = loc
	}
	c.PublicURL = strings.TrimRight(c.PublicURL, "/")
	return c
}

func (c Config) reportDeps() reportDeps {
	return reportDeps{reports: c.Reports, loc: c.Timezone, publicURL: c.PublicURL}
}

// reportQuery checks a period and decides which centres the viewer may see.
func (r *root) reportQuery(ctx context.Context, from, to date, centreID *graphql.ID) (konullu.ReportQuery, error) {
	v, err := signedIn(ctx)
	if err != nil {
		return konullu.ReportQuery{}, err
	}
	q := konullu.ReportQuery{From: from.Time, To: to.Time, Location: r.loc}
	if err := q.Validate(); err != nil {
		return q, err
	}
	var id int64
	if centreID != nil {
		if id, err = parseID("centreId", kindCentre, *centreID); err != nil {
			return q, err
		}
	}
	// AUTHZ: staff and admins report on every centre, coordinators on theirs; volunteers not at all.
	q.CentreIDs, err = v.ReportCentres(id)
	return q, err
}

// ParticipationReport resolves Query.participationReport.
func (r *root) ParticipationReport(ctx context.Context, args struct {
	From, To date
	CentreID *graphql.ID
}) (*reportResolver, error) {
	q, err := r.reportQuery(ctx, args.From, args.To, args.CentreID)
	if err != nil {
		return nil, err
	}
	if r.reports == nil {
		return nil, errNoReports
	}
	rep, err := r.reports.ParticipationReport(ctx, q)
	if err != nil {
		return nil, err
	}
	l := loadersFrom(ctx)
	for _, row := range rep.ByCentre {
		l.centres.Prime(row.CentreID)
	}
	for _, row := range rep.ByPosition {
		l.positions.Prime(row.PositionID)
	}
	return &reportResolver{r: r, rep: rep}, nil
}

// reportResolver resolves ParticipationReport.
type reportResolver struct {
	r   *root
	rep *konullu.ParticipationReport
}

func (x *reportResolver) From() date                       { return date{x.rep.Query.From} }
func (x *reportResolver) To() date                         { return date{x.rep.Query.To} }
func (x *reportResolver) Timezone() string                 { return x.rep.Query.Location.String() }
func (x *reportResolver) ActiveVolunteers() int32          { return int32(x.rep.Total.ActiveVolunteers) }
func (x *reportResolver) TotalMinutes() int32              { return int32(x.rep.Total.Minutes) }
func (x *reportResolver) ShiftsFilled() int32              { return int32(x.rep.Total.ShiftsFilled) }
func (x *reportResolver) ShiftsUnderstaffed() int32        { return int32(x.rep.Total.ShiftsUnderstaffed) }
func (x *reportResolver) NoShowRate() float64              { return x.rep.Total.NoShowRate() }
func (x *reportResolver) FillRate() float64                { return x.rep.Total.FillRate() }
func (x *reportResolver) Totals() *reportRowResolver       { return &reportRowResolver{x.rep.Total} }
func (x *reportResolver) ByCentre() []*reportRowResolver   { return rowResolvers(x.rep.ByCentre) }
func (x *reportResolver) ByMonth() []*reportRowResolver    { return rowResolvers(x.rep.ByMonth) }
func (x *reportResolver) ByAgeBand() []*reportRowResolver  { return rowResolvers(x.rep.ByAgeBand) }
func (x *reportResolver) ByPosition() []*reportRowResolver { return rowResolvers(x.rep.ByPosition) }

// Retention resolves ParticipationReport.retention; it reads only when asked.
func (x *reportResolver) Retention(ctx context.Context, args struct{ Months int32 }) ([]*retentionRowResolver, error) {
	rows, err := x.r.reports.Retention(ctx, konullu.RetentionQuery{To: x.rep.Query.To, Months: int(args.Months),
		Location: x.rep.Query.Location, CentreIDs: x.rep.Query.CentreIDs})
	if err != nil {
		return nil, err
	}
	out := make([]*retentionRowResolver, len(rows))
	for i := range rows {
		out[i] = &retentionRowResolver{rows[i]}
	}
	return out, nil
}

func rowResolvers(rows []konullu.ReportRow) []*reportRowResolver {
	out := make([]*reportRowResolver, len(rows))
	for i := range rows {
		out[i] = &reportRowResolver{rows[i]}
	}
	return out
}

// reportRowResolver resolves ReportRow.
type reportRowResolver struct{ row konullu.ReportRow }

func (x *reportRowResolver) Key() string {
	switch {
	case x.row.CentreID != 0:
		return string(globalID(kindCentre, x.row.CentreID))
	case x.row.PositionID != 0:
		return string(globalID(kindPosition, x.row.PositionID))
	}
	return x.row.Key
}
func (x *reportRowResolver) Label() string           { return x.row.Label }
func (x *reportRowResolver) ActiveVolunteers() int32 { return int32(x.row.ActiveVolunteers) }
func (x *reportRowResolver) Minutes() int32          { return int32(x.row.Minutes) }
func (x *reportRowResolver) Assignments() int32      { return int32(x.row.Assignments) }
func (x *reportRowResolver) Attended() int32         { return int32(x.row.Attended) }
func (x *reportRowResolver) NoShows() int32          { return int32(x.row.NoShows) }
func (x *reportRowResolver) NoShowRate() float64     { return x.row.NoShowRate() }

func (x *reportRowResolver) shiftFigure(n int) *int32 {
	if !x.row.HasShifts {
		return nil
	}
	v := int32(n)
	return &v
}
func (x *reportRowResolver) Shifts() *int32       { return x.shiftFigure(x.row.Shifts) }
func (x *reportRowResolver) ShiftsFilled() *int32 { return x.shiftFigure(x.row.ShiftsFilled) }
func (x *reportRowResolver) ShiftsUnderstaffed() *int32 {
	return x.shiftFigure(x.row.ShiftsUnderstaffed)
}
func (x *reportRowResolver) Capacity() *int32     { return x.shiftFigure(x.row.Capacity) }
func (x *reportRowResolver) PlacesFilled() *int32 { return x.shiftFigure(x.row.PlacesFilled) }
func (x *reportRowResolver) FillRate() *float64 {
	if !x.row.HasShifts {
		return nil
	}
	f := x.row.FillRate()
	return &f
}

func (x *reportRowResolver) Centre(ctx context.Context) (*centreResolver, error) {
	if x.row.CentreID == 0 {
		return nil, nil
	}
	c, ok, err := loadersFrom(ctx).centres.Get(ctx, x.row.CentreID)
	if err != nil || !ok {
		return nil, err
	}
	return &centreResolver{c}, nil
}

func (x *reportRowResolver) Position(ctx context.Context) (*positionResolver, error) {
	if x.row.PositionID == 0 {
		return nil, nil
	}
	p, ok, err := loadersFrom(ctx).positions.Get(ctx, x.row.PositionID)
	if err != nil || !ok {
		return nil, err
	}
	return &positionResolver{p}, nil
}

// retentionRowResolver resolves RetentionRow.
type retentionRowResolver struct{ row konullu.RetentionRow }

func (x *retentionRowResolver) Month() string           { return x.row.Month }
func (x *retentionRowResolver) ActiveVolunteers() int32 { return int32(x.row.Active) }
func (x *retentionRowResolver) Returning() int32        { return int32(x.row.Returning) }
func (x *retentionRowResolver) Retained() int32         { return int32(x.row.Retained) }

// link is an address on this server: absolute when the public URL is configured.
func (r *root) link(f func(base, x string) string, x string) string { return f(r.publicURL, x) }

// certificateResolver resolves Certificate.
type certificateResolver struct {
	r *root
	c *konullu.Certificate
}

func (x *certificateResolver) Code() string { return x.c.Code }
func (x *certificateResolver) Volunteer(ctx context.Context) (*volunteerResolver, error) {
	v, ok, err := loadersFrom(ctx).volunteers.Get(ctx, x.c.VolunteerID)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, konullu.NotFound("volunteer")
	}
	return &volunteerResolver{x.r.scope(), v}, nil
}
func (x *certificateResolver) Centre(ctx context.Context) (*centreResolver, error) {
	return (&reportRowResolver{konullu.ReportRow{CentreID: x.c.CentreID}}).Centre(ctx)
}
func (x *certificateResolver) From() date         { return date{x.c.From} }
func (x *certificateResolver) To() date           { return date{x.c.To} }
func (x *certificateResolver) FullName() string   { return x.c.FullName }
func (x *certificateResolver) Minutes() int32     { return int32(x.c.Minutes) }
func (x *certificateResolver) Hours() float64     { return float64(x.c.Minutes) / 60 }
func (x *certificateResolver) Assignments() int32 { return int32(x.c.Assignments) }
func (x *certificateResolver) AwardHours() *int32 {
	if x.c.AwardHours == 0 {
		return nil
	}
	h := int32(x.c.AwardHours)
	return &h
}
func (x *certificateResolver) Language() string     { return string(x.c.Language) }
func (x *certificateResolver) IssuedAt() dateTime   { return dateTime{x.c.IssuedAt} }
func (x *certificateResolver) RevokedAt() *dateTime { return dateTimePtr(x.c.RevokedAt) }
func (x *certificateResolver) DownloadUrl() string  { return x.r.link(reports.CertificateURL, x.c.Code) }
func (x *certificateResolver) VerifyUrl() string    { return x.r.link(reports.VerifyURL, x.c.Code) }
func (x *certificateResolver) RevokeNote(ctx context.Context) *string {
	// AUTHZ: the reason of a revocation is for staff and admins.
	if !konullu.ViewerFrom(ctx).IsStaff() {
		return nil
	}
	return optional(x.c.RevokeNote)
}

// Certificate resolves Query.certificate.
func (r *root) Certificate(ctx context.Context, args struct{ Code string }) (*certificateResolver, error) {
	v, err := signedIn(ctx)
	if err != nil {
		return nil, err
	}
	if r.reports == nil {
		return nil, errNoReports
	}
	c, err := r.reports.CertificateByCode(ctx, args.Code)
	if konullu.ErrorCode(err) == konullu.ENOTFOUND {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	// AUTHZ: a certificate is its volunteer's; staff and admins see every one.
	if c.VolunteerID != v.VolunteerID && !v.IsStaff() {
		return nil, nil
	}
	return &certificateResolver{r, c}, nil
}

// Certificates resolves Volunteer.certificates.
func (v *volunteerResolver) Certificates(ctx context.Context) ([]*certificateResolver, error) {
	vw := v.viewer(ctx)
	// AUTHZ: the volunteer, staff and admins.
	if vw.VolunteerID != v.v.ID && !vw.IsStaff() {
		return nil, errHidden
	}
	if v.r.reports == nil {
		return nil, errNoReports
	}
	list, err := v.r.reports.CertificatesOf(ctx, v.v.ID)
	if err != nil {
		return nil, err
	}
	out := make([]*certificateResolver, len(list))
	for i, c := range list {
		out[i] = &certificateResolver{v.r, c}
	}
	return out, nil
}

// CalendarUrl resolves Volunteer.calendarUrl: the feed is made on first ask
// and its address shown then only (the store keeps a hash of the secret);
// later asks are CONFLICT, and rotateCalendarUrl gives a new address.
func (v *volunteerResolver) CalendarUrl(ctx context.Context) (*string, error) {
	vw := v.viewer(ctx)
	// AUTHZ: the secret address is the volunteer's alone.
	if vw.VolunteerID != v.v.ID || v.v.ID == 0 || v.r.reports == nil {
		return nil, nil
	}
	f, err := v.r.reports.CreateCalendarFeed(ctx, vw.UserID, v.v.ID, 0)
	if err != nil {
		return nil, err
	}
	u := v.r.link(reports.CalendarURL, f.Token)
	return &u, nil
}

// CentreCalendarUrl resolves Query.centreCalendarUrl: shown once, like calendarUrl.
func (r *root) CentreCalendarUrl(ctx context.Context, args struct{ CentreID graphql.ID }) (string, error) {
	id, err := parseID("centreId", kindCentre, args.CentreID)
	if err != nil {
		return "", err
	}
	// AUTHZ: a centre's feed is for its coordinators and admins.
	if err := requireManager(ctx, id); err != nil {
		return "", err
	}
	if r.reports == nil {
		return "", errNoReports
	}
	f, err := r.reports.CreateCalendarFeed(ctx, konullu.ViewerFrom(ctx).UserID, 0, id)
	if err != nil {
		return "", err
	}
	return r.link(reports.CalendarURL, f.Token), nil
}

// RotateCalendarUrl resolves Mutation.rotateCalendarUrl.
func (r *root) RotateCalendarUrl(ctx context.Context, args struct{ CentreID *graphql.ID }) (string, error) {
	v, err := signedIn(ctx)
	if err != nil {
		return "", err
	}
	if r.reports == nil {
		return "", errNoReports
	}
	var f *konullu.CalendarFeed
	if args.CentreID == nil {
		// AUTHZ: a volunteer rotates their own feed.
		if _, err := ownVolunteer(ctx); err != nil {
			return "", err
		}
		f, err = r.reports.RotateCalendarFeed(ctx, v.UserID, v.VolunteerID, 0)
	} else {
		id, perr := parseID("centreId", kindCentre, *args.CentreID)
		if perr != nil {
			return "", perr
		}
		// AUTHZ: a coordinator or admin rotates their own feed of a centre they manage.
		if err := requireManager(ctx, id); err != nil {
			return "", err
		}
		f, err = r.reports.RotateCalendarFeed(ctx, v.UserID, 0, id)
	}
	if err != nil {
		return "", err
	}
	return r.link(reports.CalendarURL, f.Token), nil
}

type certificateInput struct {
	From, To    date
	CentreID    *graphql.ID
	Language    *string
	VolunteerID *graphql.ID
}

// IssueCertificate resolves Mutation.issueCertificate: the hours are
// counted now, recorded with the certificate, and never change afterwards.
func (r *root) IssueCertificate(ctx context.Context, args struct{ Input certificateInput }) (*certificateResolver, error) {
	v, err := signedIn(ctx)
	if err != nil {
		return nil, err
	}
	in := args.Input
	volunteerID := v.VolunteerID
	if in.VolunteerID != nil {
		if volunteerID, err = parseID("volunteerId", kindVolunteer, *in.VolunteerID); err != nil {
			return nil, err
		}
	}
	// AUTHZ: volunteers certify their own hours; staff and admins anyone's.
	switch {
	case volunteerID == 0:
		return nil, &konullu.Error{Code: konullu.EFORBIDDEN, Message: "this account has no volunteer profile"}
	case volunteerID != v.VolunteerID && !v.IsStaff():
		return nil, konullu.ErrForbidden
	}
	if r.reports == nil {
		return nil, errNoReports
	}
	q := konullu.ReportQuery{From: in.From.Time, To: in.To.Time, Location: r.loc}
	if err := q.Validate(); err != nil {
		return nil, err
	}
	local := r.now().In(r.loc)
	if today := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, time.UTC); q.To.After(today) {
		return nil, konullu.Invalid("to", "a certificate covers days up to today")
	}
	c := &konullu.Certificate{VolunteerID: volunteerID, From: q.From, To: q.To, IssuedBy: v.UserID}
	if in.CentreID != nil {
		if c.CentreID, err = parseID("centreId", kindCentre, *in.CentreID); err != nil {
			return nil, err
		}
		centre, ok, err := loadersFrom(ctx).centres.Get(ctx, c.CentreID)
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, &konullu.Error{Code: konullu.ENOTFOUND, Message: "centre not found", Field: "centreId"}
		}
		c.CentreName = centre.Name
		q.CentreIDs = []int64{c.CentreID}
	}
	if c.Language, err = r.certificateLanguage(ctx, in.Language, volunteerID); err != nil {
		return nil, err
	}
	h, err := r.reports.HoursOf(ctx, volunteerID, q)
	if err != nil {
		return nil, err
	}
	if h.Minutes == 0 {
		return nil, konullu.Invalid("from", "there are no credited hours in this period to certify")
	}
	c.FullName, c.Minutes, c.Assignments, c.Proven = h.FullName, h.Minutes, h.Attended, h.Proven
	if !h.BirthDate.IsZero() {
		if band, ok := konullu.DefaultAwardBands().For(konullu.AgeOn(h.BirthDate, q.To)); ok {
			if reached := band.Reached(h.Minutes); len(reached) > 0 {
				c.AwardHours = reached[len(reached)-1]
			}
		}
	}
	if err := r.reports.CreateCertificate(ctx, c); err != nil {
		return nil, err
	}
	return &certificateResolver{r, c}, nil
}

// certificateLanguage is the language asked for, else the volunteer's
// notification language, else Azerbaijani.
func (r *root) certificateLanguage(ctx context.Context, asked *string, volunteerID int64) (konullu.Language, error) {
	if asked != nil && *asked != "" {
		return konullu.ParseLanguage("language", *asked)
	}
	if r.notes == nil {
		return konullu.DefaultLanguage, nil
	}
	vol, ok, err := loadersFrom(ctx).volunteers.Get(ctx, volunteerID)
	if err != nil || !ok {
		return konullu.DefaultLanguage, err
	}
	settings, err := r.notes.NotificationSettings(ctx, []int64{vol.UserID})
	if err != nil {
		return "", err
	}
	if s, ok := settings[vol.UserID]; ok && s.Language != "" {
		return s.Language, nil
	}
	return konullu.DefaultLanguage, nil
}

// RevokeCertificate resolves Mutation.revokeCertificate.
func (r *root) RevokeCertificate(ctx context.Context, args struct{ Code, Reason string }) (*certificateResolver, error) {
	v, err := signedIn(ctx)
	if err != nil {
		return nil, err
	}
	// AUTHZ: staff and admins revoke certificates.
	if !v.IsStaff() {
		return nil, konullu.ErrForbidden
	}
	reason, err := konullu.CleanText("reason", args.Reason, true, 500)
	if err != nil {
		return nil, err
	}
	if r.reports == nil {
		return nil, errNoReports
	}
	c, err := r.reports.RevokeCertificate(ctx, args.Code, reason)
	if err != nil {
		var de *konullu.Error
		if errors.As(err, &de) && de.Code == konullu.ENOTFOUND {
			return nil, &konullu.Error{Code: konullu.ENOTFOUND, Message: "certificate not found", Field: "code"}
		}
		return nil, err
	}
	return &certificateResolver{r, c}, nil
}

// RequestViewer returns the viewer of an HTTP request's bearer token, for
// handlers outside GraphQL (the report exports and certificate downloads):
// the anonymous viewer without an Authorization header, UNAUTHENTICATED
// for a token that is not a live session.
func RequestViewer(st konullu.Store) func(*http.Request) (*konullu.Viewer, error) {
	r := &root{store: st}
	return func(req *http.Request) (*konullu.Viewer, error) {
		ctx, err := r.authenticate(req.Context(), req.Header.Get("Authorization"))
		if err != nil {
			return nil, err
		}
		return konullu.ViewerFrom(ctx), nil
	}
}
