package schema

import (
	"context"
	"encoding/base64"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/graph-gophers/graphql-go"

	"github.com/konullu/konullu"
)

// The youth programme's intake (programme_intake.graphql): cohorts, the
// public application form, interviews and decisions.
//
// Who sees what: cohorts' names, windows and centres are public (the form
// needs them). Applications are for staff, admins and the coordinators of
// the cohort's centres, contact details included (they interview); the
// applicant sees their own only in the answer to submitApplication.
//
// Enumeration: the same email twice in one cohort is CONFLICT on email. The
// answer says only that this address already applied to this cohort (not
// when, not the status, not the name); the address's owner is told by email
// that someone tried again, and tries are limited per address and per email
// (RuleApplyAddress, RuleApplyEmail), so a script learns little and slowly.

// Kinds of the intake's global ids.
const (
	kindCohort      = "Cohort"
	kindApplication = "Application"
)

func init() { knownKinds[kindCohort], knownKinds[kindApplication] = true, true }

// Rules of the public form, named as in KONULLU_RATE_LIMITS.
const (
	RuleApplyAddress = "apply-ip" // key: the client's address
	RuleApplyEmail   = "apply"    // key: the email applied with
)

// ProgrammeMailer sends the emails of the youth programme at once (an
// acceptance carries a set-password link, which must not wait in the
// outbox's table). The Mailer of Config provides it when it implements it.
type ProgrammeMailer interface {
	SendProgrammeMail(ctx context.Context, to konullu.Recipient, m konullu.ProgrammeMail) error
}

var errNoIntake = &konullu.Error{Code: konullu.EUNAVAILABLE, Message: "the youth programme is not kept by this server"}

func (r *root) intake() (konullu.IntakeStore, error) {
	s, ok := r.store.(konullu.IntakeStore)
	if !ok {
		return nil, errNoIntake
	}
	return s, nil
}

// mayManageCohort: staff, admins and the coordinators of one of the
// cohort's centres interview and decide.
func mayManageCohort(v *konullu.Viewer, c *konullu.Cohort) bool {
	if v.IsStaff() {
		return true
	}
	for _, id := range c.CentreIDs {
		if v.Coordinates(id) {
			return true
		}
	}
	return false
}

// cohortByID reads a cohort; nil when there is none.
func (r *root) cohortByID(ctx context.Context, id int64) (*konullu.Cohort, error) {
	st, err := r.intake()
	if err != nil {
		return nil, err
	}
	m, err := st.CohortsByIDs(ctx, []int64{id})
	if err != nil {
		return nil, err
	}
	return m[id], nil
}

// cohortResolver resolves Cohort.
type cohortResolver struct {
	scope
	c *konullu.Cohort
}

func (c *cohortResolver) ID() graphql.ID     { return globalID(kindCohort, c.c.ID) }
func (c *cohortResolver) Name() string       { return c.c.Name }
func (c *cohortResolver) OpensAt() dateTime  { return dateTime{c.c.OpensAt} }
func (c *cohortResolver) ClosesAt() dateTime { return dateTime{c.c.ClosesAt} }
func (c *cohortResolver) Places() int32      { return int32(c.c.Places) }
func (c *cohortResolver) Open() bool         { return c.c.OpenAt(c.r.now()) }
func (c *cohortResolver) managed(ctx context.Context) bool {
	return mayManageCohort(c.viewer(ctx), c.c)
}

func (c *cohortResolver) Centres(ctx context.Context) ([]*centreResolver, error) {
	list, err := loadersFrom(ctx).centres.GetMany(ctx, c.c.CentreIDs)
	if err != nil {
		return nil, err
	}
	out := make([]*centreResolver, 0, len(list))
	for _, ce := range list {
		out = append(out, &centreResolver{ce})
	}
	return out, nil
}

func (c *cohortResolver) counts(ctx context.Context) (map[konullu.ApplicationStatus]int, error) {
	st, err := c.r.intake()
	if err != nil {
		return nil, err
	}
	return st.ApplicationCounts(ctx, c.c.ID)
}

