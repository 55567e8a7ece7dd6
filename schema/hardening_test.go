package schema_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/konullu/konullu"
	"github.com/konullu/konullu/schema"
	"github.com/konullu/konullu/store"
	"github.com/konullu/konullu/store/storetest"
)

// newHardEnv is newEnv with the hardening settings of a test.
func newHardEnv(t *testing.T, set func(*schema.Config), wrap func(konullu.Store) konullu.Store) *env {
	t.Helper()
	e := &env{t: t, clock: storetest.NewClock(t0), logs: &syncBuffer{}}
	logger := slog.New(slog.NewJSONHandler(e.logs, nil))
	e.db = storetest.Open(t, store.Options{Now: e.clock.Now, Logger: logger})
	cfg := schema.Config{Store: e.db, Logger: logger, Now: e.clock.Now, Argon2: testArgon2, Unavailable: store.IsUnavailable}
	if wrap != nil {
		cfg.Store = wrap(e.db)
		cfg.Audit, cfg.Privacy = e.db, e.db
	}
	if set != nil {
		set(&cfg)
	}
	e.h = schema.NewHandler(cfg)
	return e
}

// countingLimiter allows each (rule, key) a fixed number of events.
type countingLimiter struct {
	mu    sync.Mutex
	max   map[string]int
	seen  map[string]int
	asked []string
}

func (l *countingLimiter) Allow(_ context.Context, rule, key string, n int) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.asked = append(l.asked, rule+"|"+key)
	limit, ok := l.max[rule]
	if !ok {
		return true, 0
	}
	k := rule + "|" + key
	if l.seen[k]+n > limit {
		return false, 90 * time.Second
	}
	l.seen[k] += n
	return true, 0
}

