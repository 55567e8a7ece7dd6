package schema_test

import (
	"context"
	"database/sql/driver"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/konullu/konullu"
	"github.com/konullu/konullu/schema"
	"github.com/konullu/konullu/store"
	"github.com/konullu/konullu/store/storetest"
)

// auditLogEntry is an entry of Query.auditLog as a test reads it.
type auditLogEntry struct {
	Action, Arguments, RequestID string
	Outcome                      string
	ErrorCode                    *string
	Actor                        *struct{ Email string }
	Changes                      []struct {
		Kind, ObjectID string
		Before, After  *string
	}
}

const auditLogQuery = `query($o: ID, $a: String) { auditLog(objectId: $o, action: $a) {
	action arguments requestId outcome errorCode actor { email } changes { kind objectId before after } } }`

func (e *env) auditLog(t *testing.T, admin string, vars map[string]any) []auditLogEntry {
	t.Helper()
	var out struct{ AuditLog []auditLogEntry }
	e.post(admin, auditLogQuery, vars).ok(t, &out)
	return out.AuditLog
}

// auditFixture is a coordinator of one centre, with a shift there and one
// at another centre.
type auditFixture struct {
	*env
	coord, admin    string
	coordID         int64
	mine, others    *konullu.Shift
	centre, another *konullu.Centre
}

func newAuditFixture(t *testing.T, set func(*schema.Config)) *auditFixture {
	t.Helper()
	e := newHardEnv(t, set, nil)
	f := &auditFixture{env: e}
	f.centre = e.centre("Bakı ASAN 1", "Asia/Baku")
	f.another = e.centre("Gəncə ASAN", "Asia/Baku")
	p := e.position("Reception guide")
	f.mine = e.shift(f.centre, p, t0.Add(48*time.Hour), 3, true)
	f.others = e.shift(f.another, p, t0.Add(48*time.Hour), 3, true)
	u := e.account("coord@konullu.az", "Coordinator")
	f.coordID = u.ID
	e.grant(u, konullu.RoleCoordinator, f.centre.ID)
	f.coord = e.login("coord@konullu.az")
	f.admin = e.admin()
	return f
}

func (f *auditFixture) shiftStatus(t *testing.T, s *konullu.Shift) konullu.ShiftStatus {
	t.Helper()
	m, err := f.db.ShiftsByIDs(context.Background(), []int64{s.ID})
	if err != nil || m[s.ID] == nil {
		t.Fatalf("shift %d: %v", s.ID, err)
	}
	return m[s.ID].Status
}

const cancelShift = `mutation($s: ID!) { cancelShift(id: $s, reason: "flooded") { status } }`

func TestAuditOutcomes(t *testing.T) {
	f := newAuditFixture(t, nil)

	// Done: one entry, with the shift before and after.
	f.post(f.coord, cancelShift, map[string]any{"s": gid("Shift", f.mine.ID)}).ok(t, nil)
	log := f.auditLog(t, f.admin, map[string]any{"o": gid("Shift", f.mine.ID)})
	if len(log) != 1 {
		t.Fatalf("entries of the cancelled shift: %+v", log)
	}
	done := log[0]
	if done.Action != "cancelShift" || done.Outcome != "DONE" || done.ErrorCode != nil || done.RequestID == "" ||
		done.Actor == nil || done.Actor.Email != "coord@konullu.az" || len(done.Changes) != 1 {
		t.Fatalf("done: %+v", done)
	}
	if ch := done.Changes[0]; ch.Kind != "Shift" || ch.Before == nil || ch.After == nil ||
		!strings.Contains(*ch.Before, `"Status":"PUBLISHED"`) || !strings.Contains(*ch.After, `"Status":"CANCELLED"`) {
		t.Errorf("done change: %+v", ch)
	}

	// Forbidden: recorded FAILED with the code, the shift as it was and no after.
	r := f.post(f.coord, cancelShift, map[string]any{"s": gid("Shift", f.others.ID)})
	code := r.code()
	if code != konullu.EFORBIDDEN && code != konullu.ENOTFOUND {
		t.Fatalf("cancel another centre's shift: %s", r.Body)
	}
	if f.shiftStatus(t, f.others) != konullu.ShiftPublished {
		t.Fatal("the other centre's shift was cancelled")
	}
	log = f.auditLog(t, f.admin, map[string]any{"o": gid("Shift", f.others.ID)})
	if len(log) != 1 {
		t.Fatalf("entries of the other shift: %+v", log)
	}
	failed := log[0]
	if failed.Action != "cancelShift" || failed.Outcome != "FAILED" || failed.ErrorCode == nil || *failed.ErrorCode != code ||
		len(failed.Changes) != 1 {
		t.Fatalf("failed: %+v", failed)
	}
	if ch := failed.Changes[0]; ch.Before == nil || ch.After != nil || !strings.Contains(*ch.Before, `"Status":"PUBLISHED"`) {
		t.Errorf("failed change: %+v", ch)
	}
	if strings.Contains(string(mustJSON(failed)), "not allowed") {
		t.Errorf("the error's message reached the trail: %+v", failed)
	}

	// Bad input the resolver refuses: FAILED, INVALID_INPUT, nothing named.
	f.post(f.coord, `mutation { cancelShift(id: "nonsense", reason: "x") { status } }`, nil).wantError(t, konullu.EINVALID, "id")
	// Input the executor refuses never reaches the resolver: nothing to record.
	f.post(f.coord, `mutation { cancelShift(reason: "x") { status } }`, nil).wantError(t, konullu.EINVALID, "")
	all := f.auditLog(t, f.admin, map[string]any{"a": "cancelShift"})
	if len(all) != 3 || all[0].Outcome != "FAILED" || all[0].ErrorCode == nil || *all[0].ErrorCode != konullu.EINVALID ||
		len(all[0].Changes) != 0 {
		t.Fatalf("cancelShift entries: %+v", all)
	}
	for _, en := range all {
		if en.Outcome == "PENDING" {
			t.Errorf("an entry was left pending: %+v", en)
		}
	}
}