func (c *cohortResolver) AcceptedCount(ctx context.Context) (*int32, error) {
	// AUTHZ: how a cohort fills is for those who manage it.
	if !c.managed(ctx) {
		return nil, nil
	}
	m, err := c.counts(ctx)
	if err != nil {
		return nil, err
	}
	n := int32(m[konullu.ApplicationAccepted])
	return &n, nil
}

type statusCountResolver struct {
	s konullu.ApplicationStatus
	n int
}

func (s *statusCountResolver) Status() string { return string(s.s) }
func (s *statusCountResolver) Count() int32   { return int32(s.n) }

func (c *cohortResolver) ApplicationCounts(ctx context.Context) ([]*statusCountResolver, error) {
	// AUTHZ: for those who manage the cohort.
	if !c.managed(ctx) {
		return []*statusCountResolver{}, nil
	}
	m, err := c.counts(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]*statusCountResolver, 0, len(konullu.ApplicationStatuses))
	for _, s := range konullu.ApplicationStatuses {
		out = append(out, &statusCountResolver{s, m[s]})
	}
	return out, nil
}

// applicationResolver resolves Application. Only those who may see the
// whole application get one (managers of its cohort, and the applicant in
// the answer to their submission).
type applicationResolver struct {
	scope
	a      *konullu.Application
	cohort *konullu.Cohort
}

func (a *applicationResolver) ID() graphql.ID { return globalID(kindApplication, a.a.ID) }
func (a *applicationResolver) Cohort() *cohortResolver {
	return &cohortResolver{a.scope, a.cohort}
}
func (a *applicationResolver) FullName() string { return a.a.FullName }
func (a *applicationResolver) Email() string    { return a.a.Email }
func (a *applicationResolver) Phone() *string   { return optional(a.a.Phone) }
func (a *applicationResolver) BirthDate() date  { return date{a.a.BirthDate} }
func (a *applicationResolver) AgeAtSubmission() int32 {
	age, _ := konullu.AgeAt(a.a.BirthDate, a.a.CreatedAt, a.r.loc)
	return int32(age)
}
func (a *applicationResolver) Languages() []*languageLevelResolver {
	out := make([]*languageLevelResolver, len(a.a.Languages))
	for i, l := range a.a.Languages {
		out[i] = &languageLevelResolver{l}
	}
	return out
}
func (a *applicationResolver) PreferredCentres(ctx context.Context) ([]*centreResolver, error) {
	list, err := loadersFrom(ctx).centres.GetMany(ctx, a.a.PreferredCentreIDs)
	if err != nil {
		return nil, err
	}
	out := make([]*centreResolver, 0, len(list))
	for _, c := range list {
		out = append(out, &centreResolver{c})
	}
	return out, nil
}
func (a *applicationResolver) PreferredTimes() []*windowResolver {
	out := make([]*windowResolver, len(a.a.PreferredTimes))
	for i, w := range a.a.PreferredTimes {
		out[i] = &windowResolver{w}
	}
	return out
}
func (a *applicationResolver) Motivation() string       { return a.a.Motivation }
func (a *applicationResolver) GuardianName() *string    { return optional(a.a.GuardianName) }
func (a *applicationResolver) GuardianContact() *string { return optional(a.a.GuardianContact) }
func (a *applicationResolver) Language() string         { return string(a.a.Language) }
func (a *applicationResolver) Status() string           { return string(a.a.Status) }
func (a *applicationResolver) InterviewAt() *dateTime {
	if a.a.InterviewAt == nil {
		return nil
	}
	return &dateTime{*a.a.InterviewAt}
}
func (a *applicationResolver) InterviewPlace() *string { return optional(a.a.InterviewPlace) }
func (a *applicationResolver) DecisionNote() *string   { return optional(a.a.DecisionNote) }
func (a *applicationResolver) DecidedAt() *dateTime {
	if a.a.DecidedAt == nil {
		return nil
	}
	return &dateTime{*a.a.DecidedAt}
}
func (a *applicationResolver) CreatedAt() dateTime { return dateTime{a.a.CreatedAt} }
func (a *applicationResolver) Volunteer(ctx context.Context) (*volunteerResolver, error) {
	if a.a.VolunteerID == 0 {
		return nil, nil
	}
	v, ok, err := loadersFrom(ctx).volunteers.Get(ctx, a.a.VolunteerID)
	if err != nil || !ok {
		return nil, err
	}
	// AUTHZ: the Volunteer's own fields apply the viewer's rights.
	return &volunteerResolver{a.scope, v}, nil
}

