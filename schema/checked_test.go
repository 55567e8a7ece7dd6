package schema_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/konullu/konullu"
	"github.com/konullu/konullu/schema"
)

// postOperation sends a document with an operationName.
func (e *env) postOperation(token, query, operationName, accept string) *result {
	e.t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "operationName": operationName})
	req := newRequest(http.MethodPost, "/graphql", "application/json", string(body))
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	return e.serve(req)
}

// The limits reader (gqlparser) and graphql-go read some documents
// differently: graphql-go takes any Unicode letter in a name, a byte order
// mark, Go's string escapes. Such a document once skipped the limits and
// ran with no mutation budget and no audit entry. Now anything the reader
// cannot read, or whose operation it cannot tell, is refused before it runs.
func TestUnreadableDocumentsAreRefused(t *testing.T) {
	lim := &countingLimiter{max: map[string]int{}, seen: map[string]int{}}
	f := newAuditFixture(t, func(c *schema.Config) { c.Limiter = lim })
	p := f.position("Usher")
	create := fmt.Sprintf(`createShifts(input: {centreId: %q, positionId: %q, startsAt: "2025-03-20T05:00:00Z", endsAt: "2025-03-20T09:00:00Z", capacity: 2}) { id }`,
		gid("Centre", f.centre.ID), gid("Position", p.ID))
	cancel := fmt.Sprintf(`cancelShift(id: %q, reason: "flooded") { status }`, gid("Shift", f.mine.ID))
	for _, tc := range []struct {
		name, doc, operationName, field string
		located                         bool
	}{
		{"AzerbaijaniAlias", "mutation { ş: " + create + " }", "", "query", true},
		{"CyrillicAlias", "mutation { я: " + cancel + " }", "", "query", true},
		{"KelvinSignAlias", "mutation { \u212aa: " + cancel + " }", "", "query", true},
		{"CombiningMarkAlias", "mutation { a\u0301: " + cancel + " }", "", "query", true},
		{"OperationNameSeki", "mutation Şəki { " + cancel + " }", "Şəki", "query", true},
		{"OperationNameSekiUnnamed", "mutation Şəki { " + cancel + " }", "", "query", true},
		{"NonASCIIAliasInFragmentOnMutation", "mutation { ...M } fragment M on Mutation { ş: " + cancel + " }", "", "query", true},
		{"NonASCIIFragmentName", "mutation { ...Ş } fragment Ş on Mutation { " + cancel + " }", "", "query", true},
		{"NoBreakSpace", "mutation\u00a0{ " + cancel + " }", "", "query", true},
		{"GoStringEscape", strings.Replace("mutation { "+cancel+" }", `"flooded"`, `"\x66looded"`, 1), "", "query", true},
		{"Unterminated", "mutation { " + cancel, "", "query", true},
		{"FragmentsOnly", "fragment M on Mutation { " + cancel + " }", "", "query", false},
		{"TwoAnonymousOperations", "mutation { " + cancel + " } mutation { " + create + " }", "", "operationName", false},
		{"UnnamedAmongNamed", "query A { me { id } } mutation B { " + cancel + " }", "", "operationName", false},
		{"UnknownOperationName", "mutation A { " + cancel + " }", "B", "operationName", false},
		{"NameOfAnAnonymousOperation", "mutation { " + cancel + " }", "A", "operationName", false},
		{"SameNameTwice", "mutation A { " + cancel + " } mutation A { " + create + " }", "A", "operationName", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := f.postOperation(f.coord, tc.doc, tc.operationName, "")
			res.wantError(t, konullu.EINVALID, tc.field)
			if res.Status != http.StatusOK || res.Data != nil || len(res.Errors) != 1 {
				t.Errorf("status %d, want 200 with one error and no data: %s", res.Status, res.Body)
			}
			var raw struct {
				Errors []struct{ Locations []struct{ Line, Column int } }
			}
			json.Unmarshal(res.Body, &raw)
			if located := len(raw.Errors) == 1 && len(raw.Errors[0].Locations) > 0 && raw.Errors[0].Locations[0].Line > 0; located != tc.located {
				t.Errorf("located: %v, want %v: %s", located, tc.located, res.Body)
			}
			if res := f.postOperation(f.coord, tc.doc, tc.operationName, "application/graphql-response+json"); res.Status != http.StatusBadRequest {
				t.Errorf("graphql-response+json: status %d, want 400", res.Status)
			}
		})
	}
	if f.shiftStatus(t, f.mine) != konullu.ShiftPublished {
		t.Error("the shift was cancelled")
	}
	entries, err := f.db.AuditEntries(context.Background(), konullu.AuditFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, en := range entries {
		if en.Action != "login" {
			t.Errorf("an action ran: %+v", en)
		}
	}
	for _, asked := range lim.asked {
		if strings.HasPrefix(asked, schema.RuleMutationUser+"|") {
			t.Errorf("the mutation budget was asked about a refused document: %v", lim.asked)
			break
		}
	}
	// The same actions written so that both parsers read them alike (a
	// leading byte order mark is allowed by both) run, within the budget and audited.
	f.post(f.coord, "\ufeffmutation { "+cancel+" } # ş", nil).ok(t, nil)
	if lim.asked[len(lim.asked)-1] != schema.RuleMutationUser+"|"+fmt.Sprint(f.coordID) {
		t.Errorf("the budget was not charged: %v", lim.asked)
	}
	if f.shiftStatus(t, f.mine) != konullu.ShiftCancelled || len(f.auditLog(t, f.admin, map[string]any{"a": "cancelShift"})) != 1 {
		t.Error("the plain document did not run as it should")
	}
}

