package schema

import (
	"bytes"
	"context"
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/graph-gophers/graphql-go"
	gqlerrors "github.com/graph-gophers/graphql-go/errors"
	"github.com/graph-gophers/graphql-go/trace/tracer"

	"github.com/konullu/konullu"
)

// The audit trail is kept in one place for every mutation, present and
// future: a tracer around the mutation fields. For a request of a
// coordinator, staff member or admin it reads every object the arguments
// name by id before the resolver runs and again after it succeeded (objects a
// resolver creates are reported by auditCreated), and records who did what,
// when, and each object's state before and after. Volunteers' own changes are
// not audited.

// auditRecorder is the audit state of one request.
type auditRecorder struct {
	viewer    *konullu.Viewer
	requestID string
	mu        sync.Mutex
	created   []auditObject // reported by resolvers of the field running now
}

type auditObject struct {
	kind string
	id   int64
}

// auditCreated tells the audit trail about objects a mutation created.
func auditCreated(ctx context.Context, kind string, ids ...int64) {
	rec, _ := ctx.Value(auditKey).(*auditRecorder)
	if rec == nil {
		return
	}
	rec.mu.Lock()
	defer rec.mu.Unlock()
	for _, id := range ids {
		rec.created = append(rec.created, auditObject{kind, id})
	}
}

// apiTracer is the schema's tracer: the read-only guard of GET requests,
// then the audit trail of mutations.
type apiTracer struct {
	readOnlyGuard
	r *root
}

func (t apiTracer) TraceField(ctx context.Context, label, typeName, fieldName string, trivial bool, args map[string]any) (context.Context, tracer.FieldFinishFunc) {
	ctx, finish := t.readOnlyGuard.TraceField(ctx, label, typeName, fieldName, trivial, args)
	rec, _ := ctx.Value(auditKey).(*auditRecorder)
	if typeName != "Mutation" || rec == nil || ctx.Err() != nil || t.r.audit == nil {
		return ctx, finish
	}
	targets := auditTargets(args)
	before := t.r.snapshots(ctx, targets)
	rec.mu.Lock()
	rec.created = nil
	rec.mu.Unlock()
	return ctx, func(qe *gqlerrors.QueryError) {
		finish(qe)
		if qe != nil {
			return // nothing changed
		}
		rec.mu.Lock()
		created := rec.created
		rec.created = nil
		rec.mu.Unlock()
		all := append(slices.Clone(targets), created...)
		after := t.r.snapshots(context.WithoutCancel(ctx), all)
		e := &konullu.AuditEntry{
			ActorUserID: rec.viewer.UserID,
			ActorRoles:  rec.viewer.Roles,
			Action:      fieldName,
			Arguments:   auditArguments(args),
			RequestID:   rec.requestID,
		}
		for _, o := range all {
			b, a := before[o], after[o]
			if b != nil && bytes.Equal(b, a) {
				continue // named but unchanged (a centre a shift belongs to, say)
			}
			if b == nil && a == nil {
				continue
			}
			e.Changes = append(e.Changes, konullu.AuditChange{Kind: o.kind, ID: o.id, Before: b, After: a})
		}
		if err := t.r.audit.RecordAudit(context.WithoutCancel(ctx), e); err != nil {
			t.r.log.ErrorContext(ctx, "audit trail: entry not written", "request_id", rec.requestID, "action", fieldName, "error", err.Error())
			return
		}
		if t.r.observer != nil {
			t.r.observer.Audited()
		}
	}
}

// auditTargets finds the objects a mutation's arguments name by global id.
func auditTargets(args map[string]any) []auditObject {
	var out []auditObject
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			keys := make([]string, 0, len(x))
			for k := range x {
				keys = append(keys, k)
			}
			slices.Sort(keys)
			for _, k := range keys {
				walk(x[k])
			}
		case []any:
			for _, e := range x {
				walk(e)
			}
		case []graphql.ID:
			for _, e := range x {
				walk(e)
			}
		case *graphql.ID:
			if x != nil {
				walk(*x)
			}
		case graphql.ID:
			walk(string(x))
		case string:
			if kind, id, err := parseGlobalID("", graphql.ID(x)); err == nil {
				o := auditObject{kind, id}
				if !slices.Contains(out, o) {
					out = append(out, o)
				}
			}
		}
	}
	walk(args)
	return out
}

// auditArguments encodes a mutation's arguments without secrets.
func auditArguments(args map[string]any) json.RawMessage {
	b, err := json.Marshal(withoutSecrets(args))
	if err != nil {
		return json.RawMessage(`{}`)
	}
	return b
}

func withoutSecrets(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			lk := strings.ToLower(k)
			if strings.Contains(lk, "password") || strings.Contains(lk, "token") || strings.Contains(lk, "secret") {
				out[k] = "(hidden)"
				continue
			}
			out[k] = withoutSecrets(e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = withoutSecrets(e)
		}
		return out
	}
	return v
}