type languageLevelResolver struct{ l konullu.LanguageLevel }

func (l *languageLevelResolver) Language() string { return l.l.Language }
func (l *languageLevelResolver) Level() string    { return l.l.Level }

// ToCohort and ToApplication let node(id:) answer the intake's types.
func (n *nodeResolver) ToCohort() (*cohortResolver, bool) {
	r, ok := n.node.(*cohortResolver)
	return r, ok
}

func (n *nodeResolver) ToApplication() (*applicationResolver, bool) {
	r, ok := n.node.(*applicationResolver)
	return r, ok
}

// intakeNode resolves node(id:) for cohorts (public) and applications
// (those who manage the cohort; null for anyone else).
func (r *root) intakeNode(ctx context.Context, kind string, id int64) (node, error) {
	if kind == kindCohort {
		c, err := r.cohortByID(ctx, id)
		if err != nil || c == nil {
			return nil, err
		}
		return &cohortResolver{r.scope(), c}, nil
	}
	a, err := r.managedApplication(ctx, id)
	var de *konullu.Error
	if errors.As(err, &de) && (de.Code == konullu.ENOTFOUND || de.Code == konullu.EFORBIDDEN) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return a, nil
}

// managedApplication reads an application for a viewer who manages its
// cohort: NOT_FOUND when there is none, FORBIDDEN for anyone else.
func (r *root) managedApplication(ctx context.Context, id int64) (*applicationResolver, error) {
	v, err := signedIn(ctx)
	if err != nil {
		return nil, err
	}
	st, err := r.intake()
	if err != nil {
		return nil, err
	}
	m, err := st.ApplicationsByIDs(ctx, []int64{id})
	if err != nil {
		return nil, err
	}
	a := m[id]
	if a == nil {
		return nil, &konullu.Error{Code: konullu.ENOTFOUND, Message: "application not found", Field: "applicationId"}
	}
	c, err := r.cohortByID(ctx, a.CohortID)
	if err != nil {
		return nil, err
	}
	// AUTHZ: applications (contact details included) are for staff,
	// admins and the coordinators of the cohort's centres.
	if c == nil || !mayManageCohort(v, c) {
		return nil, konullu.ErrForbidden
	}
	return &applicationResolver{r.scope(), a, c}, nil
}

// Cohorts resolves Query.cohorts.
func (r *root) Cohorts(ctx context.Context, args struct{ OpenOnly *bool }) ([]*cohortResolver, error) {
	// AUTHZ: public: the application form lists the open cohorts.
	st, err := r.intake()
	if err != nil {
		return nil, err
	}
	var at *time.Time
	if deref(args.OpenOnly) {
		now := r.now()
		at = &now
	}
	list, err := st.Cohorts(ctx, at)
	if err != nil {
		return nil, err
	}
	out := make([]*cohortResolver, len(list))
	for i, c := range list {
		loadersFrom(ctx).centres.Prime(c.CentreIDs...)
		out[i] = &cohortResolver{r.scope(), c}
	}
	return out, nil
}

// Cohort resolves Query.cohort.
func (r *root) Cohort(ctx context.Context, args struct{ ID graphql.ID }) (*cohortResolver, error) {
	id, err := parseID("id", kindCohort, args.ID)
	if err != nil {
		return nil, err
	}
	c, err := r.cohortByID(ctx, id)
	if err != nil || c == nil {
		return nil, err
	}
	return &cohortResolver{r.scope(), c}, nil
}

type cohortInput struct {
	Name      string
	OpensAt   dateTime
	ClosesAt  dateTime
	Places    int32
	CentreIDs []graphql.ID
}

