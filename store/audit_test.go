package store_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/konullu/konullu"
)

// An entry written ahead (PENDING) and completed: the outcome, the after
// state of the objects, the created ones added, the unchanged ones dropped,
// and the before state kept as written ahead.
func TestCompleteAudit(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	pending := func(action string) *konullu.AuditEntry {
		e := &konullu.AuditEntry{ActorUserID: 7, ActorRoles: []konullu.Role{konullu.RoleCoordinator}, Action: action,
			Arguments: json.RawMessage(`{"id":"x"}`), RequestID: "req-" + action, Outcome: konullu.AuditPending,
			Changes: []konullu.AuditChange{
				{Kind: "Shift", ID: 1, Before: json.RawMessage(`{"status":"PUBLISHED"}`)},
				{Kind: "Centre", ID: 1, Before: json.RawMessage(`{"name":"ASAN"}`)},
			}}
		if err := f.db.RecordAudit(ctx, e); err != nil {
			t.Fatal(err)
		}
		return e
	}
	get := func(id int64) *konullu.AuditEntry {
		t.Helper()
		list, err := f.db.AuditEntries(ctx, konullu.AuditFilter{})
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range list {
			if e.ID == id {
				return e
			}
		}
		t.Fatalf("no entry %d in %v", id, list)
		return nil
	}

	left := pending("cancelShift")
	if e := get(left.ID); e.Outcome != konullu.AuditPending || e.ErrorCode != "" || len(e.Changes) != 2 || e.Changes[0].After != nil {
		t.Fatalf("pending: %+v", e)
	}

	done := pending("cancelShift")
	err := f.db.CompleteAudit(ctx, &konullu.AuditEntry{ID: done.ID, Outcome: konullu.AuditDone, Changes: []konullu.AuditChange{
		{Kind: "Shift", ID: 1, Before: json.RawMessage(`{"status":"ignored"}`), After: json.RawMessage(`{"status":"CANCELLED"}`)},
		{Kind: "Shift", ID: 2, After: json.RawMessage(`{"status":"DRAFT"}`)},
	}})
	if err != nil {
		t.Fatal(err)
	}
	e := get(done.ID)
	if e.Outcome != konullu.AuditDone || e.ErrorCode != "" || len(e.Changes) != 2 {
		t.Fatalf("done: %+v", e)
	}
	if c := e.Changes[0]; c.Kind != "Shift" || c.ID != 1 || string(c.Before) != `{"status":"PUBLISHED"}` || string(c.After) != `{"status":"CANCELLED"}` {
		t.Errorf("changed: %+v", c)
	}
	if c := e.Changes[1]; c.ID != 2 || c.Before != nil || string(c.After) != `{"status":"DRAFT"}` {
		t.Errorf("created: %+v", c)
	}

	failed := pending("cancelShift")
	err = f.db.CompleteAudit(ctx, &konullu.AuditEntry{ID: failed.ID, Outcome: konullu.AuditFailed, ErrorCode: konullu.EFORBIDDEN,
		Changes: failed.Changes})
	if err != nil {
		t.Fatal(err)
	}
	if e := get(failed.ID); e.Outcome != konullu.AuditFailed || e.ErrorCode != konullu.EFORBIDDEN || len(e.Changes) != 2 ||
		e.Changes[0].After != nil || e.Changes[1].After != nil {
		t.Fatalf("failed: %+v", e)
	}

	// Entries recorded without an outcome are DONE; an unknown entry is an error.
	plain := &konullu.AuditEntry{Action: "grantRole"}
	if err := f.db.RecordAudit(ctx, plain); err != nil || get(plain.ID).Outcome != konullu.AuditDone {
		t.Fatalf("plain: %v", err)
	}
	if err := f.db.CompleteAudit(ctx, &konullu.AuditEntry{ID: 424242, Outcome: konullu.AuditDone}); err == nil {
		t.Error("completed an entry that does not exist")
	}
	if e := get(left.ID); e.Outcome != konullu.AuditPending {
		t.Errorf("the entry left pending changed: %+v", e)
	}
}

// Migration 6 keeps the entries written before it as DONE, and its Down
// section undoes it.
func TestAuditOutcomeMigration(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	if err := f.db.MigrateDownTo(ctx, 5); err != nil {
		t.Fatalf("down to 5: %v", err)
	}
	if err := f.db.Exec(`INSERT INTO audit_log (at, actor_user_id, actor_roles, action, arguments, request_id) VALUES (?, 1, '["ADMIN"]', 'grantRole', '{}', 'old')`,
		monday); err != nil {
		t.Fatal(err)
	}
	if err := f.db.Exec(`UPDATE audit_log SET outcome = 'DONE'`); err == nil {
		t.Error("the outcome column outlived the Down section")
	}
	if err := f.db.Migrate(ctx); err != nil {
		t.Fatalf("up again: %v", err)
	}
	list, err := f.db.AuditEntries(ctx, konullu.AuditFilter{})
	if err != nil || len(list) != 1 || list[0].Outcome != konullu.AuditDone || list[0].ErrorCode != "" {
		t.Fatalf("old entry: %+v %v", list, err)
	}
	if err := f.db.Exec(`UPDATE audit_log SET outcome = 'MAYBE'`); err == nil {
		t.Error("an outcome that does not exist was accepted")
	}
}