// snapshots reads the current state of objects, straight from the store
// (not the request's loaders, which may hold what the mutation changed).
// Objects of kinds it cannot read are left out.
func (r *root) snapshots(ctx context.Context, objs []auditObject) map[auditObject]json.RawMessage {
	byKind := map[string][]int64{}
	for _, o := range objs {
		byKind[o.kind] = append(byKind[o.kind], o.id)
	}
	out := map[auditObject]json.RawMessage{}
	put := func(kind string, id int64, v any) {
		if b, err := json.Marshal(v); err == nil {
			out[auditObject{kind, id}] = b
		}
	}
	for kind, ids := range byKind {
		switch kind {
		case kindCentre:
			m, _ := r.store.CentresByIDs(ctx, ids)
			for id, v := range m {
				put(kind, id, v)
			}
		case kindPosition:
			m, _ := r.store.PositionsByIDs(ctx, ids)
			for id, v := range m {
				put(kind, id, v)
			}
		case kindShift:
			m, _ := r.store.ShiftsByIDs(ctx, ids)
			for id, v := range m {
				put(kind, id, v)
			}
		case kindAssignment:
			m, _ := r.store.AssignmentsByIDs(ctx, ids)
			for id, v := range m {
				put(kind, id, v)
			}
		case kindUser:
			m, _ := r.store.UsersByIDs(ctx, ids)
			for id, v := range m {
				put(kind, id, v)
			}
		case kindVolunteer:
			m, _ := r.store.VolunteersByIDs(ctx, ids)
			var consents map[int64]*konullu.GuardianConsent
			if r.privacy != nil {
				consents, _ = r.privacy.GuardianConsents(ctx, ids)
			}
			for id, v := range m {
				put(kind, id, struct {
					*konullu.Volunteer
					GuardianConsent *konullu.GuardianConsent `json:",omitempty"`
				}{v, consents[id]})
			}
		}
	}
	return out
}

// auditEntryResolver resolves AuditEntry.
type auditEntryResolver struct {
	scope
	e *konullu.AuditEntry
}

func (a *auditEntryResolver) ID() graphql.ID    { return graphql.ID(strconv.FormatInt(a.e.ID, 10)) }
func (a *auditEntryResolver) At() dateTime      { return dateTime{a.e.At} }
func (a *auditEntryResolver) Action() string    { return a.e.Action }
func (a *auditEntryResolver) Arguments() string { return string(a.e.Arguments) }
func (a *auditEntryResolver) RequestID() string { return a.e.RequestID }

func (a *auditEntryResolver) ActorRoles() []string {
	out := make([]string, len(a.e.ActorRoles))
	for i, r := range a.e.ActorRoles {
		out[i] = string(r)
	}
	return out
}

// Actor is the user who acted; null once their account is deleted.
func (a *auditEntryResolver) Actor(ctx context.Context) (*userResolver, error) {
	if a.e.ActorUserID == 0 {
		return nil, nil
	}
	return a.r.userByID(ctx, a.e.ActorUserID)
}

func (a *auditEntryResolver) Changes() []*auditChangeResolver {
	out := make([]*auditChangeResolver, len(a.e.Changes))
	for i := range a.e.Changes {
		out[i] = &auditChangeResolver{a.e.Changes[i]}
	}
	return out
}

// auditChangeResolver resolves AuditChange.
type auditChangeResolver struct{ c konullu.AuditChange }

func (c *auditChangeResolver) Kind() string         { return c.c.Kind }
func (c *auditChangeResolver) ObjectID() graphql.ID { return globalID(c.c.Kind, c.c.ID) }
func (c *auditChangeResolver) Before() *string      { return rawString(c.c.Before) }
func (c *auditChangeResolver) After() *string       { return rawString(c.c.After) }
func rawString(r json.RawMessage) *string {
	if len(r) == 0 {
		return nil
	}
	s := string(r)
	return &s
}

// AuditLog resolves Query.auditLog.
func (r *root) AuditLog(ctx context.Context, args struct {
	ActorID  *graphql.ID
	Action   *string
	ObjectID *graphql.ID
	From, To *dateTime
	First    *int32
	After    *string
}) ([]*auditEntryResolver, error) {
	// AUTHZ: only admins read the audit trail.
	if err := requireAdmin(ctx); err != nil {
		return nil, err
	}
	if r.audit == nil {
		return nil, &konullu.Error{Code: konullu.EUNAVAILABLE, Message: "the audit trail is not kept by this server"}
	}
	f := konullu.AuditFilter{Limit: defaultPageSize}
	if args.First != nil {
		if *args.First < 0 || *args.First > maxPageSize {
			return nil, konullu.Invalid("first", "must be between 0 and %d", maxPageSize)
		}
		f.Limit = int(*args.First)
	}
	if args.ActorID != nil {
		id, err := parseID("actorId", kindUser, *args.ActorID)
		if err != nil {
			return nil, err
		}
		f.ActorUserID = id
	}
	if args.Action != nil {
		f.Action = *args.Action
	}
	if args.ObjectID != nil {
		kind, id, err := parseGlobalID("objectId", *args.ObjectID)
		if err != nil {
			return nil, err
		}
		f.Kind, f.ObjectID = kind, id
	}
	if args.From != nil {
		f.From = args.From.Time
	}
	if args.To != nil {
		f.To = args.To.Time
	}
	if args.After != nil {
		n, err := strconv.ParseInt(*args.After, 10, 64)
		if err != nil || n <= 0 {
			return nil, konullu.Invalid("after", "not a cursor of the audit log")
		}
		f.Before = n
	}
	out := []*auditEntryResolver{}
	if f.Limit == 0 {
		return out, nil
	}
	list, err := r.audit.AuditEntries(ctx, f)
	if err != nil {
		return nil, err
	}
	for _, e := range list {
		out = append(out, &auditEntryResolver{r.scope(), e})
	}
	return out, nil
}
