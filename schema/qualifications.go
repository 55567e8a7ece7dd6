package schema

import (
	"context"
	"slices"

	"github.com/graph-gophers/graphql-go"

	"github.com/konullu/konullu"
)

// Training and qualifications (qualifications.graphql).

const (
	kindQualification = "Qualification"
	kindCourse        = "Course"
)

func init() { knownKinds[kindQualification], knownKinds[kindCourse] = true, true }

var errNoQualifications = &konullu.Error{Code: konullu.EUNAVAILABLE, Message: "qualifications are not available on this server"}

func (r *root) qualStore() (konullu.QualificationStore, error) {
	qs, ok := r.store.(konullu.QualificationStore)
	if !ok {
		return nil, errNoQualifications
	}
	return qs, nil
}

// qualLoaders are the request's loaders of qualifications, created on first use.
type qualLoaders struct {
	qualifications *loader[*konullu.Qualification]
	positionQuals  *loader[[]int64]
	held           *loader[[]*konullu.HeldQualification]
	courses        *loader[*konullu.Course]
	sessions       *loader[[]int64]
	training       *loader[int]
}

func newQualLoaders(st konullu.Store) *qualLoaders {
	qs, _ := st.(konullu.QualificationStore)
	l := &qualLoaders{}
	l.qualifications = newLoader(func(ctx context.Context, ids []int64) (map[int64]*konullu.Qualification, error) {
		if qs == nil {
			return map[int64]*konullu.Qualification{}, nil
		}
		return qs.QualificationsByIDs(ctx, ids)
	})
	l.positionQuals = newLoader(func(ctx context.Context, ids []int64) (map[int64][]int64, error) {
		if qs == nil {
			return everyKey[int64](ids)(nil, nil)
		}
		m, err := everyKey[int64](ids)(qs.PositionQualifications(ctx, ids))
		for _, quals := range m {
			l.qualifications.Prime(quals...) // those of every position of the batch at once
		}
		return m, err
	})
	l.held = newLoader(func(ctx context.Context, ids []int64) (map[int64][]*konullu.HeldQualification, error) {
		if qs == nil {
			return everyKey[*konullu.HeldQualification](ids)(nil, nil)
		}
		return everyKey[*konullu.HeldQualification](ids)(qs.HeldQualifications(ctx, ids))
	})
	l.courses = newLoader(func(ctx context.Context, ids []int64) (map[int64]*konullu.Course, error) {
		if qs == nil {
			return map[int64]*konullu.Course{}, nil
		}
		return qs.CoursesByIDs(ctx, ids)
	})
	l.sessions = newLoader(func(ctx context.Context, ids []int64) (map[int64][]int64, error) {
		if qs == nil {
			return everyKey[int64](ids)(nil, nil)
		}
		return everyKey[int64](ids)(qs.CourseSessions(ctx, ids))
	})
	l.training = newLoader(func(ctx context.Context, ids []int64) (map[int64]int, error) {
		out := make(map[int64]int, len(ids))
		if tm, ok := st.(konullu.TrainingMinutesStore); ok {
			m, err := tm.TrainingMinutes(ctx, ids)
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
	return l
}

func (l *qualLoaders) reset() {
	l.qualifications.reset()
	l.positionQuals.reset()
	l.held.reset()
	l.courses.reset()
	l.sessions.reset()
	l.training.reset()
}

type qualificationResolver struct{ q *konullu.Qualification }

func (q *qualificationResolver) ID() graphql.ID       { return globalID(kindQualification, q.q.ID) }
func (q *qualificationResolver) Name() string         { return q.q.Name }
func (q *qualificationResolver) Description() *string { return optional(q.q.Description) }
func (q *qualificationResolver) Names() *localizedText {
	return &localizedText{q.q.Names}
}
func (q *qualificationResolver) Descriptions() *localizedText {
	return &localizedText{q.q.Descriptions}
}
func (q *qualificationResolver) ValidityMonths() *int32 {
	if q.q.ValidityMonths <= 0 {
		return nil
	}
	n := int32(q.q.ValidityMonths)
	return &n
}

type localizedText struct{ m map[string]string }

func (t *localizedText) Az() *string { return optional(t.m["az"]) }
func (t *localizedText) En() *string { return optional(t.m["en"]) }
func (t *localizedText) Ru() *string { return optional(t.m["ru"]) }

type localizedTextInput struct{ Az, En, Ru *string }

func cleanLocalized(field string, in *localizedTextInput, max int) (map[string]string, error) {
	out := map[string]string{}
	if in == nil {
		return out, nil
	}
	for lang, p := range map[string]*string{"az": in.Az, "en": in.En, "ru": in.Ru} {
		if p == nil {
			continue
		}
		s, err := konullu.CleanText(field+"."+lang, *p, false, max)
		if err != nil {
			return nil, err
		}
		if s != "" {
			out[lang] = s
		}
	}
	return out, nil
}

type heldResolver struct {
	scope
	h *konullu.HeldQualification
}

func (h *heldResolver) Qualification(ctx context.Context) (*qualificationResolver, error) {
	q, ok, err := loadersFrom(ctx).quals().qualifications.Get(ctx, h.h.QualificationID)
	if err != nil || !ok {
		return nil, orNotFound(err, "qualification")
	}
	return &qualificationResolver{q}, nil
}
func (h *heldResolver) GrantedAt() dateTime { return dateTime{h.h.GrantedAt} }
func (h *heldResolver) ExpiresAt() *dateTime {
	if h.h.ExpiresAt.IsZero() {
		return nil
	}
	return &dateTime{h.h.ExpiresAt}
}
func (h *heldResolver) Note() *string  { return optional(h.h.Note) }
func (h *heldResolver) Source() string { return h.h.Source }
func (h *heldResolver) Course(ctx context.Context) (*courseResolver, error) {
	if h.h.CourseID == 0 {
		return nil, nil
	}
	c, ok, err := loadersFrom(ctx).quals().courses.Get(ctx, h.h.CourseID)
	if err != nil || !ok {
		return nil, err
	}
	return &courseResolver{h.scope, c}, nil
}

type courseResolver struct {
	scope
	c *konullu.Course
}

func (c *courseResolver) ID() graphql.ID { return globalID(kindCourse, c.c.ID) }
func (c *courseResolver) Name() string   { return c.c.Name }
func (c *courseResolver) Qualification(ctx context.Context) (*qualificationResolver, error) {
	return (&heldResolver{c.scope, &konullu.HeldQualification{QualificationID: c.c.QualificationID}}).Qualification(ctx)
}

// Sessions resolves Course.sessions: the ones the viewer may see.
func (c *courseResolver) Sessions(ctx context.Context) ([]*shiftResolver, error) {
	l := loadersFrom(ctx)
	ids, _, err := l.quals().sessions.Get(ctx, c.c.ID)
	if err != nil {
		return nil, err
	}
	l.shifts.Prime(ids...)
	vw := c.viewer(ctx)
	out := []*shiftResolver{}
	for _, id := range ids {
		s, ok, err := l.shifts.Get(ctx, id)
		if err != nil {
			return nil, err
		}
		if ok && vw.CanSeeShift(s) {
			out = append(out, &shiftResolver{c.scope, s})
		}
	}
	return out, nil
}

// Qualifications resolves Volunteer.qualifications.
func (v *volunteerResolver) Qualifications(ctx context.Context) ([]*heldResolver, error) {
	// AUTHZ: as the volunteer's profile (skills): themselves, coordinators, staff, admins.
	if ok, err := v.may(ctx, konullu.AccessProfile); !ok || err != nil {
		return nil, orHidden(err)
	}
	l := loadersFrom(ctx).quals()
	held, _, err := l.held.Get(ctx, v.v.ID)
	if err != nil {
		return nil, err
	}
	out := make([]*heldResolver, len(held))
	for i, h := range held {
		l.qualifications.Prime(h.QualificationID)
		out[i] = &heldResolver{v.scope, h}
	}
	return out, nil
}

// TrainingMinutes resolves Volunteer.trainingMinutes.
func (v *volunteerResolver) TrainingMinutes(ctx context.Context) (int32, error) {
	if ok, err := v.may(ctx, konullu.AccessProgress); !ok || err != nil {
		return 0, orHidden(err)
	}
	n, _, err := loadersFrom(ctx).quals().training.Get(ctx, v.v.ID)
	return int32(n), err
}

// RequiredQualifications resolves Position.requiredQualifications.
func (p *positionResolver) RequiredQualifications(ctx context.Context) ([]*qualificationResolver, error) {
	l := loadersFrom(ctx).quals()
	ids, _, err := l.positionQuals.Get(ctx, p.p.ID)
	if err != nil {
		return nil, err
	}
	l.qualifications.Prime(ids...)
	out := []*qualificationResolver{}
	for _, id := range ids {
		q, ok, err := l.qualifications.Get(ctx, id)
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, &qualificationResolver{q})
		}
	}
	return out, nil
}

// Kind resolves Shift.kind.
func (s *shiftResolver) Kind() string {
	if s.s.Kind == "" {
		return string(konullu.ShiftService)
	}
	return string(s.s.Kind)
}

// Course resolves Shift.course.
func (s *shiftResolver) Course(ctx context.Context) (*courseResolver, error) {
	if s.s.CourseID == 0 {
		return nil, nil
	}
	c, ok, err := loadersFrom(ctx).quals().courses.Get(ctx, s.s.CourseID)
	if err != nil || !ok {
		return nil, err
	}
	return &courseResolver{s.scope, c}, nil
}

// Qualifications resolves Query.qualifications.
func (r *root) Qualifications(ctx context.Context) ([]*qualificationResolver, error) {
	if _, err := signedIn(ctx); err != nil {
		return nil, err
	}
	qs, err := r.qualStore()
	if err != nil {
		return nil, err
	}
	list, err := qs.Qualifications(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]*qualificationResolver, len(list))
	for i, q := range list {
		loadersFrom(ctx).quals().qualifications.Set(q.ID, q)
		out[i] = &qualificationResolver{q}
	}
	return out, nil
}

