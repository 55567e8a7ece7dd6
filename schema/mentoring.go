package schema

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/graph-gophers/graphql-go"

	"github.com/konullu/konullu"
	"github.com/konullu/konullu/reports"
)

// This file is the youth programme's mentors, hour corrections and
// recommendation letters (mentoring.graphql).

const (
	kindHourCorrection       = "HourCorrection"
	kindRecommendationLetter = "RecommendationLetter"
)

func init() {
	knownKinds[kindHourCorrection] = true
	knownKinds[kindRecommendationLetter] = true
}

// mentoringDeps are the root's dependencies for the programme.
type mentoringDeps struct {
	mentoring konullu.MentoringStore // nil: the API answers UNAVAILABLE
}

func (c Config) mentoringDeps() mentoringDeps {
	m, _ := c.Store.(konullu.MentoringStore)
	return mentoringDeps{mentoring: m}
}

var errNoMentoring = &konullu.Error{Code: konullu.EUNAVAILABLE, Message: "the youth programme is not available on this server"}

func (r *root) programme() (konullu.MentoringStore, error) {
	if r.mentoring == nil {
		return nil, errNoMentoring
	}
	return r.mentoring, nil
}

// newMentorLinksLoader tells how the request's viewer stands to volunteers
// (their mentor, their mentee); every volunteer asked gets an answer.
func newMentorLinksLoader(st konullu.Store) *loader[konullu.MentorLink] {
	return newLoader(func(ctx context.Context, ids []int64) (map[int64]konullu.MentorLink, error) {
		out := make(map[int64]konullu.MentorLink, len(ids))
		if ms, ok := st.(konullu.MentoringStore); ok {
			m, err := ms.MentorLinks(ctx, konullu.ViewerFrom(ctx).VolunteerID, ids)
			if err != nil {
				return nil, err
			}
			out = m
		}
		for _, id := range ids {
			out[id] = out[id]
		}
		return out, nil
	})
}

// newCorrectionsLoader reads the newest correction of assignments.
func newCorrectionsLoader(st konullu.Store) *loader[*konullu.HourCorrection] {
	return newLoader(func(ctx context.Context, ids []int64) (map[int64]*konullu.HourCorrection, error) {
		if ms, ok := st.(konullu.MentoringStore); ok {
			return ms.LatestCorrections(ctx, ids)
		}
		return map[int64]*konullu.HourCorrection{}, nil
	})
}

func (t ties) MentorLink() (konullu.MentorLink, error) {
	link, _, err := loadersFrom(t.ctx).mentorLinks.Get(t.ctx, t.id)
	return link, err
}

// isMentorOf reports whether the viewer is the volunteer's mentor.
func isMentorOf(ctx context.Context, volunteerID int64) (bool, error) {
	if konullu.ViewerFrom(ctx).VolunteerID == 0 {
		return false, nil
	}
	link, err := ties{ctx, volunteerID}.MentorLink()
	return link == konullu.MentorOf, err
}

// Mentor resolves Volunteer.mentor.
func (v *volunteerResolver) Mentor(ctx context.Context) (*volunteerResolver, error) {
	if ok, err := v.may(ctx, konullu.AccessProgress); !ok || err != nil || v.r.mentoring == nil {
		return nil, err
	}
	m, err := v.r.mentoring.MentorsOf(ctx, []int64{v.v.ID})
	if err != nil || m[v.v.ID] == 0 {
		return nil, err
	}
	mv, ok, err := loadersFrom(ctx).volunteers.Get(ctx, m[v.v.ID])
	if err != nil || !ok {
		return nil, err
	}
	return &volunteerResolver{v.scope, mv}, nil
}