// An entry written ahead whose action never completed (the process died)
// stays PENDING and admins read it.
func TestAuditPendingReadable(t *testing.T) {
	f := newAuditFixture(t, nil)
	pending := &konullu.AuditEntry{ActorUserID: 0, ActorRoles: []konullu.Role{konullu.RoleCoordinator}, Action: "cancelShift",
		Arguments: json.RawMessage(`{"id":"x"}`), RequestID: "req-died", Outcome: konullu.AuditPending,
		Changes: []konullu.AuditChange{{Kind: "Shift", ID: f.mine.ID, Before: json.RawMessage(`{"Status":"PUBLISHED"}`)}}}
	if err := f.db.RecordAudit(context.Background(), pending); err != nil {
		t.Fatal(err)
	}
	log := f.auditLog(t, f.admin, map[string]any{"o": gid("Shift", f.mine.ID)})
	if len(log) != 1 || log[0].Outcome != "PENDING" || log[0].ErrorCode != nil || log[0].RequestID != "req-died" ||
		len(log[0].Changes) != 1 || log[0].Changes[0].Before == nil || log[0].Changes[0].After != nil {
		t.Fatalf("pending: %+v", log)
	}
}

// flakyAudit is an audit store whose writes fail on demand.
type flakyAudit struct {
	konullu.AuditStore
	mu                    sync.Mutex
	recordErr, finishErr  error
	recorded, completions int
}

func (a *flakyAudit) RecordAudit(ctx context.Context, e *konullu.AuditEntry) error {
	a.mu.Lock()
	err := a.recordErr
	a.recorded++
	a.mu.Unlock()
	if err != nil {
		return err
	}
	return a.AuditStore.RecordAudit(ctx, e)
}

func (a *flakyAudit) CompleteAudit(ctx context.Context, e *konullu.AuditEntry) error {
	a.mu.Lock()
	err := a.finishErr
	a.completions++
	a.mu.Unlock()
	if err != nil {
		return err
	}
	return a.AuditStore.CompleteAudit(ctx, e)
}

// When the entry cannot be written ahead, the action does not run, and the
// answer is a coded error that tells nothing of the database.
func TestAuditWriteAheadRefuses(t *testing.T) {
	for _, tc := range []struct {
		name   string
		err    error
		code   string
		status int
	}{
		{"DatabaseOutOfReach", fmt.Errorf("store: record audit: %w", driver.ErrBadConn), konullu.EUNAVAILABLE, http.StatusServiceUnavailable},
		{"AnythingElse", errors.New(`store: record audit: SQL logic error: no such table: audit_log (INSERT INTO audit_log ...)`), konullu.EINTERNAL, http.StatusOK},
	} {
		t.Run(tc.name, func(t *testing.T) {
			audit := &flakyAudit{}
			obs := &recordingObserver{}
			f := newAuditFixture(t, func(c *schema.Config) {
				c.Audit, c.Observer, audit.AuditStore = audit, obs, c.Store.(konullu.AuditStore)
			})
			audit.mu.Lock() // signed in (audited too); now the trail breaks
			audit.recordErr, audit.recorded, audit.completions = tc.err, 0, 0
			audit.mu.Unlock()
			obs.mu.Lock()
			obs.audited = 0
			obs.mu.Unlock()
			r := f.post(f.coord, cancelShift, map[string]any{"s": gid("Shift", f.mine.ID)})
			if r.Status != tc.status || r.code() != tc.code || len(r.Errors) != 1 {
				t.Fatalf("want %d %s, got %d: %s", tc.status, tc.code, r.Status, r.Body)
			}
			for _, leak := range []string{"audit_log", "INSERT", "SQL", "bad connection", "store:"} {
				if strings.Contains(string(r.Body), leak) {
					t.Errorf("the answer tells %q: %s", leak, r.Body)
				}
			}
			if f.shiftStatus(t, f.mine) != konullu.ShiftPublished {
				t.Error("the shift was cancelled without an audit entry")
			}
			if audit.completions != 0 || obs.audited != 0 {
				t.Errorf("completions %d, audited %d", audit.completions, obs.audited)
			}
			if !strings.Contains(f.logs.String(), "entry not written ahead") {
				t.Errorf("the log does not say why: %s", f.logs.String())
			}
			// Once the trail can be written again, the action runs and is recorded.
			audit.mu.Lock()
			audit.recordErr = nil
			audit.mu.Unlock()
			f.post(f.coord, cancelShift, map[string]any{"s": gid("Shift", f.mine.ID)}).ok(t, nil)
			if log := f.auditLog(t, f.admin, map[string]any{"a": "cancelShift"}); len(log) != 1 || log[0].Outcome != "DONE" {
				t.Errorf("after recovery: %+v", log)
			}
		})
	}
}