// A mutation reached through fragments is counted in the mutation budget
// and audited like any other: the budget is charged for every top-level
// field the limits count, and graphql-go may run no field beyond those.
func TestMutationsThroughFragmentsAreCountedAndAudited(t *testing.T) {
	lim := &countingLimiter{max: map[string]int{schema.RuleMutationUser: 5}, seen: map[string]int{}}
	e := newHardEnv(t, func(c *schema.Config) { c.Limiter = lim }, nil)
	admin := e.admin()
	u := e.account("leyla@example.az", "Leyla")
	token := e.login(u.Email)
	const spread = `mutation { ...P } fragment P on Mutation { a: updateMyProfile(input: {city: "Quba"}) { id } ...Q }
		fragment Q on Mutation { ... on Mutation { b: updateMyProfile(input: {city: "Şəki"}) { id } } }`
	e.post(token, spread, nil).ok(t, nil)
	if got := lim.seen[schema.RuleMutationUser+"|"+fmt.Sprint(u.ID)]; got != 2 {
		t.Errorf("budget charged %d, want 2", got)
	}
	var log struct{ AuditLog []auditLogEntry }
	e.post(admin, auditLogQuery, map[string]any{"a": "updateMyProfile"}).ok(t, &log)
	if len(log.AuditLog) != 2 || log.AuditLog[0].Outcome != "DONE" || !strings.Contains(log.AuditLog[0].Arguments, "Şəki") ||
		log.AuditLog[0].Actor == nil || log.AuditLog[0].Actor.Email != "leyla@example.az" || !strings.Contains(log.AuditLog[1].Arguments, "Quba") {
		t.Fatalf("entries: %+v", log.AuditLog)
	}
	// Two more fit the budget of five; a third request of two does not, and nothing of it runs.
	e.post(token, spread, nil).ok(t, nil)
	res := e.post(token, spread, nil)
	res.wantError(t, konullu.ERATELIMITED, "")
	if res.Status != http.StatusTooManyRequests {
		t.Errorf("status %d, want 429", res.Status)
	}
	e.post(admin, auditLogQuery, map[string]any{"a": "updateMyProfile"}).ok(t, &log)
	if len(log.AuditLog) != 4 {
		t.Errorf("entries after the refusal: %d, want 4", len(log.AuditLog))
	}
}