// Mentees resolves Volunteer.mentees.
func (v *volunteerResolver) Mentees(ctx context.Context) ([]*volunteerResolver, error) {
	// AUTHZ: the mentor, coordinators, staff and admins see whom a volunteer mentors.
	if ok, err := v.may(ctx, konullu.AccessProfile); !ok || err != nil {
		return nil, orHidden(err)
	}
	out := []*volunteerResolver{}
	if v.r.mentoring == nil {
		return out, nil
	}
	m, err := v.r.mentoring.MenteesOf(ctx, []int64{v.v.ID})
	if err != nil {
		return nil, err
	}
	l := loadersFrom(ctx)
	l.primeTies(m[v.v.ID]...)
	list, err := l.volunteers.GetMany(ctx, m[v.v.ID])
	if err != nil {
		return nil, err
	}
	for _, mv := range list {
		out = append(out, &volunteerResolver{v.scope, mv})
	}
	return out, nil
}

// CanMentor resolves Volunteer.canMentor.
func (v *volunteerResolver) CanMentor(ctx context.Context) (*bool, error) {
	if ok, err := v.may(ctx, konullu.AccessProgress); !ok || err != nil {
		return nil, err
	}
	ok := v.v.Status == konullu.VolunteerActive && v.v.TotalMinutes >= konullu.MentorMinimumMinutes
	return &ok, nil
}

// mayManageMentor says whether the viewer may give the volunteer a mentor:
// staff and admins, or a coordinator of a centre the contact rule ties the
// volunteer to (a place there, or a shift attended in the last 90 days).
func (r *root) mayManageMentor(ctx context.Context, volunteerID int64) error {
	vw, err := signedIn(ctx)
	if err != nil {
		return err
	}
	if vw.IsStaff() {
		return nil
	}
	if vw.IsCoordinator() {
		centres, _, err := loadersFrom(ctx).contactCentres.Get(ctx, volunteerID)
		if err != nil {
			return err
		}
		if slices.ContainsFunc(centres, vw.Coordinates) {
			return nil
		}
		return &konullu.Error{Code: konullu.EFORBIDDEN,
			Message: "only a coordinator of a centre where the volunteer holds a place or served in the last 90 days, or staff, may choose their mentor"}
	}
	return konullu.ErrForbidden
}

// AssignMentor resolves Mutation.assignMentor.
func (r *root) AssignMentor(ctx context.Context, args struct{ VolunteerID, MentorID graphql.ID }) (*volunteerResolver, error) {
	ms, err := r.programme()
	if err != nil {
		return nil, err
	}
	id, err := parseID("volunteerId", kindVolunteer, args.VolunteerID)
	if err != nil {
		return nil, err
	}
	mentorID, err := parseID("mentorId", kindVolunteer, args.MentorID)
	if err != nil {
		return nil, err
	}
	// AUTHZ: staff, admins, or a coordinator tied to the volunteer.
	if err := r.mayManageMentor(ctx, id); err != nil {
		return nil, err
	}
	err = ms.AssignMentor(ctx, konullu.Mentorship{VolunteerID: id, MentorID: mentorID, AssignedBy: konullu.ViewerFrom(ctx).UserID},
		konullu.MentorMinimumMinutes)
	if err != nil {
		return nil, err
	}
	return r.reloadVolunteer(ctx, id)
}

// RemoveMentor resolves Mutation.removeMentor.
func (r *root) RemoveMentor(ctx context.Context, args struct{ VolunteerID graphql.ID }) (*volunteerResolver, error) {
	ms, err := r.programme()
	if err != nil {
		return nil, err
	}
	id, err := parseID("volunteerId", kindVolunteer, args.VolunteerID)
	if err != nil {
		return nil, err
	}
	// AUTHZ: who may assign a mentor may remove one.
	if err := r.mayManageMentor(ctx, id); err != nil {
		return nil, err
	}
	if err := ms.RemoveMentor(ctx, id); err != nil {
		return nil, err
	}
	return r.reloadVolunteer(ctx, id)
}

