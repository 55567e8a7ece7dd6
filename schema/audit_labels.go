package schema

import (
	"context"
	"encoding/json"
	"slices"
	"sync"
	"time"

	"github.com/graph-gophers/graphql-go"

	"github.com/konullu/konullu"
)

// The audit log names people and objects for its reader: the actor's name,
// and each object an entry touched or named by its kind and a label (a
// volunteer's name, a centre's, a shift as "centre · position" with its
// start). Labels are read for a whole page of entries at once, by kind, so
// that a page costs the same few statements whatever its length (no N+1):
// users, then assignments, then shifts, then volunteers, centres and
// positions, each one batched read. They are read when the page's first
// entry asks for one, and not at all by a query that asks for none.
//
// Centres and positions are named in the reader's language (the request's
// Accept-Language), as everywhere else.
//
// Labels are what the objects are called now, not when the action ran: an
// account deleted since has no label (the trail forgets the person), and a
// renamed centre shows its new name. Kinds without a batched read here take
// their name from the entry's own snapshot (a cohort, a qualification).

// auditLabels are the names of a page of audit entries.
type auditLabels struct {
	r       *root
	entries []*konullu.AuditEntry

	once   sync.Once
	err    error
	actors map[int64]string // user id → name
	labels map[auditObject]*auditObjectLabel
}

// auditObjectLabel is how an object is shown.
type auditObjectLabel struct {
	label    string
	startsAt time.Time // of a shift, or an assignment's shift
	timezone string    // the centre's
}

// load reads every label of the page, once.
func (l *auditLabels) load(ctx context.Context) error {
	l.once.Do(func() { l.err = l.read(ctx) })
	return l.err
}

func (l *auditLabels) read(ctx context.Context) error {
	l.actors, l.labels = map[int64]string{}, map[auditObject]*auditObjectLabel{}
	ids := map[string][]int64{}
	add := func(kind string, id int64) {
		if id != 0 && !slices.Contains(ids[kind], id) {
			ids[kind] = append(ids[kind], id)
		}
	}
	for _, e := range l.entries {
		add(kindUser, e.ActorUserID)
		for _, o := range auditEntryObjects(e) {
			add(o.kind, o.id)
		}
	}
	st := l.r.store
	users, err := st.UsersByIDs(ctx, ids[kindUser])
	if err != nil {
		return err
	}
	for _, u := range users {
		add(kindVolunteer, u.VolunteerID)
	}
	assignments, err := st.AssignmentsByIDs(ctx, ids[kindAssignment])
	if err != nil {
		return err
	}
	for _, a := range assignments {
		add(kindShift, a.ShiftID)
		add(kindVolunteer, a.VolunteerID)
	}
	shifts, err := st.ShiftsByIDs(ctx, ids[kindShift])
	if err != nil {
		return err
	}
	for _, s := range shifts {
		add(kindCentre, s.CentreID)
		add(kindPosition, s.PositionID)
	}
	volunteers, err := st.VolunteersByIDs(ctx, ids[kindVolunteer])
	if err != nil {
		return err
	}
	centres, err := st.CentresByIDs(ctx, ids[kindCentre])
	if err != nil {
		return err
	}
	positions, err := st.PositionsByIDs(ctx, ids[kindPosition])
	if err != nil {
		return err
	}

	lang := readerLanguage(ctx) // centres and positions are named in the reader's language
	userName := func(u *konullu.User) string {
		if v := volunteers[u.VolunteerID]; v != nil && v.FullName != "" {
			return v.FullName
		}
		return u.Email
	}
	shiftLabel := func(s *konullu.Shift) *auditObjectLabel {
		out := &auditObjectLabel{startsAt: s.StartsAt}
		var centre, position string
		if c := centres[s.CentreID]; c != nil {
			centre, out.timezone = c.NameIn(lang), c.Timezone
		}
		if p := positions[s.PositionID]; p != nil {
			position = p.NameIn(lang)
		}
		out.label = joinLabel(centre, position)
		return out
	}
	for id, u := range users {
		l.actors[id] = userName(u)
		l.labels[auditObject{kindUser, id}] = &auditObjectLabel{label: userName(u)}
	}
	for id, v := range volunteers {
		if v.FullName != "" {
			l.labels[auditObject{kindVolunteer, id}] = &auditObjectLabel{label: v.FullName}
		}
	}
	for id, c := range centres {
		l.labels[auditObject{kindCentre, id}] = &auditObjectLabel{label: c.NameIn(lang)}
	}
	for id, p := range positions {
		l.labels[auditObject{kindPosition, id}] = &auditObjectLabel{label: p.NameIn(lang)}
	}
	for id, s := range shifts {
		l.labels[auditObject{kindShift, id}] = shiftLabel(s)
	}
	for id, a := range assignments {
		out := &auditObjectLabel{}
		if s := shifts[a.ShiftID]; s != nil {
			out = shiftLabel(s)
		}
		var name string
		if v := volunteers[a.VolunteerID]; v != nil {
			name = v.FullName
		}
		out.label = joinLabel(name, out.label)
		l.labels[auditObject{kindAssignment, id}] = out
	}
	// Other kinds: the name the entry's own snapshot holds.
	for _, e := range l.entries {
		for _, c := range e.Changes {
			o := auditObject{c.Kind, c.ID}
			if _, done := l.labels[o]; done || batchLabelled[c.Kind] {
				continue
			}
			if name := snapshotName(c.After); name != "" {
				l.labels[o] = &auditObjectLabel{label: name}
			} else if name := snapshotName(c.Before); name != "" {
				l.labels[o] = &auditObjectLabel{label: name}
			}
		}
	}
	return nil
}