func TestHostileRequests(t *testing.T) {
	e := newHardEnv(t, nil, nil)
	e.centre("Bakı ASAN 1", "Asia/Baku")
	admin := e.admin()
	aliases := func(n int) string {
		var b strings.Builder
		b.WriteString("{")
		for i := range n {
			fmt.Fprintf(&b, " a%d: centres { id }", i)
		}
		return b.String() + " }"
	}
	nested := "{ me { volunteer { " + strings.Repeat("assignments { shift { ", 8) + "id" + strings.Repeat(" } }", 8) + " } } }"
	for _, tc := range []struct {
		name, body, code string
		status           int
	}{
		{"DeepNesting", q(nested), konullu.ETOOCOMPLEX, 200},
		{"ThousandsOfAliases", q(aliases(3000)), konullu.ETOOCOMPLEX, 200},
		{"SixtyAliases", q(aliases(60)), konullu.ETOOCOMPLEX, 200},
		{"CostlyPages", q(`{ shifts(from: "2025-01-01T00:00:00Z", to: "2026-01-01T00:00:00Z", first: 100) { edges { node { assignments { volunteer { assignments { shift { assignments { id } } } } } } } } }`), konullu.ETOOCOMPLEX, 200},
		{"CostlyPagesByVariable", `{"query":"query($n: Int) { shifts(from: \"2025-01-01T00:00:00Z\", to: \"2026-01-01T00:00:00Z\", first: $n) { edges { node { assignments { volunteer { assignments { shift { id capacity } } } } } } } }","variables":{"n":100}}`, konullu.ETOOCOMPLEX, 200},
		{"FragmentBomb", q(fragmentBomb()), konullu.ETOOCOMPLEX, 200},
		{"LongQuery", q("{ " + strings.Repeat("__typename ", 2000) + "}"), konullu.ETOOCOMPLEX, 200},
		{"InvalidUTF8", "{\"query\":\"{ centres { name } }\",\"variables\":{\"x\":\"\xff\xfe\"}}", konullu.EINVALID, 400},
		{"InvalidUTF8InQuery", "{\"query\":\"{ centres(\xff) { name } }\"}", konullu.EINVALID, 400},
		{"WrongType", `{"query":"query($id: ID!) { shift(id: $id) { id } }","variables":{"id":{"a":1}}}`, konullu.EINVALID, 200},
		{"WrongTypeInt", `{"query":"{ shifts(from: \"2025-01-01T00:00:00Z\", to: \"2025-02-01T00:00:00Z\", first: \"ten\") { totalCount } }"}`, konullu.EINVALID, 200},
		{"SQLInjectionInID", q(`{ shift(id: "1' OR '1'='1") { id } }`), konullu.EINVALID, 200},
		{"SQLInjectionInLogin", `{"query":"mutation { login(email: \"x@y.az' OR 1=1 --\", password: \"' OR ''='\") { token } }"}`, konullu.EUNAUTHENTICATED, 200},
		{"NullByte", `{"query":"{ centres { name } }\u0000"}`, konullu.EINVALID, 200},
		{"HugeNumber", q(`{ shifts(from: "2025-01-01T00:00:00Z", to: "2025-02-01T00:00:00Z", first: 99999999999999999999) { totalCount } }`), konullu.EINVALID, 200},
		{"BatchArray", `[{"query":"{ centres { id } }"},{"query":"{ centres { id } }"}]`, konullu.EINVALID, 400},
		{"Subscription", q(`subscription { centres { id } }`), konullu.EINVALID, 200},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := e.serve(newRequest("POST", "/graphql", "application/json", tc.body))
			res.wantError(t, tc.code, "")
			if res.Status != tc.status {
				t.Errorf("status %d, want %d", res.Status, tc.status)
			}
			if strings.Contains(string(res.Body), "runtime error") || strings.Contains(string(res.Body), "sql") || strings.Contains(string(res.Body), "interface {}") {
				t.Errorf("answer leaks internals: %s", res.Body)
			}
		})
	}
	res := e.serve(newRequest("POST", "/graphql", "application/json", `{"query":"`+strings.Repeat(" ", 2<<20)+`"}`))
	if res.Status != http.StatusRequestEntityTooLarge {
		t.Errorf("huge body: %d", res.Status)
	}
	// Still healthy, and an honest query of the same shape as the hostile ones passes.
	e.post(admin, `{ centres { id name } shifts(from: "2025-01-01T00:00:00Z", to: "2025-02-01T00:00:00Z", first: 50) { edges { node { id assignments { id volunteer { fullName } } } } } }`, nil).ok(t, nil)
	if strings.Contains(e.logs.String(), `"level":"ERROR"`) {
		t.Errorf("hostile requests logged errors:\n%s", e.logs.String())
	}
}

func q(query string) string {
	b, _ := json.Marshal(map[string]string{"query": query})
	return string(b)
}

// fragmentBomb doubles the selections with each fragment: 2^20 fields.
func fragmentBomb() string {
	var b strings.Builder
	b.WriteString("query { centres { ...F0 } }\n")
	for i := range 20 {
		fmt.Fprintf(&b, "fragment F%d on Centre { ...F%d ...F%d }\n", i, i+1, i+1)
	}
	b.WriteString("fragment F20 on Centre { id }\n")
	return b.String()
}

func TestIntrospectionForAdmins(t *testing.T) {
	const query = `{ __schema { queryType { name } } }`
	e := newHardEnv(t, nil, nil)
	vol := e.account("v@example.az", "V")
	e.post("", query, nil).wantError(t, konullu.EFORBIDDEN, "")
	e.post(e.login(vol.Email), query, nil).wantError(t, konullu.EFORBIDDEN, "")
	e.post(e.admin(), query, nil).ok(t, nil)
	e.post("", `{ __typename }`, nil).ok(t, nil) // not introspection of the schema

	dev := newHardEnv(t, func(c *schema.Config) { c.Dev = true }, nil)
	dev.post("", query, nil).ok(t, nil)
}