func (r *root) reloadVolunteer(ctx context.Context, id int64) (*volunteerResolver, error) {
	l := loadersFrom(ctx)
	l.reset()
	v, ok, err := l.volunteers.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, &konullu.Error{Code: konullu.ENOTFOUND, Message: "volunteer not found", Field: "volunteerId"}
	}
	return &volunteerResolver{r.scope(), v}, nil
}

// SignUpWithMentee resolves Mutation.signUpWithMentee.
func (r *root) SignUpWithMentee(ctx context.Context, args struct{ ShiftID, MenteeID graphql.ID }) ([]*assignmentResolver, error) {
	ms, err := r.programme()
	if err != nil {
		return nil, err
	}
	// AUTHZ: the mentor books for themselves and their own mentee (the store checks the mentorship).
	mentorID, err := ownVolunteer(ctx)
	if err != nil {
		return nil, err
	}
	shiftID, err := parseID("shiftId", kindShift, args.ShiftID)
	if err != nil {
		return nil, err
	}
	menteeID, err := parseID("menteeId", kindVolunteer, args.MenteeID)
	if err != nil {
		return nil, err
	}
	mine, theirs, err := ms.SignUpTogether(ctx, shiftID, mentorID, menteeID)
	if err != nil {
		// AUTHZ: a draft the viewer may not see is no shift at all to them.
		if _, serr := r.shiftForChange(ctx, "shiftId", args.ShiftID); serr != nil {
			return nil, serr
		}
		return nil, err
	}
	l := loadersFrom(ctx)
	l.reset()
	l.primeAssignments([]*konullu.Assignment{mine, theirs})
	out := []*assignmentResolver{{r.scope(), mine}, {r.scope(), theirs}}
	for _, a := range out {
		r.publishAssignmentEvent(ctx, konullu.CentreSignedUp, a, nil)
	}
	return out, nil
}

// hourCorrectionResolver resolves HourCorrection; whoever holds one may see it.
type hourCorrectionResolver struct {
	scope
	c *konullu.HourCorrection
}

// maySeeCorrection: the volunteer, the centre's coordinators, staff and admins.
func maySeeCorrection(v *konullu.Viewer, c *konullu.HourCorrection) bool {
	return v.Authenticated() && (v.VolunteerID != 0 && v.VolunteerID == c.VolunteerID || v.IsStaff() || v.Coordinates(c.CentreID))
}

func (x *hourCorrectionResolver) ID() graphql.ID         { return globalID(kindHourCorrection, x.c.ID) }
func (x *hourCorrectionResolver) CheckedInAt() dateTime  { return dateTime{x.c.CheckedInAt} }
func (x *hourCorrectionResolver) CheckedOutAt() dateTime { return dateTime{x.c.CheckedOutAt} }
func (x *hourCorrectionResolver) Reason() string         { return x.c.Reason }
func (x *hourCorrectionResolver) Status() string         { return string(x.c.Status) }
func (x *hourCorrectionResolver) DecisionNote() *string  { return optional(x.c.DecisionNote) }
func (x *hourCorrectionResolver) CreatedAt() dateTime    { return dateTime{x.c.CreatedAt} }
func (x *hourCorrectionResolver) DecidedAt() *dateTime   { return dateTimePtr(x.c.DecidedAt) }

// Assignment resolves HourCorrection.assignment.
func (x *hourCorrectionResolver) Assignment(ctx context.Context) (*assignmentResolver, error) {
	a, ok, err := loadersFrom(ctx).assignments.Get(ctx, x.c.AssignmentID)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, fmt.Errorf("correction %d: assignment %d is missing", x.c.ID, x.c.AssignmentID)
	}
	return &assignmentResolver{x.scope, a}, nil
}