// Every mutation is audited, a volunteer's own and an anonymous one
// (register, login: the actor is the account signed in), and no password
// reaches the trail, whatever the argument is called.
func TestEveryMutationIsAuditedWithoutSecrets(t *testing.T) {
	e := newHardEnv(t, nil, nil)
	c := e.centre("Bakı ASAN 1", "Asia/Baku")
	s := e.shift(c, e.position("Reception guide"), t0.Add(48*time.Hour), 3, true)
	admin := e.admin()
	const secret = "my very secret pass"
	var reg struct{ Register struct{ Token string } }
	e.post("", `mutation($p: String!) { register(input: {email: "nigar@example.az", password: $p, fullName: "Nigar", birthDate: "2001-02-03"}) { token } }`,
		map[string]any{"p": secret}).ok(t, &reg)
	e.post(reg.Register.Token, `mutation($s: ID!) { signUp(shiftId: $s) { status } }`, map[string]any{"s": gid("Shift", s.ID)}).ok(t, nil)
	e.post("", `mutation($p: String!) { login(email: "nigar@example.az", password: $p) { token } }`, map[string]any{"p": secret}).ok(t, nil)
	e.post("", `mutation { login(email: "nigar@example.az", password: "`+secret+` but wrong") { token } }`, nil).wantError(t, konullu.EUNAUTHENTICATED, "")

	var log struct{ AuditLog []auditLogEntry }
	e.post(admin, auditLogQuery, nil).ok(t, &log)
	if len(log.AuditLog) != 5 { // with the admin's own sign-in
		t.Fatalf("entries: %+v", log.AuditLog)
	}
	for i, want := range []struct {
		action, outcome, actor string
	}{
		{"login", "FAILED", ""},
		{"login", "DONE", "nigar@example.az"},
		{"signUp", "DONE", "nigar@example.az"},
		{"register", "DONE", "nigar@example.az"},
		{"login", "DONE", "admin@konullu.az"},
	} {
		got := log.AuditLog[i]
		actor := ""
		if got.Actor != nil {
			actor = got.Actor.Email
		}
		if got.Action != want.action || got.Outcome != want.outcome || actor != want.actor {
			t.Errorf("entry %d: %s %s by %q, want %+v", i, got.Action, got.Outcome, actor, want)
		}
		if strings.Contains(got.Arguments, secret) || strings.Contains(got.Arguments, "secret pass") {
			t.Errorf("a password reached the trail: %s", got.Arguments)
		}
	}
	if args := log.AuditLog[3].Arguments; !strings.Contains(args, `"password":"(hidden)"`) || !strings.Contains(args, "nigar@example.az") {
		t.Errorf("register arguments: %s", args)
	}
}

// Deleting an account erases what the trail kept of the person's own
// actions (their email, name and phone in register's and updateMyProfile's
// arguments) and of sign-ins with their email.
func TestDeletedAccountLeavesNoContactInTheTrail(t *testing.T) {
	e := newHardEnv(t, nil, nil)
	var reg struct{ Register struct{ Token string } }
	e.post("", `mutation { register(input: {email: "ramil@example.az", password: "long enough pw", fullName: "Ramil Quliyev", birthDate: "2001-02-03"}) { token } }`, nil).ok(t, &reg)
	token := reg.Register.Token
	e.post(token, `mutation { updateMyProfile(input: {phone: "+994 55 765 43 21"}) { id } }`, nil).ok(t, nil)
	e.post("", `mutation { login(email: "ramil@example.az", password: "not the password") { token } }`, nil).wantError(t, konullu.EUNAUTHENTICATED, "")
	e.post(token, `mutation { deleteMyAccount(password: "long enough pw") { deleted } }`, nil).ok(t, nil)
	entries, err := e.db.AuditEntries(context.Background(), konullu.AuditFilter{})
	if err != nil || len(entries) != 4 {
		t.Fatalf("entries: %d, %v", len(entries), err)
	}
	for _, en := range entries {
		for _, leak := range []string{"ramil", "Ramil", "Quliyev", "765 43 21"} {
			if strings.Contains(string(mustJSON(en)), leak) {
				t.Errorf("%s: the trail still holds %q: %s", en.Action, leak, mustJSON(en))
			}
		}
		if en.ActorUserID != 0 {
			t.Errorf("%s: the deleted account is still the actor", en.Action)
		}
	}
}