// CreateCohort resolves Mutation.createCohort.
func (r *root) CreateCohort(ctx context.Context, args struct{ Input cohortInput }) (*cohortResolver, error) {
	// AUTHZ: staff and admins open cohorts.
	v, err := signedIn(ctx)
	if err != nil {
		return nil, err
	}
	if !v.IsStaff() {
		return nil, konullu.ErrForbidden
	}
	st, err := r.intake()
	if err != nil {
		return nil, err
	}
	in := args.Input
	centres, err := parseIDs("centreIds", kindCentre, in.CentreIDs)
	if err != nil {
		return nil, err
	}
	c, err := konullu.ValidateCohort(konullu.Cohort{Name: in.Name, OpensAt: in.OpensAt.Time, ClosesAt: in.ClosesAt.Time,
		Places: int(in.Places), CentreIDs: centres, CreatedBy: v.UserID})
	if err != nil {
		return nil, err
	}
	if err := st.CreateCohort(ctx, &c); err != nil {
		return nil, err
	}
	auditCreated(ctx, kindCohort, c.ID)
	return &cohortResolver{r.scope(), &c}, nil
}

type languageLevelInput struct{ Language, Level string }

type applicationInput struct {
	CohortID           graphql.ID
	FullName           string
	Email              string
	Phone              *string
	BirthDate          date
	Languages          []languageLevelInput
	PreferredCentreIDs []graphql.ID
	PreferredTimes     *[]availabilityWindowInput
	Motivation         string
	GuardianName       *string
	GuardianContact    *string
	Language           *string
}

// SubmitApplication resolves Mutation.submitApplication.
func (r *root) SubmitApplication(ctx context.Context, args struct{ Input applicationInput }) (*applicationResolver, error) {
	// AUTHZ: public, limited per address before anything is read.
	if err := r.limit(ctx, RuleApplyAddress, clientAddress(ctx)); err != nil {
		return nil, err
	}
	st, err := r.intake()
	if err != nil {
		return nil, err
	}
	in := args.Input
	a := konullu.Application{Language: konullu.DefaultLanguage, CreatedAt: r.now()}
	if a.CohortID, err = parseID("cohortId", kindCohort, in.CohortID); err != nil {
		return nil, err
	}
	if a.Email, err = konullu.NormalizeEmail("email", in.Email); err != nil {
		return nil, err
	}
	// AUTHZ: and per email, so that one address cannot be flooded nor
	// probed from many places.
	if err := r.limit(ctx, RuleApplyEmail, a.Email); err != nil {
		return nil, err
	}
	if in.Language != nil && strings.TrimSpace(*in.Language) != "" {
		if a.Language, err = konullu.ParseLanguage("language", *in.Language); err != nil {
			return nil, err
		}
	}
	if a.FullName, err = konullu.CleanText("fullName", in.FullName, true, maxName); err != nil {
		return nil, err
	}
	if a.Phone, err = cleanPhone(deref(in.Phone)); err != nil {
		return nil, err
	}
	y, m, d := a.CreatedAt.In(r.loc).Date()
	today := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	if !in.BirthDate.Before(today) || in.BirthDate.Before(oldestBirthDate) {
		return nil, konullu.Invalid("birthDate", "must be a date in the past, from 1900 on")
	}
	a.BirthDate = in.BirthDate.Time
	if a.PreferredCentreIDs, err = parseIDs("preferredCentreIds", kindCentre, in.PreferredCentreIDs); err != nil {
		return nil, err
	}
	for _, l := range in.Languages {
		a.Languages = append(a.Languages, konullu.LanguageLevel{Language: l.Language, Level: l.Level})
	}
	a.Motivation, a.GuardianName, a.GuardianContact = in.Motivation, deref(in.GuardianName), deref(in.GuardianContact)
	if in.PreferredTimes != nil {
		if len(*in.PreferredTimes) > konullu.MaxPreferredTimes {
			return nil, konullu.Invalid("preferredTimes", "at most %d windows", konullu.MaxPreferredTimes)
		}
		av := konullu.Availability{}
		for _, w := range *in.PreferredTimes {
			av.Weekly = append(av.Weekly, konullu.AvailabilityWindow{Weekday: int(w.Weekday), Start: w.Start, End: w.End})
		}
		norm, err := konullu.NormalizeAvailability(av, today)
		if err != nil {
			var de *konullu.Error
			if errors.As(err, &de) {
				return nil, konullu.Invalid("preferredTimes", "%s", de.Message)
			}
			return nil, err
		}
		a.PreferredTimes = norm.Weekly
	}
	if a, err = konullu.ValidateApplicationDetails(a); err != nil {
		return nil, err
	}
	// Minors (under 18 on the day they apply, where the deployment is)
	// name a guardian, whom the interview meets.
	if konullu.NeedsGuardianConsent(a.BirthDate, a.CreatedAt, r.loc) {
		if a.GuardianName == "" {
			return nil, konullu.Invalid("guardianName", "applicants under %d name a parent or guardian", konullu.AdultAge)
		}
		if a.GuardianContact == "" {
			return nil, konullu.Invalid("guardianContact", "applicants under %d give a way to reach their guardian", konullu.AdultAge)
		}
	}
	dup, err := st.SubmitApplication(ctx, &a)
	if konullu.ErrorCode(err) == konullu.ECONFLICT && dup != nil {
		// The address's owner learns that someone applied again with it
		// (in the language of their application).
		r.sendProgrammeMail(ctx, dup, konullu.ProgrammeMail{Kind: konullu.MailApplicationDuplicate})
	}
	if err != nil {
		return nil, err
	}
	auditCreated(ctx, kindApplication, a.ID)
	cohort, err := r.cohortByID(ctx, a.CohortID)
	if err != nil {
		return nil, err
	}
	if cohort == nil {
		return nil, errors.New("submit application: the cohort vanished")
	}
	r.sendProgrammeMail(ctx, &a, konullu.ProgrammeMail{Kind: konullu.MailApplicationReceived, Cohort: cohort.Name})
	// AUTHZ: the applicant sees what they sent, once, in this answer.
	return &applicationResolver{r.scope(), &a, cohort}, nil
}