// CreditedMinutes resolves HourCorrection.creditedMinutes.
func (x *hourCorrectionResolver) CreditedMinutes(ctx context.Context) (int32, error) {
	a, ok, err := loadersFrom(ctx).assignments.Get(ctx, x.c.AssignmentID)
	if err != nil || !ok {
		return 0, err
	}
	s, ok, err := loadersFrom(ctx).shifts.Get(ctx, a.ShiftID)
	if err != nil || !ok {
		return 0, err
	}
	return int32(konullu.CreditedMinutes(s, x.c.CheckedInAt, x.c.CheckedOutAt)), nil
}

// Correction resolves Assignment.correction.
func (a *assignmentResolver) Correction(ctx context.Context) (*hourCorrectionResolver, error) {
	// AUTHZ: whoever sees the assignment sees its correction.
	c, ok, err := loadersFrom(ctx).corrections.Get(ctx, a.a.ID)
	if err != nil || !ok || c == nil {
		return nil, err
	}
	return &hourCorrectionResolver{a.scope, c}, nil
}

func (r *root) correctionByID(ctx context.Context, id int64) (*hourCorrectionResolver, error) {
	ms, err := r.programme()
	if err != nil {
		return nil, err
	}
	m, err := ms.CorrectionsByIDs(ctx, []int64{id})
	if err != nil {
		return nil, err
	}
	c := m[id]
	// AUTHZ: the volunteer, the centre's coordinators, staff and admins.
	if c == nil || !maySeeCorrection(konullu.ViewerFrom(ctx), c) {
		return nil, nil
	}
	return &hourCorrectionResolver{r.scope(), c}, nil
}

// HourCorrections resolves Query.hourCorrections.
func (r *root) HourCorrections(ctx context.Context, args struct {
	CentreID *graphql.ID
	Status   *string
	First    *int32
}) ([]*hourCorrectionResolver, error) {
	vw, err := signedIn(ctx)
	if err != nil {
		return nil, err
	}
	ms, err := r.programme()
	if err != nil {
		return nil, err
	}
	f := konullu.CorrectionFilter{Limit: 50}
	if args.First != nil {
		if *args.First < 1 || *args.First > 100 {
			return nil, konullu.Invalid("first", "must be between 1 and 100")
		}
		f.Limit = int(*args.First)
	}
	if args.Status != nil {
		f.Status = konullu.CorrectionStatus(*args.Status)
	}
	var centreID int64
	if args.CentreID != nil {
		if centreID, err = parseID("centreId", kindCentre, *args.CentreID); err != nil {
			return nil, err
		}
	}
	// AUTHZ: staff and admins read every centre's, coordinators their
	// centres', anyone else their own corrections.
	switch {
	case vw.IsStaff():
		if centreID != 0 {
			f.CentreIDs = []int64{centreID}
		}
	case vw.IsCoordinator() && (centreID == 0 || vw.Coordinates(centreID)):
		f.CentreIDs = slices.Clone(vw.CentreIDs)
		if centreID != 0 {
			f.CentreIDs = []int64{centreID}
		}
	case centreID != 0:
		return nil, konullu.ErrForbidden
	case vw.VolunteerID == 0:
		return []*hourCorrectionResolver{}, nil
	default:
		f.VolunteerID = vw.VolunteerID
	}
	list, err := ms.FindCorrections(ctx, f)
	if err != nil {
		return nil, err
	}
	l := loadersFrom(ctx)
	out := make([]*hourCorrectionResolver, 0, len(list))
	for _, c := range list {
		l.assignments.Prime(c.AssignmentID)
		out = append(out, &hourCorrectionResolver{r.scope(), c})
	}
	return out, nil
}