func TestRateLimits(t *testing.T) {
	lim := &countingLimiter{max: map[string]int{schema.RuleLoginAccount: 3, schema.RuleRegisterAddress: 2, schema.RuleMutationUser: 4}, seen: map[string]int{}}
	e := newHardEnv(t, func(c *schema.Config) { c.Limiter = lim }, nil)
	e.account("leyla@example.az", "Leyla")

	t.Run("LoginPerAccount", func(t *testing.T) {
		login := `mutation($e: String!) { login(email: $e, password: "wrong password!") { token } }`
		for range 3 {
			e.post("", login, map[string]any{"e": "Leyla@Example.az"}).wantError(t, konullu.EUNAUTHENTICATED, "")
		}
		res := e.post("", login, map[string]any{"e": "leyla@example.az"})
		res.wantError(t, konullu.ERATELIMITED, "")
		if res.Status != http.StatusTooManyRequests || res.Header.Get("Retry-After") != "90" {
			t.Errorf("status %d, Retry-After %q", res.Status, res.Header.Get("Retry-After"))
		}
		var raw struct {
			Errors []struct{ Extensions map[string]any }
		}
		json.Unmarshal(res.Body, &raw)
		if raw.Errors[0].Extensions["retryAfter"] != float64(90) {
			t.Errorf("extensions: %v", raw.Errors[0].Extensions)
		}
		if !slicesContains(lim.asked, schema.RuleLoginAddress+"|192.0.2.1:1234") {
			t.Errorf("the address was not limited: %v", lim.asked)
		}
	})
	t.Run("RegisterPerAddress", func(t *testing.T) {
		reg := `mutation($e: String!) { register(input: {email: $e, password: "` + password + `", fullName: "X", birthDate: "2000-01-01"}) { token } }`
		for i := range 2 {
			e.post("", reg, map[string]any{"e": fmt.Sprintf("r%d@example.az", i)}).ok(t, nil)
		}
		e.post("", reg, map[string]any{"e": "r9@example.az"}).wantError(t, konullu.ERATELIMITED, "")
	})
	t.Run("MutationsPerUser", func(t *testing.T) {
		token := e.login("r0@example.az")
		update := `mutation { a: updateMyProfile(input: {city: "Quba"}) { id } b: updateMyProfile(input: {city: "Şəki"}) { id } }`
		e.post(token, update, nil).ok(t, nil)
		e.post(token, update, nil).ok(t, nil)
		res := e.post(token, update, nil)
		res.wantError(t, konullu.ERATELIMITED, "")
		if res.Status != http.StatusTooManyRequests || res.Header.Get("Retry-After") == "" {
			t.Errorf("status %d, Retry-After %q", res.Status, res.Header.Get("Retry-After"))
		}
		e.post(token, `{ me { id } }`, nil).ok(t, nil) // queries are not mutations
	})
}

func slicesContains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// outage is a store whose database connection is refused.
type outage struct {
	konullu.Store
	down bool
}

var errRefused = fmt.Errorf("store: session: %w", &netOpError{})

type netOpError struct{}

func (*netOpError) Error() string   { return "dial tcp 127.0.0.1:5432: connect: connection refused" }
func (*netOpError) Unwrap() error   { return syscall.ECONNREFUSED }
func (*netOpError) Timeout() bool   { return false }
func (*netOpError) Temporary() bool { return true }

func (o *outage) SessionViewer(ctx context.Context, h []byte) (*konullu.Viewer, error) {
	if o.down {
		return nil, errRefused
	}
	return o.Store.SessionViewer(ctx, h)
}

func (o *outage) Centres(ctx context.Context) ([]*konullu.Centre, error) {
	if o.down {
		return nil, errRefused
	}
	return o.Store.Centres(ctx)
}

