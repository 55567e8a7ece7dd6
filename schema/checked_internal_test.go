package schema

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/konullu/konullu"
	"github.com/konullu/konullu/store"
	"github.com/konullu/konullu/store/storetest"
)

// The tracer holds graphql-go to what the limits read, whatever made the two
// parsers disagree: here the disagreement is made on purpose, by executing
// another document than the one the limits read.
func TestExecutionHeldToWhatWasRead(t *testing.T) {
	db := storetest.Open(t, store.Options{})
	h := NewHandler(Config{Store: db, Argon2: konullu.Argon2Params{Time: 1, Memory: 64, Threads: 1}}).(*handler)
	run := func(read, runs string) (*checkedOperation, []string, []*konullu.AuditEntry) {
		t.Helper()
		before, _ := db.AuditEntries(context.Background(), konullu.AuditFilter{})
		a, err := h.limits.check(read, "", nil)
		if err != nil {
			t.Fatalf("%s: %v", read, err)
		}
		c := a.checked()
		ctx := context.WithValue(context.Background(), checkedKey{}, c)
		ctx = context.WithValue(ctx, loadersKey, newLoaders(db, db))
		ctx = context.WithValue(ctx, auditKey, &auditRecorder{viewer: konullu.ViewerFrom(ctx), requestID: "test"})
		res := h.schema.Exec(ctx, runs, "", nil)
		var codes []string
		for _, qe := range res.Errors {
			var de *konullu.Error
			switch {
			case errors.As(qe.ResolverError, &de):
				codes = append(codes, de.Code+":"+de.Field)
			default:
				codes = append(codes, qe.Message)
			}
		}
		after, _ := db.AuditEntries(context.Background(), konullu.AuditFilter{})
		return c, codes, after[:len(after)-len(before)]
	}

	// A field beyond those counted is refused, and so is everything after it.
	c, codes, audited := run(`mutation { logout }`, `mutation { logout b: logout c: login(email: "a@b.az", password: "x") { token } }`)
	if !c.refused.Load() || strings.Join(codes, ",") != "UNAUTHENTICATED:,INVALID_INPUT:query,INVALID_INPUT:query" {
		t.Errorf("extra fields: refused %v, errors %q", c.refused.Load(), codes)
	}
	if len(audited) != 1 || audited[0].Action != "logout" || audited[0].Outcome != konullu.AuditFailed {
		t.Errorf("extra fields: audited %s", mustMarshal(audited))
	}

	// A mutation where the limits read a query runs nothing.
	c, codes, audited = run(`{ centres { id } }`, `mutation { login(email: "a@b.az", password: "x") { token } }`)
	if !c.refused.Load() || strings.Join(codes, ",") != "INVALID_INPUT:query" || len(audited) != 0 {
		t.Errorf("mutation read as a query: refused %v, errors %q, audited %d", c.refused.Load(), codes, len(audited))
	}

	// Another operation, or other variables, than the limits read: nothing runs.
	for _, tc := range [][2]string{
		{`query A { centres { id } }`, `query B { centres { id } }`},
		{`query($a: Boolean = true) { centres @include(if: $a) { id } }`, `query($b: Boolean = true) { centres @include(if: $b) { id } }`},
		{`mutation A { logout }`, `mutation B { logout }`},
	} {
		c, codes, audited = run(tc[0], tc[1])
		if !c.refused.Load() || len(codes) != 1 || !strings.Contains(codes[0], "cancel") || len(audited) != 0 {
			t.Errorf("%s run as %s: refused %v, errors %q, audited %d", tc[0], tc[1], c.refused.Load(), codes, len(audited))
		}
	}

	// What was read runs.
	c, codes, audited = run(`mutation { ... on Mutation { logout } }`, `mutation { ... on Mutation { logout } }`)
	if c.refused.Load() || strings.Join(codes, ",") != "UNAUTHENTICATED:" || len(audited) != 1 {
		t.Errorf("as read: refused %v, errors %q, audited %d", c.refused.Load(), codes, len(audited))
	}
}

// Secret arguments are hidden by their names, at any depth, so that
// mutations added later (changePassword(current, new), resetPassword(token,
// password)) never store one.
func TestAuditHidesSecretsByName(t *testing.T) {
	args := map[string]any{
		"current": "old pw", "new": "new pw", "password": "pw", "token": "tok-value", "code": "ABCDE-12345",
		"input": map[string]any{"newPassword": "x1", "resetToken": "x2", "clientSecret": "x3", "verificationCode": "x4",
			"list": []any{map[string]any{"Password": "x5"}}, "note": "kept", "email": "kept@example.az"},
		"reason": "kept too",
	}
	got := string(auditArguments(args))
	for _, secret := range []string{"old pw", "new pw", `"pw"`, "tok-value", "ABCDE", "x1", "x2", "x3", "x4", "x5"} {
		if strings.Contains(got, secret) {
			t.Errorf("%q reached the trail: %s", secret, got)
		}
	}
	for _, kept := range []string{`"note":"kept"`, "kept@example.az", "kept too", `"current":"(hidden)"`, `"new":"(hidden)"`} {
		if !strings.Contains(got, kept) {
			t.Errorf("%q is missing: %s", kept, got)
		}
	}
}

func mustMarshal(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