// RequestHourCorrection resolves Mutation.requestHourCorrection.
func (r *root) RequestHourCorrection(ctx context.Context, args struct {
	AssignmentID graphql.ID
	CheckedInAt  dateTime
	CheckedOutAt dateTime
	Reason       string
}) (*hourCorrectionResolver, error) {
	ms, err := r.programme()
	if err != nil {
		return nil, err
	}
	a, own, _, err := r.assignmentForChange(ctx, args.AssignmentID)
	if err != nil {
		return nil, err
	}
	// AUTHZ: a volunteer disputes only their own assignments.
	if !own {
		return nil, &konullu.Error{Code: konullu.EFORBIDDEN, Message: "only the volunteer may dispute their own record; coordinators record attendance directly"}
	}
	if !args.CheckedOutAt.After(args.CheckedInAt.Time) {
		return nil, konullu.Invalid("checkedOutAt", "must be after checkedInAt")
	}
	reason, err := konullu.CleanText("reason", args.Reason, true, konullu.MaxCorrectionReason)
	if err != nil {
		return nil, err
	}
	c := &konullu.HourCorrection{AssignmentID: a.ID, VolunteerID: a.VolunteerID,
		CheckedInAt: args.CheckedInAt.Time, CheckedOutAt: args.CheckedOutAt.Time, Reason: reason}
	if err := ms.RequestCorrection(ctx, c); err != nil {
		return nil, err
	}
	auditCreated(ctx, kindHourCorrection, c.ID)
	loadersFrom(ctx).reset()
	return &hourCorrectionResolver{r.scope(), c}, nil
}

// DecideHourCorrection resolves Mutation.decideHourCorrection.
func (r *root) DecideHourCorrection(ctx context.Context, args struct {
	ID      graphql.ID
	Approve bool
	Note    *string
}) (*hourCorrectionResolver, error) {
	vw, err := signedIn(ctx)
	if err != nil {
		return nil, err
	}
	ms, err := r.programme()
	if err != nil {
		return nil, err
	}
	id, err := parseID("id", kindHourCorrection, args.ID)
	if err != nil {
		return nil, err
	}
	c, err := r.correctionByID(ctx, id)
	if err != nil {
		return nil, err
	}
	if c == nil {
		return nil, &konullu.Error{Code: konullu.ENOTFOUND, Message: "hour correction not found", Field: "id"}
	}
	switch {
	// AUTHZ: nobody decides their own dispute, whatever their roles.
	case vw.VolunteerID != 0 && vw.VolunteerID == c.c.VolunteerID:
		return nil, &konullu.Error{Code: konullu.EFORBIDDEN, Message: "you cannot decide your own hour correction; another coordinator of the centre must"}
	// AUTHZ: the coordinators of the shift's centre and admins decide.
	case !vw.CanManageCentre(c.c.CentreID):
		return nil, &konullu.Error{Code: konullu.EFORBIDDEN, Message: "only a coordinator of the shift's centre may decide this correction"}
	}
	var note string
	if args.Note != nil {
		if note, err = konullu.CleanText("note", *args.Note, false, konullu.MaxCorrectionNote); err != nil {
			return nil, err
		}
	}
	if !args.Approve && note == "" {
		return nil, konullu.Invalid("note", "say why the correction is rejected")
	}
	res, err := ms.DecideCorrection(ctx, id, args.Approve, note, vw.UserID)
	if err != nil {
		return nil, err
	}
	loadersFrom(ctx).reset()
	if args.Approve {
		r.publishCentreEvent(ctx, konullu.CentreEvent{Kind: konullu.CentreCheckedOut, AssignmentID: res.AssignmentID, ShiftID: shiftOf(ctx, res.AssignmentID)})
	}
	return &hourCorrectionResolver{r.scope(), res}, nil
}

func shiftOf(ctx context.Context, assignmentID int64) int64 {
	a, ok, err := loadersFrom(ctx).assignments.Get(ctx, assignmentID)
	if err != nil || !ok {
		return 0
	}
	return a.ShiftID
}

// letterResolver resolves RecommendationLetter.
type letterResolver struct {
	scope
	l *konullu.RecommendationLetter
}