// ScheduleInterview resolves Mutation.scheduleInterview.
func (r *root) ScheduleInterview(ctx context.Context, args struct {
	ApplicationID graphql.ID
	At            dateTime
	Place         string
}) (*applicationResolver, error) {
	id, err := parseID("applicationId", kindApplication, args.ApplicationID)
	if err != nil {
		return nil, err
	}
	// AUTHZ: managers of the application's cohort.
	cur, err := r.managedApplication(ctx, id)
	if err != nil {
		return nil, err
	}
	place, err := konullu.CleanText("place", args.Place, true, konullu.MaxInterviewPlace)
	if err != nil {
		return nil, err
	}
	if !args.At.After(r.now()) {
		return nil, konullu.Invalid("at", "the interview must be in the future")
	}
	if args.At.After(r.now().AddDate(1, 0, 0)) {
		return nil, konullu.Invalid("at", "the interview must be within a year")
	}
	st, _ := r.intake()
	v := konullu.ViewerFrom(ctx)
	a, err := st.ScheduleInterview(ctx, konullu.InterviewRequest{ApplicationID: id, At: args.At.Time, Place: place, By: v.UserID})
	if err != nil {
		return nil, err
	}
	at := a.InterviewAt
	r.sendProgrammeMail(ctx, a, konullu.ProgrammeMail{Kind: konullu.MailInterview, Cohort: cur.cohort.Name, At: at,
		Zone: r.loc.String(), Place: place})
	return &applicationResolver{r.scope(), a, cur.cohort}, nil
}