// batchLabelled are the kinds labelled from the store, as they are now.
var batchLabelled = map[string]bool{kindUser: true, kindVolunteer: true, kindCentre: true, kindPosition: true,
	kindShift: true, kindAssignment: true}

func joinLabel(parts ...string) string {
	out := ""
	for _, p := range parts {
		if p == "" {
			continue
		}
		if out != "" {
			out += " · "
		}
		out += p
	}
	return out
}

// snapshotName is the name an object's JSON snapshot holds, "" if none.
func snapshotName(raw json.RawMessage) string {
	if len(raw) == 0 {
		return ""
	}
	var v struct{ Name, FullName, Title string }
	if json.Unmarshal(raw, &v) != nil {
		return ""
	}
	for _, s := range []string{v.Name, v.FullName, v.Title} {
		if s != "" {
			return s
		}
	}
	return ""
}

// auditEntryObjects are the objects of an entry: those it changed (in the
// order of its changes), then those its arguments name and it left as they
// were (the centres of a grantRole, the shift a failed signUp named).
func auditEntryObjects(e *konullu.AuditEntry) []auditObject {
	var out []auditObject
	for _, c := range e.Changes {
		o := auditObject{c.Kind, c.ID}
		if !slices.Contains(out, o) {
			out = append(out, o)
		}
	}
	var args map[string]any
	if json.Unmarshal(e.Arguments, &args) == nil {
		for _, o := range auditTargets(args) {
			if !slices.Contains(out, o) {
				out = append(out, o)
			}
		}
	}
	return out
}

// ActorName is the actor's name: their volunteer name, or the account's email.
func (a *auditEntryResolver) ActorName(ctx context.Context) (*string, error) {
	if a.e.ActorUserID == 0 || a.labels == nil {
		return nil, nil
	}
	if err := a.labels.load(ctx); err != nil {
		return nil, err
	}
	name, ok := a.labels.actors[a.e.ActorUserID]
	if !ok {
		return nil, nil
	}
	return &name, nil
}

// Objects are the objects the entry changed or named, with their labels.
func (a *auditEntryResolver) Objects(ctx context.Context) ([]*auditObjectResolver, error) {
	objs := auditEntryObjects(a.e)
	if len(objs) > 0 && a.labels != nil {
		if err := a.labels.load(ctx); err != nil {
			return nil, err
		}
	}
	changed := map[auditObject]bool{}
	for _, c := range a.e.Changes {
		changed[auditObject{c.Kind, c.ID}] = true
	}
	out := make([]*auditObjectResolver, len(objs))
	for i, o := range objs {
		var l *auditObjectLabel
		if a.labels != nil {
			l = a.labels.labels[o]
		}
		out[i] = &auditObjectResolver{o: o, l: l, changed: changed[o]}
	}
	return out, nil
}

// auditObjectResolver resolves AuditObject.
type auditObjectResolver struct {
	o       auditObject
	l       *auditObjectLabel
	changed bool
}

func (o *auditObjectResolver) Kind() string   { return o.o.kind }
func (o *auditObjectResolver) ID() graphql.ID { return globalID(o.o.kind, o.o.id) }
func (o *auditObjectResolver) Changed() bool  { return o.changed }
func (o *auditObjectResolver) Label() *string {
	if o.l == nil || o.l.label == "" {
		return nil
	}
	return &o.l.label
}

func (o *auditObjectResolver) StartsAt() *dateTime {
	if o.l == nil || o.l.startsAt.IsZero() {
		return nil
	}
	return &dateTime{o.l.startsAt}
}

func (o *auditObjectResolver) Timezone() *string {
	if o.l == nil || o.l.timezone == "" {
		return nil
	}
	return &o.l.timezone
}