// Courses resolves Query.courses.
func (r *root) Courses(ctx context.Context) ([]*courseResolver, error) {
	if _, err := signedIn(ctx); err != nil {
		return nil, err
	}
	qs, err := r.qualStore()
	if err != nil {
		return nil, err
	}
	list, err := qs.Courses(ctx)
	if err != nil {
		return nil, err
	}
	l := loadersFrom(ctx).quals()
	out := make([]*courseResolver, len(list))
	for i, c := range list {
		l.qualifications.Prime(c.QualificationID)
		l.sessions.Prime(c.ID)
		out[i] = &courseResolver{r.scope(), c}
	}
	return out, nil
}

// requireTrainer: coordinators of any centre, staff and admins.
func requireTrainer(ctx context.Context) (*konullu.Viewer, error) {
	v, err := signedIn(ctx)
	if err != nil {
		return nil, err
	}
	if !v.IsStaff() && !v.IsCoordinator() {
		return nil, konullu.ErrForbidden
	}
	return v, nil
}

// CreateQualification resolves Mutation.createQualification.
func (r *root) CreateQualification(ctx context.Context, args struct {
	Name           string
	Description    *string
	ValidityMonths *int32
	Names          *localizedTextInput
	Descriptions   *localizedTextInput
}) (*qualificationResolver, error) {
	// AUTHZ: coordinators (they run courses), staff and admins.
	vw, err := requireTrainer(ctx)
	if err != nil {
		return nil, err
	}
	qs, err := r.qualStore()
	if err != nil {
		return nil, err
	}
	q := &konullu.Qualification{CreatedBy: vw.UserID}
	if q.Name, err = konullu.CleanText("name", args.Name, true, konullu.MaxQualificationName); err != nil {
		return nil, err
	}
	if q.Description, err = konullu.CleanText("description", deref(args.Description), false, konullu.MaxQualificationDescription); err != nil {
		return nil, err
	}
	if args.ValidityMonths != nil {
		if *args.ValidityMonths < 1 || *args.ValidityMonths > konullu.MaxValidityMonths {
			return nil, konullu.Invalid("validityMonths", "must be between 1 and %d months, or left out for no expiry", konullu.MaxValidityMonths)
		}
		q.ValidityMonths = int(*args.ValidityMonths)
	}
	if q.Names, err = cleanLocalized("names", args.Names, konullu.MaxQualificationName); err != nil {
		return nil, err
	}
	if q.Descriptions, err = cleanLocalized("descriptions", args.Descriptions, konullu.MaxQualificationDescription); err != nil {
		return nil, err
	}
	if err := qs.CreateQualification(ctx, q); err != nil {
		return nil, err
	}
	auditCreated(ctx, kindQualification, q.ID)
	return &qualificationResolver{q}, nil
}