// DecideApplication resolves Mutation.decideApplication.
func (r *root) DecideApplication(ctx context.Context, args struct {
	ApplicationID       graphql.ID
	Decision            string
	Note                *string
	GuardianConsentSeen *bool
}) (*applicationResolver, error) {
	id, err := parseID("applicationId", kindApplication, args.ApplicationID)
	if err != nil {
		return nil, err
	}
	// AUTHZ: managers of the application's cohort.
	cur, err := r.managedApplication(ctx, id)
	if err != nil {
		return nil, err
	}
	note, err := konullu.CleanText("note", deref(args.Note), false, konullu.MaxDecisionNote)
	if err != nil {
		return nil, err
	}
	decision := konullu.ApplicationStatus(args.Decision)
	req := konullu.ApplicationDecisionRequest{ApplicationID: id, Decision: decision, Note: note,
		By: konullu.ViewerFrom(ctx).UserID, GuardianConsentSeen: deref(args.GuardianConsentSeen), Location: r.loc}
	var token string
	if decision == konullu.ApplicationAccepted {
		if token, err = newSessionToken(); err != nil {
			return nil, err
		}
		req.TokenHash, req.TokenExpires = tokenHash(token), r.now().Add(konullu.WelcomeLinkTTL)
	}
	st, _ := r.intake()
	res, err := st.DecideApplication(ctx, req)
	if err != nil {
		return nil, err
	}
	a := res.Application
	if res.UserID != 0 {
		auditCreated(ctx, kindUser, res.UserID)
	}
	if a.VolunteerID != 0 && r.index != nil && res.NewAccount {
		if err := r.index.UpdateVolunteer(ctx, a.VolunteerID); err != nil {
			r.log.WarnContext(ctx, "intake: availability index not updated (it rebuilds itself)", "request_id", RequestID(ctx), "error", err.Error())
		}
	}
	mail := konullu.ProgrammeMail{Cohort: cur.cohort.Name, Note: note}
	switch decision {
	case konullu.ApplicationAccepted:
		mail.Kind = konullu.MailAccepted
		if base, ok := r.resetLinkBase(ctx); ok {
			if res.NeedsPassword {
				// The token travels in the fragment, as a reset link's does.
				mail.Link, mail.SetPassword = base+"/reset-password#token="+token, true
			} else {
				mail.Link = base + "/login"
			}
		} else {
			r.log.WarnContext(ctx, "intake: the acceptance email has no link: set KONULLU_PUBLIC_URL", "request_id", RequestID(ctx))
		}
	case konullu.ApplicationWaitlisted:
		mail.Kind = konullu.MailWaitlisted
	default:
		mail.Kind = konullu.MailRejected
	}
	r.sendProgrammeMail(ctx, a, mail)
	l := loadersFrom(ctx)
	l.reset()
	return &applicationResolver{r.scope(), a, cur.cohort}, nil
}

// sendProgrammeMail emails an applicant in their language, after the
// answer (the change has committed; a mail that fails is logged).
func (r *root) sendProgrammeMail(ctx context.Context, a *konullu.Application, m konullu.ProgrammeMail) {
	pm, ok := r.mailer.(ProgrammeMailer)
	if !ok || pm == nil {
		r.log.WarnContext(ctx, "intake: no email sent: email is not configured (KONULLU_SMTP_URL)", "request_id", RequestID(ctx),
			"kind", string(m.Kind), "application_id", a.ID)
		return
	}
	to := konullu.Recipient{Name: a.FullName, Email: a.Email, Language: a.Language, Timezone: r.loc.String()}
	bg := context.WithoutCancel(ctx)
	r.background.Add(1)
	go func() {
		defer r.background.Done()
		r.slots <- struct{}{}
		defer func() { <-r.slots }()
		bctx, cancel := context.WithTimeout(bg, time.Minute)
		defer cancel()
		if err := pm.SendProgrammeMail(bctx, to, m); err != nil {
			r.log.ErrorContext(bctx, "intake: email not sent", "request_id", RequestID(bctx), "kind", string(m.Kind),
				"application_id", a.ID, "error", err.Error())
		}
	}()
}

type applicationsArgs struct {
	CohortID graphql.ID
	Status   *[]string
	Search   *string
	First    *int32
	After    *string
}

// Applications resolves Query.applications.
func (r *root) Applications(ctx context.Context, args applicationsArgs) ([]*applicationResolver, error) {
	conn, err := r.ApplicationConnection(ctx, args)
	if err != nil {
		return nil, err
	}
	out := make([]*applicationResolver, len(conn.edges))
	for i, e := range conn.edges {
		out[i] = e.node
	}
	return out, nil
}