func (x *letterResolver) ID() graphql.ID      { return globalID(kindRecommendationLetter, x.l.ID) }
func (x *letterResolver) Language() string    { return string(x.l.Language) }
func (x *letterResolver) IssuedAt() dateTime  { return dateTime{x.l.IssuedAt} }
func (x *letterResolver) Code() string        { return x.l.Code }
func (x *letterResolver) Text() string        { return x.l.Text }
func (x *letterResolver) AuthorName() string  { return x.l.AuthorName }
func (x *letterResolver) Minutes() int32      { return int32(x.l.Minutes) }
func (x *letterResolver) Centres() []string   { return nonNilList(x.l.Centres) }
func (x *letterResolver) Positions() []string { return nonNilList(x.l.Positions) }
func (x *letterResolver) Qualifications() []string {
	return nonNilList(x.l.Qualifications)
}
func (x *letterResolver) VerifyUrl() string   { return x.r.link(reports.VerifyURL, x.l.Code) }
func (x *letterResolver) DownloadUrl() string { return x.r.link(reports.LetterURL, x.l.Code) }
func (x *letterResolver) From() *date {
	if x.l.From.IsZero() {
		return nil
	}
	return &date{x.l.From}
}
func (x *letterResolver) To() *date {
	if x.l.To.IsZero() {
		return nil
	}
	return &date{x.l.To}
}

// Volunteer resolves RecommendationLetter.volunteer.
func (x *letterResolver) Volunteer(ctx context.Context) (*volunteerResolver, error) {
	v, ok, err := loadersFrom(ctx).volunteers.Get(ctx, x.l.VolunteerID)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, fmt.Errorf("letter %d: volunteer %d is missing", x.l.ID, x.l.VolunteerID)
	}
	return &volunteerResolver{x.scope, v}, nil
}

// mayReadLetter: the volunteer, the author, staff, admins and the
// coordinators who may see the volunteer's contact details.
func mayReadLetter(ctx context.Context, l *konullu.RecommendationLetter) (bool, error) {
	vw := konullu.ViewerFrom(ctx)
	switch {
	case !vw.Authenticated():
		return false, nil
	case vw.IsStaff(), vw.UserID == l.AuthorID, vw.VolunteerID != 0 && vw.VolunteerID == l.VolunteerID:
		return true, nil
	case !vw.IsCoordinator():
		return false, nil
	}
	return vw.MaySeeVolunteer(l.VolunteerID, konullu.AccessContact, ties{ctx, l.VolunteerID})
}

// Letters resolves Volunteer.letters.
func (v *volunteerResolver) Letters(ctx context.Context) ([]*letterResolver, error) {
	out := []*letterResolver{}
	if ok, err := v.may(ctx, konullu.AccessProfile); !ok || err != nil || v.r.mentoring == nil {
		return out, err
	}
	list, err := v.r.mentoring.LettersOf(ctx, v.v.ID)
	if err != nil {
		return nil, err
	}
	for _, l := range list {
		// AUTHZ: letters are read by their volunteer, author, staff and the centres the contact rule names.
		ok, err := mayReadLetter(ctx, l)
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, &letterResolver{v.scope, l})
		}
	}
	return out, nil
}