// GrantQualification resolves Mutation.grantQualification.
func (r *root) GrantQualification(ctx context.Context, args struct {
	VolunteerID     graphql.ID
	QualificationID graphql.ID
	Note            *string
}) (*heldResolver, error) {
	// AUTHZ: any coordinator (volunteers move between centres), staff and admins, as skills were verified.
	vw, err := requireTrainer(ctx)
	if err != nil {
		return nil, err
	}
	qs, err := r.qualStore()
	if err != nil {
		return nil, err
	}
	vid, err := parseID("volunteerId", kindVolunteer, args.VolunteerID)
	if err != nil {
		return nil, err
	}
	qid, err := parseID("qualificationId", kindQualification, args.QualificationID)
	if err != nil {
		return nil, err
	}
	note, err := konullu.CleanText("note", deref(args.Note), false, konullu.MaxQualificationNote)
	if err != nil {
		return nil, err
	}
	h, err := qs.GrantQualification(ctx, vid, qid, vw.UserID, note)
	if err != nil {
		return nil, err
	}
	r.qualificationsChanged(ctx, vid)
	return &heldResolver{r.scope(), h}, nil
}

// qualificationsChanged tells the availability index and the request's
// loaders that a volunteer's qualifications changed.
func (r *root) qualificationsChanged(ctx context.Context, volunteerID int64) {
	if ix, ok := r.store.(interface {
		QualificationsChanged(ctx context.Context, volunteerID int64)
	}); ok {
		ix.QualificationsChanged(ctx, volunteerID)
	}
	l := loadersFrom(ctx)
	l.reset()
}