func TestDatabaseOutageIsUnavailable(t *testing.T) {
	var o *outage
	e := newHardEnv(t, func(c *schema.Config) {
		c.Unavailable = func(err error) bool { return errors.Is(err, syscall.ECONNREFUSED) || store.IsUnavailable(err) }
	}, func(s konullu.Store) konullu.Store { o = &outage{Store: s}; return o })
	e.account("v@example.az", "V")
	token := e.login("v@example.az")
	o.down = true
	for _, tok := range []string{"", token} {
		res := e.post(tok, `{ centres { id } }`, nil)
		res.wantError(t, konullu.EUNAVAILABLE, "")
		if res.Status != http.StatusServiceUnavailable || res.Header.Get("Retry-After") != "1" {
			t.Errorf("status %d, Retry-After %q: %s", res.Status, res.Header.Get("Retry-After"), res.Body)
		}
		if strings.Contains(string(res.Body), "5432") {
			t.Errorf("the cause leaked: %s", res.Body)
		}
	}
	o.down = false
	e.post(token, `{ centres { id } }`, nil).ok(t, nil)
}

func TestGuardianConsentFlow(t *testing.T) {
	e := newHardEnv(t, nil, nil)
	c := e.centre("Bakı ASAN 1", "Asia/Baku")
	p := e.position("Reception guide")
	s := e.shift(c, p, t0.Add(48*time.Hour), 3, true)
	var reg struct{ Register struct{ Token string } }
	e.post("", `mutation { register(input: {email: "teen@example.az", password: "long enough pw", fullName: "Kamran", birthDate: "2008-01-01"}) { token } }`, nil).ok(t, &reg)
	teen := reg.Register.Token
	signUp := `mutation($s: ID!) { signUp(shiftId: $s) { status } }`
	vars := map[string]any{"s": gid("Shift", s.ID)}
	e.post(teen, signUp, vars).wantError(t, konullu.EREQUIREMENT, "")

	var me struct {
		Me struct{ Volunteer struct{ ID string } }
	}
	e.post(teen, `{ me { volunteer { id } } }`, nil).ok(t, &me)
	coord := e.account("coord@konullu.az", "Coordinator")
	e.grant(coord, konullu.RoleCoordinator, c.ID)
	ct := e.login("coord@konullu.az")
	var got struct {
		Volunteer struct {
			NeedsGuardianConsent, HasGuardianConsent bool
		}
	}
	e.post(ct, `query($v: ID!) { volunteer(id: $v) { needsGuardianConsent hasGuardianConsent } }`, map[string]any{"v": me.Me.Volunteer.ID}).ok(t, &got)
	if !got.Volunteer.NeedsGuardianConsent || got.Volunteer.HasGuardianConsent {
		t.Fatalf("before consent: %+v", got)
	}
	record := `mutation($v: ID!) { recordGuardianConsent(input: {volunteerId: $v, guardianName: "Səbinə Əliyeva", relationship: "mother", contact: "+994 50 000 11 22"}) { hasGuardianConsent } }`
	e.post(teen, record, map[string]any{"v": me.Me.Volunteer.ID}).wantError(t, konullu.EFORBIDDEN, "")
	e.post(ct, record, map[string]any{"v": me.Me.Volunteer.ID}).ok(t, nil)

	var ok struct{ SignUp struct{ Status string } }
	e.post(teen, signUp, vars).ok(t, &ok)
	if ok.SignUp.Status != "CONFIRMED" {
		t.Fatalf("after consent: %+v", ok)
	}
	var own struct {
		Me struct {
			Volunteer struct {
				GuardianConsent struct{ GuardianName, Relationship string }
			}
		}
	}
	e.post(teen, `{ me { volunteer { guardianConsent { guardianName relationship } } } }`, nil).ok(t, &own)
	if own.Me.Volunteer.GuardianConsent.GuardianName != "Səbinə Əliyeva" {
		t.Errorf("own consent: %+v", own)
	}
}