// RecommendationLetter resolves Query.recommendationLetter.
func (r *root) RecommendationLetter(ctx context.Context, args struct{ Code string }) (*letterResolver, error) {
	if _, err := signedIn(ctx); err != nil {
		return nil, err
	}
	ms, err := r.programme()
	if err != nil {
		return nil, err
	}
	l, err := ms.LetterByCode(ctx, args.Code)
	if konullu.ErrorCode(err) == konullu.ENOTFOUND {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return r.letterIfReadable(ctx, l)
}

func (r *root) letterIfReadable(ctx context.Context, l *konullu.RecommendationLetter) (*letterResolver, error) {
	// AUTHZ: as Volunteer.letters.
	if ok, err := mayReadLetter(ctx, l); !ok || err != nil {
		return nil, err
	}
	return &letterResolver{r.scope(), l}, nil
}

func (r *root) letterByID(ctx context.Context, id int64) (*letterResolver, error) {
	ms, err := r.programme()
	if err != nil {
		return nil, err
	}
	m, err := ms.LettersByIDs(ctx, []int64{id})
	if err != nil || m[id] == nil {
		return nil, err
	}
	return r.letterIfReadable(ctx, m[id])
}

// cleanLetterText keeps a letter's paragraphs: line ends normalised, other
// control characters refused, 20 to 3000 characters.
func cleanLetterText(s string) (string, error) {
	s = strings.TrimSpace(strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n"))
	if !utf8.ValidString(s) {
		return "", konullu.Invalid("text", "is not valid UTF-8")
	}
	n := utf8.RuneCountInString(s)
	if n < konullu.MinLetterText || n > konullu.MaxLetterText {
		return "", konullu.Invalid("text", "a letter has %d to %d characters (this one has %d)", konullu.MinLetterText, konullu.MaxLetterText, n)
	}
	for _, c := range s {
		if c < 0x20 && c != '\n' && c != '\t' || c == 0x7f {
			return "", konullu.Invalid("text", "a letter may not hold control characters")
		}
	}
	return s, nil
}

// IssueRecommendation resolves Mutation.issueRecommendation.
func (r *root) IssueRecommendation(ctx context.Context, args struct {
	VolunteerID graphql.ID
	Text        string
	Language    string
}) (*letterResolver, error) {
	vw, err := signedIn(ctx)
	if err != nil {
		return nil, err
	}
	ms, err := r.programme()
	if err != nil {
		return nil, err
	}
	id, err := parseID("volunteerId", kindVolunteer, args.VolunteerID)
	if err != nil {
		return nil, err
	}
	// AUTHZ: admins for anyone; a coordinator for a volunteer who attended a shift at one of their centres.
	switch {
	case vw.IsAdmin():
	case vw.IsCoordinator():
		centres, err := ms.AttendedCentres(ctx, id)
		if err != nil {
			return nil, err
		}
		if !slices.ContainsFunc(centres, vw.Coordinates) {
			return nil, &konullu.Error{Code: konullu.EFORBIDDEN,
				Message: "a coordinator writes letters for volunteers who served at one of their centres"}
		}
	default:
		return nil, konullu.ErrForbidden
	}
	if vw.VolunteerID != 0 && vw.VolunteerID == id {
		return nil, &konullu.Error{Code: konullu.EFORBIDDEN, Message: "you cannot write your own recommendation letter"}
	}
	text, err := cleanLetterText(args.Text)
	if err != nil {
		return nil, err
	}
	lang, err := konullu.ParseLanguage("language", args.Language)
	if err != nil {
		return nil, err
	}
	l := &konullu.RecommendationLetter{VolunteerID: id, Text: text, Language: lang, AuthorID: vw.UserID}
	if err := ms.IssueLetter(ctx, l); err != nil {
		return nil, err
	}
	auditCreated(ctx, kindRecommendationLetter, l.ID)
	return &letterResolver{r.scope(), l}, nil
}

// mentoringSnapshots adds the audit trail's view of corrections (with
// their assignment, whose attendance an approval changes) and letters.
func (r *root) mentoringSnapshots(ctx context.Context, snap *snapshotSet, kind string, ids []int64) {
	if r.mentoring == nil {
		return
	}
	if kind == kindRecommendationLetter {
		m, err := r.mentoring.LettersByIDs(ctx, ids)
		putAll(snap, kind, m, err)
		return
	}
	m, err := r.mentoring.CorrectionsByIDs(ctx, ids)
	snap.failed(err)
	var aids []int64
	for _, c := range m {
		aids = append(aids, c.AssignmentID)
	}
	as, err := r.store.AssignmentsByIDs(ctx, aids)
	snap.failed(err)
	for id, c := range m {
		snap.put(kind, id, struct {
			*konullu.HourCorrection
			Assignment *konullu.Assignment
		}{c, as[c.AssignmentID]})
	}
}