// SetPositionQualifications resolves Mutation.setPositionQualifications.
func (r *root) SetPositionQualifications(ctx context.Context, args struct {
	PositionID       graphql.ID
	QualificationIDs []graphql.ID
}) (*positionResolver, error) {
	// AUTHZ: positions are the whole organisation's: staff and admins.
	vw, err := signedIn(ctx)
	if err != nil {
		return nil, err
	}
	if !vw.IsStaff() {
		return nil, konullu.ErrForbidden
	}
	qs, err := r.qualStore()
	if err != nil {
		return nil, err
	}
	pid, err := parseID("positionId", kindPosition, args.PositionID)
	if err != nil {
		return nil, err
	}
	if len(args.QualificationIDs) > konullu.MaxRequiredQualifications {
		return nil, konullu.Invalid("qualificationIds", "at most %d qualifications", konullu.MaxRequiredQualifications)
	}
	ids, err := parseIDs("qualificationIds", kindQualification, args.QualificationIDs)
	if err != nil {
		return nil, err
	}
	if err := qs.SetPositionQualifications(ctx, pid, ids); err != nil {
		return nil, err
	}
	l := loadersFrom(ctx)
	l.reset()
	return r.positionByID(ctx, pid)
}

// CreateCourse resolves Mutation.createCourse.
func (r *root) CreateCourse(ctx context.Context, args struct {
	Name            string
	QualificationID graphql.ID
}) (*courseResolver, error) {
	// AUTHZ: coordinators, staff and admins.
	vw, err := requireTrainer(ctx)
	if err != nil {
		return nil, err
	}
	qs, err := r.qualStore()
	if err != nil {
		return nil, err
	}
	c := &konullu.Course{CreatedBy: vw.UserID}
	if c.Name, err = konullu.CleanText("name", args.Name, true, konullu.MaxCourseName); err != nil {
		return nil, err
	}
	if c.QualificationID, err = parseID("qualificationId", kindQualification, args.QualificationID); err != nil {
		return nil, err
	}
	if err := qs.CreateCourse(ctx, c); err != nil {
		return nil, err
	}
	auditCreated(ctx, kindCourse, c.ID)
	return &courseResolver{r.scope(), c}, nil
}

