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
	"github.com/graph-gophers/graphql-go/introspection"
	"github.com/graph-gophers/graphql-go/trace/tracer"

	"github.com/konullu/konullu"
)

// The audit trail is kept in one place for every mutation, present and
// future: a tracer around the fields of the Mutation type, so that it
// records what graphql-go executes, whoever asks (volunteers, coordinators,
// staff, admins, and anonymous callers of register and login). It reads
// every object the arguments name by id and writes the entry ahead, before
// the resolver runs: who, what (arguments with secrets hidden), when, the
// objects as they were, and the outcome PENDING. When that entry cannot be
// written (nor the objects read), the resolver does not run: the field
// fails with UNAVAILABLE (database out of reach) or INTERNAL, so no change
// goes unrecorded. After the resolver the entry is completed: DONE with each
// object's state after (objects a resolver creates are reported by
// auditCreated, the account a sign-in opens by auditActor), or FAILED with
// the error's code. An entry the process did not live to complete stays
// PENDING: the action was attempted and its end is unknown.
//
// graphql-go calls the tracer before every resolver and skips the resolver
// when the context it returns is cancelled; the finish function then gets
// the field's error, which the tracer gives the reason, so that the central
// error mapping (convertErrors) answers with its code.

// auditRecorder is the audit state of one request.
type auditRecorder struct {
	viewer    *konullu.Viewer
	requestID string
	mu        sync.Mutex
	created   []auditObject // reported by resolvers of the field running now
	actor     int64         // the account a sign-in of the field running now opened
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

// auditActor tells the audit trail who an anonymous request turned out to
// be: the account that register or login signed in.
func auditActor(ctx context.Context, userID int64) {
	rec, _ := ctx.Value(auditKey).(*auditRecorder)
	if rec == nil {
		return
	}
	rec.mu.Lock()
	defer rec.mu.Unlock()
	rec.actor = userID
}

// errAuditUnwritten is why a mutation did not run: its audit entry could not
// be written ahead. It wraps the cause, so that a database out of reach is
// answered UNAVAILABLE; anything else is INTERNAL (only the log learns why).
type errAuditUnwritten struct{ err error }

func (e *errAuditUnwritten) Error() string {
	return "audit trail: the entry could not be written ahead, so the action did not run: " + e.err.Error()
}

func (e *errAuditUnwritten) Unwrap() error { return e.err }

// apiTracer is the schema's tracer: the read-only guard of GET requests,
// the check that graphql-go runs what the limits read, then the audit trail
// of mutations.
type apiTracer struct {
	readOnlyGuard
	r *root
}

// TraceQuery runs before graphql-go executes an operation: one the limits
// did not read (another name or other variables) runs nothing.
func (t apiTracer) TraceQuery(ctx context.Context, queryString, operationName string, variables map[string]any,
	varTypes map[string]*introspection.Type) (context.Context, tracer.QueryFinishFunc) {
	ctx, finish := t.readOnlyGuard.TraceQuery(ctx, queryString, operationName, variables, varTypes)
	if c, _ := ctx.Value(checkedKey{}).(*checkedOperation); c == nil || !c.admitOperation(operationName, varTypes) {
		stopped, cancel := context.WithCancelCause(ctx)
		cancel(errNotAsChecked)
		return stopped, finish
	}
	return ctx, finish
}

func (t apiTracer) TraceField(ctx context.Context, label, typeName, fieldName string, trivial bool, args map[string]any) (context.Context, tracer.FieldFinishFunc) {
	ctx, finish := t.readOnlyGuard.TraceField(ctx, label, typeName, fieldName, trivial, args)
	if ctx.Err() != nil {
		return ctx, finish
	}
	if c, _ := ctx.Value(checkedKey{}).(*checkedOperation); c == nil || !c.admitField(typeName, fieldName) {
		// graphql-go is about to run a field the limits did not count: it
		// would escape the budget, the cost limit and perhaps the audit.
		t.r.log.WarnContext(ctx, "graphql: a field the limits did not read was refused", "request_id", RequestID(ctx),
			"type", typeName, "field", fieldName)
		return refuseField(ctx, finish, errNotAsChecked, "not run: "+errNotAsChecked.Message)
	}
	if sharedFieldRefused(ctx, typeName, fieldName) {
		// An answer shared by a rights class may hold only fields whose
		// value is the same for the whole class (fanout.go).
		t.r.log.WarnContext(ctx, "graphql: a field outside a shared live answer was refused", "request_id", RequestID(ctx),
			"type", typeName, "field", fieldName)
		return refuseField(ctx, finish, errNotAsChecked, "not run: "+errNotAsChecked.Message)
	}
	if kioskFrom(ctx) != nil && !kioskMayRun(typeName, fieldName) {
		// AUTHZ: a kiosk token opens kioskCode and nothing else.
		return refuseField(ctx, finish, errKioskOnly, errKioskOnly.Message)
	}
	rec, _ := ctx.Value(auditKey).(*auditRecorder)
	if typeName != "Mutation" || strings.HasPrefix(fieldName, "__") || t.r.audit == nil {
		return ctx, finish
	}
	if rec == nil { // every request the handler runs has one; anything else must not change data unrecorded
		return refuseField(ctx, finish, errNotAsChecked, "not run: no audit trail")
	}
	targets := auditTargets(args)
	rec.mu.Lock()
	rec.created, rec.actor = nil, 0
	rec.mu.Unlock()

	// Write ahead: the entry exists, PENDING, before anything changes.
	before, err := t.r.snapshots(ctx, targets)
	e := &konullu.AuditEntry{
		ActorUserID: rec.viewer.UserID,
		ActorRoles:  rec.viewer.Roles,
		Action:      fieldName,
		Arguments:   auditArguments(args),
		RequestID:   rec.requestID,
		Outcome:     konullu.AuditPending,
	}
	for _, o := range targets {
		if b := before[o]; b != nil {
			e.Changes = append(e.Changes, konullu.AuditChange{Kind: o.kind, ID: o.id, Before: b})
		}
	}
	if err == nil {
		err = t.r.audit.RecordAudit(ctx, e)
	}
	if err != nil {
		// The action must not run unrecorded.
		refused := &errAuditUnwritten{err}
		t.r.log.ErrorContext(ctx, "audit trail: entry not written ahead; the action did not run",
			"request_id", rec.requestID, "action", fieldName, "error", err.Error())
		return refuseField(ctx, finish, refused, "audit trail unavailable")
	}
	if t.r.observer != nil {
		t.r.observer.Audited()
	}

	return ctx, func(qe *gqlerrors.QueryError) {
		finish(qe)
		rec.mu.Lock()
		created, actor := rec.created, rec.actor
		rec.created, rec.actor = nil, 0
		rec.mu.Unlock()
		all := append(slices.Clone(targets), created...)
		done := &konullu.AuditEntry{ID: e.ID, Outcome: konullu.AuditDone}
		if e.ActorUserID == 0 {
			done.ActorUserID = actor
		}
		if qe != nil {
			done.Outcome, done.ErrorCode = konullu.AuditFailed, t.r.auditErrorCode(qe)
		}
		after, err := t.r.snapshots(context.WithoutCancel(ctx), all)
		if err != nil {
			// The after state is unknown: keep the objects as written ahead,
			// and name the created ones.
			t.r.log.ErrorContext(ctx, "audit trail: objects not read after the action", "request_id", rec.requestID,
				"action", fieldName, "audit_id", e.ID, "error", err.Error())
			done.Changes = slices.Clone(e.Changes)
			for _, o := range created {
				if before[o] == nil {
					done.Changes = append(done.Changes, konullu.AuditChange{Kind: o.kind, ID: o.id})
				}
			}
		} else {
			done.Changes = auditChanges(all, before, after, qe == nil)
		}
		if err := t.r.audit.CompleteAudit(context.WithoutCancel(ctx), done); err != nil {
			// The entry stays PENDING: attempted, end unknown.
			t.r.log.ErrorContext(ctx, "audit trail: entry not completed; it stays PENDING", "request_id", rec.requestID,
				"action", fieldName, "audit_id", e.ID, "outcome", string(done.Outcome), "error", err.Error())
		}
	}
}

// refuseField keeps a field's resolver from running: graphql-go skips the
// resolver when the context the tracer returns is cancelled, and the finish
// function gives the field's error its reason, so that the central error
// mapping (convertErrors) answers with its code.
func refuseField(ctx context.Context, finish tracer.FieldFinishFunc, reason error, message string) (context.Context, tracer.FieldFinishFunc) {
	stopped, cancel := context.WithCancelCause(ctx)
	cancel(reason)
	return stopped, func(qe *gqlerrors.QueryError) {
		if qe != nil && qe.ResolverError == nil && qe.Extensions == nil {
			qe.ResolverError, qe.Err, qe.Message = reason, reason, message
		}
		finish(qe)
	}
}

// auditChanges lists the objects of a completed action with their states.
// A done action lists the objects it changed, created or deleted, not those
// it named and left as they were (the centre a shift belongs to, say); a
// failed one keeps every object it named, with no after state unless it
// changed anyway.
func auditChanges(all []auditObject, before, after map[auditObject]json.RawMessage, done bool) []konullu.AuditChange {
	var out []konullu.AuditChange
	for _, o := range all {
		b, a := before[o], after[o]
		switch {
		case b == nil && a == nil:
			continue
		case b != nil && bytes.Equal(b, a):
			if done {
				continue
			}
			a = nil
		}
		out = append(out, konullu.AuditChange{Kind: o.kind, ID: o.id, Before: b, After: a})
	}
	return out
}

// auditErrorCode is the code a failed field is answered with (never its message).
func (r *root) auditErrorCode(qe *gqlerrors.QueryError) string {
	if qe.ResolverError != nil {
		if ue := r.asUnavailable(qe.ResolverError); ue != nil {
			return ue.Code
		}
		if code := konullu.ErrorCode(qe.ResolverError); code != "" {
			return code
		}
		return konullu.EINTERNAL
	}
	if code, ok := qe.Extensions["code"].(string); ok && code != "" {
		return code // a panic, made by panicHandler
	}
	return konullu.EINTERNAL
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

// hiddenArgument is what the audit trail keeps of a secret argument's value.
const hiddenArgument = "(hidden)"

// secretArgument tells, by its name alone, whether an argument or input
// field holds a secret: a password (changePassword's current and new too),
// a token, a secret, a code. The rule is on names so that mutations added
// later are covered without a list to keep up; it rather hides too much.
func secretArgument(name string) bool {
	n := strings.ToLower(name)
	for _, s := range []string{"password", "passwd", "passphrase", "token", "secret", "code", "otp", "apikey", "api_key"} {
		if strings.Contains(n, s) {
			return true
		}
	}
	switch n {
	case "current", "new", "old", "pin", "key":
		return true
	}
	return false
}

func withoutSecrets(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			if secretArgument(k) {
				out[k] = hiddenArgument
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
// Objects of kinds it cannot read, and objects that do not exist, are left
// out; the error is the first read that failed.
func (r *root) snapshots(ctx context.Context, objs []auditObject) (map[auditObject]json.RawMessage, error) {
	byKind := map[string][]int64{}
	for _, o := range objs {
		byKind[o.kind] = append(byKind[o.kind], o.id)
	}
	snap := &snapshotSet{out: map[auditObject]json.RawMessage{}}
	for kind, ids := range byKind {
		switch kind {
		case kindCentre:
			m, err := r.store.CentresByIDs(ctx, ids)
			putAll(snap, kind, m, err)
			r.dayTemplateSnapshots(ctx, snap, m)
		case kindPosition:
			m, err := r.store.PositionsByIDs(ctx, ids)
			putAll(snap, kind, m, err)
		case kindShift:
			m, err := r.store.ShiftsByIDs(ctx, ids)
			putAll(snap, kind, m, err)
		case kindAssignment:
			m, err := r.store.AssignmentsByIDs(ctx, ids)
			putAll(snap, kind, m, err)
		case kindUser:
			m, err := r.store.UsersByIDs(ctx, ids)
			putAll(snap, kind, m, err)
		case kindRosterPlan:
			r.rosterSnapshots(ctx, snap, ids)
		case kindCohort, kindApplication:
			r.intakeSnapshots(ctx, snap, kind, ids)
		case kindKiosk:
			if r.presence != nil {
				for _, id := range ids {
					k, err := r.presence.Kiosk(ctx, id)
					if konullu.ErrorCode(err) != konullu.ENOTFOUND {
						snap.failed(err)
					}
					if k != nil {
						snap.put(kind, id, k)
					}
				}
			}
		case kindHourCorrection, kindRecommendationLetter:
			r.mentoringSnapshots(ctx, snap, kind, ids)
		case kindQualification, kindCourse:
			r.qualificationSnapshots(ctx, snap, kind, ids)
		case kindVolunteer:
			m, err := r.store.VolunteersByIDs(ctx, ids)
			snap.failed(err)
			var consents map[int64]*konullu.GuardianConsent
			if r.privacy != nil {
				consents, err = r.privacy.GuardianConsents(ctx, ids)
				snap.failed(err)
			}
			for id, v := range m {
				snap.put(kind, id, struct {
					*konullu.Volunteer
					GuardianConsent *konullu.GuardianConsent `json:",omitempty"`
				}{v, consents[id]})
			}
		}
	}
	return snap.out, snap.err
}

// snapshotSet collects objects as JSON and the first read that failed.
type snapshotSet struct {
	out map[auditObject]json.RawMessage
	err error
}

func (s *snapshotSet) put(kind string, id int64, v any) {
	if b, err := json.Marshal(v); err == nil {
		s.out[auditObject{kind, id}] = b
	}
}

func (s *snapshotSet) failed(err error) {
	if err != nil && s.err == nil {
		s.err = err
	}
}

// putAll adds what one read returned.
func putAll[V any](s *snapshotSet, kind string, m map[int64]V, err error) {
	s.failed(err)
	for id, v := range m {
		s.put(kind, id, v)
	}
}

// auditEntryResolver resolves AuditEntry.
type auditEntryResolver struct {
	scope
	e      *konullu.AuditEntry
	labels *auditLabels // of the page the entry belongs to
}

func (a *auditEntryResolver) ID() graphql.ID    { return graphql.ID(strconv.FormatInt(a.e.ID, 10)) }
func (a *auditEntryResolver) At() dateTime      { return dateTime{a.e.At} }
func (a *auditEntryResolver) Action() string    { return a.e.Action }
func (a *auditEntryResolver) Arguments() string { return string(a.e.Arguments) }
func (a *auditEntryResolver) RequestID() string { return a.e.RequestID }

// Outcome is DONE for entries written before outcomes were kept.
func (a *auditEntryResolver) Outcome() string {
	if a.e.Outcome == "" {
		return string(konullu.AuditDone)
	}
	return string(a.e.Outcome)
}

func (a *auditEntryResolver) ErrorCode() *string {
	if a.e.ErrorCode == "" {
		return nil
	}
	return &a.e.ErrorCode
}

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
	ActorID   *graphql.ID
	Action    *string
	ObjectID  *graphql.ID
	ObjectIDs *[]graphql.ID
	From, To  *dateTime
	First     *int32
	After     *string
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
	if args.ObjectIDs != nil {
		if len(*args.ObjectIDs) > maxPageSize {
			return nil, konullu.Invalid("objectIds", "at most %d objects", maxPageSize)
		}
		for _, gid := range *args.ObjectIDs {
			kind, id, err := parseGlobalID("objectIds", gid)
			if err != nil {
				return nil, err
			}
			f.Objects = append(f.Objects, konullu.AuditObjectRef{Kind: kind, ID: id, Named: string(globalID(kind, id))})
		}
		if len(f.Objects) == 0 {
			return []*auditEntryResolver{}, nil // none of no objects
		}
	}
	if args.From != nil && args.To != nil && !args.To.Time.After(args.From.Time) {
		return nil, konullu.Invalid("to", "must be after from")
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
	labels := &auditLabels{r: r, entries: list}
	for _, e := range list {
		out = append(out, &auditEntryResolver{r.scope(), e, labels})
	}
	return out, nil
}