func TestExportAndDeleteAccount(t *testing.T) {
	e := newHardEnv(t, nil, nil)
	c := e.centre("Bakı ASAN 1", "Asia/Baku")
	p := e.position("Reception guide")
	past := e.shift(c, p, t0.Add(-72*time.Hour), 3, true)
	future := e.shift(c, p, t0.Add(72*time.Hour), 3, true)
	u := e.account("aysel@example.az", "Aysel Məmmədova")
	e.pastWork(past, u.VolunteerID)
	e.signUp(future, u.VolunteerID, false)
	token := e.login(u.Email)

	var d struct{ MyData string }
	e.post(token, `{ myData }`, nil).ok(t, &d)
	var export konullu.PersonalData
	if err := json.Unmarshal([]byte(d.MyData), &export); err != nil {
		t.Fatal(err)
	}
	if export.Account.Email != "aysel@example.az" || export.Volunteer.Phone != "+994 50 123 45 67" || len(export.Assignments) != 2 {
		t.Errorf("export: %+v", export)
	}
	e.post("", `{ myData }`, nil).wantError(t, konullu.EUNAUTHENTICATED, "")

	req := httptest.NewRequest("GET", "/me/export", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	w := httptest.NewRecorder()
	e.h.ServeHTTP(w, req)
	body, _ := io.ReadAll(w.Body)
	if w.Code != 200 || !strings.Contains(w.Header().Get("Content-Disposition"), "attachment") || !strings.Contains(string(body), "Aysel Məmmədova") {
		t.Errorf("GET /me/export: %d %v %s", w.Code, w.Header(), body)
	}
	w = httptest.NewRecorder()
	e.h.ServeHTTP(w, httptest.NewRequest("GET", "/me/export", nil))
	if w.Code != http.StatusUnauthorized {
		t.Errorf("anonymous export: %d", w.Code)
	}

	// The report of the past, before and after: it must not change.
	admin := e.admin()
	const report = `{ participationReport(from: "2025-01-01", to: "2025-03-09") { activeVolunteers totalMinutes shiftsFilled shiftsUnderstaffed
		noShowRate fillRate byCentre { ...R } byMonth { ...R } byAgeBand { ...R } } }
		fragment R on ReportRow { key activeVolunteers minutes assignments attended noShows shifts shiftsFilled placesFilled }`
	var before, after struct{ ParticipationReport json.RawMessage }
	e.post(admin, report, nil).ok(t, &before)
	if !strings.Contains(string(before.ParticipationReport), `"totalMinutes":240`) || !strings.Contains(string(before.ParticipationReport), `"18_21"`) {
		t.Fatalf("report before: %s", before.ParticipationReport)
	}

	del := `mutation($p: String!) { deleteMyAccount(password: $p) { deleted withdrawnAssignments keptAssignments } }`
	e.post(token, del, map[string]any{"p": "not my password"}).wantError(t, konullu.EFORBIDDEN, "password")
	var res struct {
		DeleteMyAccount struct {
			Deleted                               bool
			WithdrawnAssignments, KeptAssignments int
		}
	}
	e.post(token, del, map[string]any{"p": password}).ok(t, &res)
	if r := res.DeleteMyAccount; !r.Deleted || r.WithdrawnAssignments != 1 || r.KeptAssignments != 1 {
		t.Errorf("deletion: %+v", r)
	}
	e.post(token, `{ me { id } }`, nil).wantError(t, konullu.EUNAUTHENTICATED, "")
	e.post("", `mutation { login(email: "aysel@example.az", password: "`+password+`") { token } }`, nil).wantError(t, konullu.EUNAUTHENTICATED, "")
	e.post(admin, report, nil).ok(t, &after)
	if string(after.ParticipationReport) != string(before.ParticipationReport) {
		t.Errorf("the report changed:\nbefore %s\nafter  %s", before.ParticipationReport, after.ParticipationReport)
	}
	// The hours stay: the shift still shows one attended place, by an anonymous volunteer.
	var sh struct {
		Shift struct {
			ConfirmedCount int
			Assignments    []struct {
				CreditedMinutes int
				Volunteer       struct{ FullName string }
			}
		}
	}
	e.post(admin, `query($s: ID!) { shift(id: $s) { confirmedCount assignments { creditedMinutes volunteer { fullName } } } }`, map[string]any{"s": gid("Shift", past.ID)}).ok(t, &sh)
	if sh.Shift.ConfirmedCount != 1 || len(sh.Shift.Assignments) != 1 || sh.Shift.Assignments[0].CreditedMinutes != 240 ||
		sh.Shift.Assignments[0].Volunteer.FullName != store.AnonymousName {
		t.Errorf("past shift: %+v", sh)
	}
}

func TestAuditTrail(t *testing.T) {
	e := newHardEnv(t, nil, nil)
	c := e.centre("Bakı ASAN 1", "Asia/Baku")
	p := e.position("Reception guide")
	s := e.shift(c, p, t0.Add(48*time.Hour), 3, true)
	vol := e.account("v@example.az", "Vüsal")
	coordUser := e.account("coord@konullu.az", "Coordinator")
	e.grant(coordUser, konullu.RoleCoordinator, c.ID)
	coord := e.login("coord@konullu.az")
	admin := e.admin()
	vt := e.login(vol.Email)

	// Every mutation is audited: the sign-ins above, a volunteer's own signup, the coordinator's actions.
	e.post(vt, `mutation($s: ID!) { signUp(shiftId: $s) { id } }`, map[string]any{"s": gid("Shift", s.ID)}).ok(t, nil)
	e.post(coord, `mutation($s: ID!) { cancelShift(id: $s, reason: "flooded") { status } }`, map[string]any{"s": gid("Shift", s.ID)}).ok(t, nil)
	var created struct {
		CreateShifts []struct{ ID string }
	}
	e.post(coord, `mutation($c: ID!, $p: ID!) { createShifts(input: {centreId: $c, positionId: $p, startsAt: "2025-03-20T05:00:00Z", endsAt: "2025-03-20T09:00:00Z", capacity: 2}) { id } }`,
		map[string]any{"c": gid("Centre", c.ID), "p": gid("Position", p.ID)}).ok(t, &created)
	e.post(coord, `mutation { login(email: "x@y.az", password: "whatever else") { token } }`, nil) // fails: recorded FAILED, nothing changed

	var log struct {
		AuditLog []struct {
			Action, Arguments, RequestID string
			Outcome                      string
			ErrorCode                    *string
			Actor                        struct{ Email string }
			ActorRoles                   []string
			Changes                      []struct {
				Kind, ObjectID string
				Before, After  *string
			}
		}
	}
	query := `query($o: ID) { auditLog(objectId: $o) { action arguments requestId outcome errorCode actor { email } actorRoles changes { kind objectId before after } } }`
	e.post(vt, query, nil).wantError(t, konullu.EFORBIDDEN, "")
	e.post(coord, query, nil).wantError(t, konullu.EFORBIDDEN, "")
	e.post(admin, query, nil).ok(t, &log)
	if len(log.AuditLog) != 7 {
		t.Fatalf("entries: %+v", log.AuditLog)
	}
	login, create, cancel, signUp := log.AuditLog[0], log.AuditLog[1], log.AuditLog[2], log.AuditLog[3]
	if signUp.Action != "signUp" || signUp.Outcome != "DONE" || signUp.Actor.Email != "v@example.az" || len(signUp.Changes) != 1 {
		t.Errorf("the volunteer's signup: %+v", signUp)
	}
	for i, email := range []string{"v@example.az", "admin@konullu.az", "coord@konullu.az"} { // newest first
		in := log.AuditLog[4+i]
		if in.Action != "login" || in.Outcome != "DONE" || in.Actor.Email != email || len(in.ActorRoles) != 0 ||
			in.Arguments != `{"email":"`+email+`","password":"(hidden)"}` {
			t.Errorf("sign-in %d: %+v", i, in)
		}
	}
	if login.Action != "login" || login.Outcome != "FAILED" || login.ErrorCode == nil || *login.ErrorCode != konullu.EUNAUTHENTICATED ||
		len(login.Changes) != 0 {
		t.Errorf("failed login: %+v", login)
	}
	if cancel.Outcome != "DONE" || cancel.ErrorCode != nil || create.Outcome != "DONE" {
		t.Errorf("outcomes: %+v %+v", cancel, create)
	}
	if cancel.Action != "cancelShift" || cancel.Actor.Email != "coord@konullu.az" || cancel.RequestID == "" ||
		!strings.Contains(cancel.Arguments, "flooded") || len(cancel.Changes) != 1 {
		t.Fatalf("cancel: %+v", cancel)
	}
	ch := cancel.Changes[0]
	if ch.Kind != "Shift" || ch.Before == nil || ch.After == nil ||
		!strings.Contains(*ch.Before, `"Status":"PUBLISHED"`) || !strings.Contains(*ch.After, `"Status":"CANCELLED"`) ||
		!strings.Contains(*ch.Before, `"ConfirmedCount":1`) || !strings.Contains(*ch.After, `"ConfirmedCount":0`) {
		t.Errorf("cancel change: %+v", ch)
	}
	if create.Action != "createShifts" || len(create.Changes) != 1 || create.Changes[0].Before != nil ||
		create.Changes[0].ObjectID != created.CreateShifts[0].ID {
		t.Errorf("create: %+v", create)
	}
	e.post(admin, query, map[string]any{"o": gid("Shift", s.ID)}).ok(t, &log)
	if len(log.AuditLog) != 2 || log.AuditLog[0].Action != "cancelShift" || log.AuditLog[1].Action != "signUp" {
		t.Errorf("by object: %+v", log.AuditLog)
	}
	// Passwords never reach the trail.
	e.post(admin, `mutation($u: ID!) { grantRole(userId: $u, role: STAFF) { id } }`, map[string]any{"u": gid("User", vol.ID)}).ok(t, nil)
	entries, err := e.db.AuditEntries(context.Background(), konullu.AuditFilter{})
	if err != nil || len(entries) != 8 || entries[0].Action != "grantRole" || entries[0].Outcome != konullu.AuditDone {
		t.Fatalf("entries: %v %v", entries, err)
	}
	for _, en := range entries {
		if strings.Contains(string(en.Arguments), "whatever else") {
			t.Errorf("a password reached the audit trail: %s", en.Arguments)
		}
	}
}

// recordingObserver keeps what the API reports for metrics.
type recordingObserver struct {
	mu      sync.Mutex
	seen    []string
	audited int
}

func (o *recordingObserver) GraphQL(operation, code string, d time.Duration) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.seen = append(o.seen, operation+" "+code)
}

func (o *recordingObserver) Audited() { o.mu.Lock(); o.audited++; o.mu.Unlock() }

func TestObserver(t *testing.T) {
	obs := &recordingObserver{}
	e := newHardEnv(t, func(c *schema.Config) { c.Observer = obs }, nil)
	e.post("", `{ centres { id } }`, nil).ok(t, nil)
	e.post("", `query Named { me { id } }`, nil).ok(t, nil)
	e.post("", `mutation { logout }`, nil)
	e.post("", `{ nope }`, nil)
	e.post("", `{ `+strings.Repeat("__typename ", 3000)+`}`, nil)
	want := []string{"query:centres ", "query:me ", "mutation:logout UNAUTHENTICATED", "query:unknown INVALID_INPUT", "invalid QUERY_TOO_COMPLEX"}
	if strings.Join(obs.seen, "|") != strings.Join(want, "|") {
		t.Errorf("observed %q, want %q", obs.seen, want)
	}
}