// MarkCoursePassed resolves Mutation.markCoursePassed.
func (r *root) MarkCoursePassed(ctx context.Context, args struct {
	CourseID    graphql.ID
	VolunteerID graphql.ID
}) (*heldResolver, error) {
	vw, err := signedIn(ctx)
	if err != nil {
		return nil, err
	}
	qs, err := r.qualStore()
	if err != nil {
		return nil, err
	}
	cid, err := parseID("courseId", kindCourse, args.CourseID)
	if err != nil {
		return nil, err
	}
	vid, err := parseID("volunteerId", kindVolunteer, args.VolunteerID)
	if err != nil {
		return nil, err
	}
	// AUTHZ: a coordinator of a centre where the course has a session,
	// staff and admins.
	if !vw.IsStaff() {
		sessions, err := qs.CourseSessions(ctx, []int64{cid})
		if err != nil {
			return nil, err
		}
		shifts, err := r.store.ShiftsByIDs(ctx, sessions[cid])
		if err != nil {
			return nil, err
		}
		if !slices.ContainsFunc(sessions[cid], func(id int64) bool { return shifts[id] != nil && vw.Coordinates(shifts[id].CentreID) }) {
			return nil, konullu.ErrForbidden
		}
	}
	h, err := qs.MarkCoursePassed(ctx, cid, vid, vw.UserID)
	if err != nil {
		if e, ok := err.(*konullu.Error); ok && e.Extensions["missedSessions"] != nil {
			// Ids as the API gives them.
			missed, _ := e.Extensions["missedSessions"].([]int64)
			ids := make([]graphql.ID, len(missed))
			for i, id := range missed {
				ids[i] = globalID(kindShift, id)
			}
			e2 := *e
			e2.Extensions = map[string]any{"missedSessions": ids}
			return nil, &e2
		}
		return nil, err
	}
	r.qualificationsChanged(ctx, vid)
	return &heldResolver{r.scope(), h}, nil
}

// qualificationNode resolves Query.node for qualifications and courses.
func (r *root) qualificationNode(ctx context.Context, kind string, id int64) (node, error) {
	if _, err := signedIn(ctx); err != nil {
		return nil, err
	}
	l := loadersFrom(ctx).quals()
	if kind == kindCourse {
		c, ok, err := l.courses.Get(ctx, id)
		if err != nil || !ok {
			return nil, err
		}
		return &courseResolver{r.scope(), c}, nil
	}
	q, ok, err := l.qualifications.Get(ctx, id)
	if err != nil || !ok {
		return nil, err
	}
	return &qualificationResolver{q}, nil
}

func (n *nodeResolver) ToQualification() (*qualificationResolver, bool) {
	r, ok := n.node.(*qualificationResolver)
	return r, ok
}

func (n *nodeResolver) ToCourse() (*courseResolver, bool) {
	r, ok := n.node.(*courseResolver)
	return r, ok
}

// qualificationSnapshots adds the audit trail's view of qualifications and courses.
func (r *root) qualificationSnapshots(ctx context.Context, snap *snapshotSet, kind string, ids []int64) {
	qs, err := r.qualStore()
	if err != nil {
		return
	}
	if kind == kindCourse {
		m, err := qs.CoursesByIDs(ctx, ids)
		putAll(snap, kind, m, err)
		return
	}
	m, err := qs.QualificationsByIDs(ctx, ids)
	putAll(snap, kind, m, err)
}

// nameQualifications adds to a refusal that names qualifications (by their
// main name) their names in every language, as qualificationNames (a list
// of {name, az, en, ru} in the same order), so that a client says it in
// its reader's language. A failure to read them leaves the main names.
func (r *root) nameQualifications(ctx context.Context, ext map[string]any) {
	names, ok := ext["qualifications"].([]string)
	if !ok || len(names) == 0 {
		return
	}
	ext["qualificationNames"] = r.qualificationNames(ctx, names)
}