// A closed audit database: the mutation is refused with INTERNAL, not run.
func TestAuditClosedStoreRefuses(t *testing.T) {
	closed := storetest.Open(t, store.Options{})
	closed.Close()
	audit := &flakyAudit{}
	f := newAuditFixture(t, func(c *schema.Config) { c.Audit, audit.AuditStore = audit, c.Store.(konullu.AuditStore) })
	audit.AuditStore = closed // after the fixture's sign-ins
	r := f.post(f.coord, cancelShift, map[string]any{"s": gid("Shift", f.mine.ID)})
	if code := r.code(); code != konullu.EINTERNAL && code != konullu.EUNAVAILABLE {
		t.Fatalf("want INTERNAL or UNAVAILABLE, got %d: %s", r.Status, r.Body)
	}
	if strings.Contains(string(r.Body), "sql") || strings.Contains(string(r.Body), "closed") {
		t.Errorf("the answer tells of the database: %s", r.Body)
	}
	if f.shiftStatus(t, f.mine) != konullu.ShiftPublished {
		t.Error("the shift was cancelled without an audit entry")
	}
	// Each field of a request asks on its own; none runs.
	r = f.post(f.coord, `mutation($s: ID!, $o: ID!) { a: cancelShift(id: $s, reason: "x") { status } b: cancelShift(id: $o, reason: "x") { status } }`,
		map[string]any{"s": gid("Shift", f.mine.ID), "o": gid("Shift", f.others.ID)})
	if len(r.Errors) != 2 || f.shiftStatus(t, f.mine) != konullu.ShiftPublished {
		t.Errorf("two refused fields: %s", r.Body)
	}
}

// When the entry cannot be completed, the action has run and the entry
// stays PENDING: attempted, end unknown.
func TestAuditCompletionFails(t *testing.T) {
	audit := &flakyAudit{}
	f := newAuditFixture(t, func(c *schema.Config) { c.Audit, audit.AuditStore = audit, c.Store.(konullu.AuditStore) })
	audit.mu.Lock()
	audit.finishErr = errors.New("connection reset by peer")
	audit.mu.Unlock()
	f.post(f.coord, cancelShift, map[string]any{"s": gid("Shift", f.mine.ID)}).ok(t, nil)
	if f.shiftStatus(t, f.mine) != konullu.ShiftCancelled {
		t.Fatal("the shift was not cancelled")
	}
	log := f.auditLog(t, f.admin, map[string]any{"a": "cancelShift"})
	if len(log) != 1 || log[0].Outcome != "PENDING" || len(log[0].Changes) != 1 || log[0].Changes[0].Before == nil ||
		log[0].Changes[0].After != nil {
		t.Fatalf("entry: %+v", log)
	}
	if !strings.Contains(f.logs.String(), "stays PENDING") {
		t.Errorf("the log does not say so: %s", f.logs.String())
	}
}

// A created object appears only after: the entry written ahead names none.
func TestAuditCreated(t *testing.T) {
	f := newAuditFixture(t, nil)
	p := f.position("Usher")
	var created struct{ CreateShifts []struct{ ID string } }
	f.post(f.coord, `mutation($c: ID!, $p: ID!) { createShifts(input: {centreId: $c, positionId: $p, startsAt: "2025-03-20T05:00:00Z", endsAt: "2025-03-20T09:00:00Z", capacity: 2}) { id } }`,
		map[string]any{"c": gid("Centre", f.centre.ID), "p": gid("Position", p.ID)}).ok(t, &created)
	log := f.auditLog(t, f.admin, map[string]any{"a": "createShifts"})
	if len(log) != 1 || log[0].Outcome != "DONE" || len(log[0].Changes) != 1 || log[0].Changes[0].ObjectID != created.CreateShifts[0].ID ||
		log[0].Changes[0].Before != nil || log[0].Changes[0].After == nil {
		t.Fatalf("created: %+v", log)
	}
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}