// ApplicationConnection resolves Query.applicationConnection.
func (r *root) ApplicationConnection(ctx context.Context, args applicationsArgs) (*applicationConnectionResolver, error) {
	v, err := signedIn(ctx)
	if err != nil {
		return nil, err
	}
	st, err := r.intake()
	if err != nil {
		return nil, err
	}
	cohortID, err := parseID("cohortId", kindCohort, args.CohortID)
	if err != nil {
		return nil, err
	}
	c, err := r.cohortByID(ctx, cohortID)
	if err != nil {
		return nil, err
	}
	// AUTHZ: the board is for staff, admins and the cohort's coordinators
	// (NOT_FOUND and FORBIDDEN alike say nothing of others' cohorts).
	if c == nil || !mayManageCohort(v, c) {
		return nil, konullu.ErrForbidden
	}
	first := defaultPageSize
	if args.First != nil {
		first = int(*args.First)
		if first < 1 || first > maxPageSize {
			return nil, konullu.Invalid("first", "must be between 1 and %d", maxPageSize)
		}
	}
	f := konullu.ApplicationFilter{CohortID: cohortID, Limit: first + 1}
	for _, s := range deref(args.Status) {
		f.Statuses = append(f.Statuses, konullu.ApplicationStatus(s))
	}
	if args.Search != nil {
		if f.Search, err = konullu.CleanText("search", *args.Search, false, konullu.MaxApplicationSearch); err != nil {
			return nil, err
		}
	}
	if args.After != nil {
		if f.After, err = parseApplicationCursor(*args.After); err != nil {
			return nil, err
		}
	}
	list, total, err := st.FindApplications(ctx, f)
	if err != nil {
		return nil, err
	}
	conn := &applicationConnectionResolver{total: total, edges: []*applicationEdgeResolver{}}
	if len(list) > first {
		list, conn.hasNext = list[:first], true
	}
	l := loadersFrom(ctx)
	l.centres.Prime(c.CentreIDs...)
	for _, a := range list {
		l.centres.Prime(a.PreferredCentreIDs...)
		if a.VolunteerID != 0 {
			l.volunteers.Prime(a.VolunteerID)
		}
		conn.edges = append(conn.edges, &applicationEdgeResolver{node: &applicationResolver{r.scope(), a, c}, cursor: applicationCursor(a)})
	}
	if len(list) > 0 {
		cur := applicationCursor(list[len(list)-1])
		conn.endCursor = &cur
	}
	return conn, nil
}

type applicationConnectionResolver struct {
	edges     []*applicationEdgeResolver
	hasNext   bool
	endCursor *string
	total     int
}

func (c *applicationConnectionResolver) Edges() []*applicationEdgeResolver { return c.edges }
func (c *applicationConnectionResolver) PageInfo() *pageInfoResolver {
	return &pageInfoResolver{hasNext: c.hasNext, endCursor: c.endCursor}
}
func (c *applicationConnectionResolver) TotalCount() int32 { return int32(c.total) }

type applicationEdgeResolver struct {
	node   *applicationResolver
	cursor string
}

func (e *applicationEdgeResolver) Node() *applicationResolver { return e.node }
func (e *applicationEdgeResolver) Cursor() string             { return e.cursor }

// An application cursor is base64url of "app1|<createdAt>|<id>".
const applicationCursorVersion = "app1"

func applicationCursor(a *konullu.Application) string {
	raw := applicationCursorVersion + "|" + a.CreatedAt.UTC().Format(time.RFC3339Nano) + "|" + strconv.FormatInt(a.ID, 10)
	return base64.RawURLEncoding.EncodeToString([]byte(raw))
}

func parseApplicationCursor(c string) (*konullu.ApplicationCursor, error) {
	bad := konullu.Invalid("after", "not a cursor of this list")
	if len(c) > 200 {
		return nil, bad
	}
	raw, err := decodeCanonical(c)
	if err != nil {
		return nil, bad
	}
	parts := strings.Split(string(raw), "|")
	if len(parts) != 3 || parts[0] != applicationCursorVersion {
		return nil, bad
	}
	t, err := time.Parse(time.RFC3339Nano, parts[1])
	if err != nil {
		return nil, bad
	}
	id, err := strconv.ParseInt(parts[2], 10, 64)
	if err != nil || id <= 0 {
		return nil, bad
	}
	return &konullu.ApplicationCursor{CreatedAt: t, ID: id}, nil
}

// intakeSnapshots adds cohorts and applications to an audit entry's
// before and after.
func (r *root) intakeSnapshots(ctx context.Context, snap *snapshotSet, kind string, ids []int64) {
	st, err := r.intake()
	if err != nil {
		return
	}
	switch kind {
	case kindCohort:
		m, err := st.CohortsByIDs(ctx, ids)
		putAll(snap, kind, m, err)
	case kindApplication:
		m, err := st.ApplicationsByIDs(ctx, ids)
		putAll(snap, kind, m, err)
	}
}
