package schema_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
	"github.com/redis/go-redis/v9"

	"github.com/konullu/konullu"
	"github.com/konullu/konullu/notify"
	"github.com/konullu/konullu/ratelimit"
	"github.com/konullu/konullu/schema"
)

// inbox is a real SMTP server on 127.0.0.1 (github.com/emersion/go-smtp)
// that keeps what it receives, as notify's tests run one.
type inbox struct {
	mu   sync.Mutex
	msgs []string
	cfg  notify.SMTPConfig
}

type inboxSession struct{ in *inbox }

func (s *inboxSession) Mail(string, *smtp.MailOptions) error { return nil }
func (s *inboxSession) Rcpt(string, *smtp.RcptOptions) error { return nil }
func (s *inboxSession) Reset()                               {}
func (s *inboxSession) Logout() error                        { return nil }
func (s *inboxSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.in.mu.Lock()
	defer s.in.mu.Unlock()
	s.in.msgs = append(s.in.msgs, string(b))
	return nil
}

func startInbox(t *testing.T) *inbox {
	t.Helper()
	in := &inbox{}
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &inboxSession{in}, nil }))
	srv.Domain = "localhost"
	srv.ReadTimeout, srv.WriteTimeout = 10*time.Second, 10*time.Second
	srv.EnableSMTPUTF8 = true
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close() })
	in.cfg = notify.SMTPConfig{Host: "127.0.0.1", Port: l.Addr().(*net.TCPAddr).Port, TLS: "none",
		From: "Könüllü <no-reply@konullu.test>", Timeout: 5 * time.Second}
	return in
}

func (in *inbox) all() []string {
	in.mu.Lock()
	defer in.mu.Unlock()
	return append([]string(nil), in.msgs...)
}

// smtpMailer sends reset links through notify's SMTP sender, as the server does.
type smtpMailer struct{ s *notify.SMTP }

func (m smtpMailer) SendPasswordReset(ctx context.Context, to konullu.Recipient, link string) error {
	return m.s.SendNow(ctx, to, notify.PasswordResetMessage(to.Language, link))
}

// accountEnv is an API with a mailer and a real rate limiter.
type accountEnv struct {
	*env
	inbox *inbox
	wait  func()
}

func newAccountEnv(t *testing.T, configure func(*schema.Config)) *accountEnv {
	t.Helper()
	e := newEnv(t)
	in := startInbox(t)
	s, err := notify.NewSMTP(in.cfg)
	if err != nil {
		t.Fatal(err)
	}
	cfg := schema.Config{Store: e.db, Logger: loggerOf(e), Now: e.clock.Now, Argon2: testArgon2,
		Mailer: smtpMailer{s}, PublicURL: "https://konullu.example"}
	if configure != nil {
		configure(&cfg)
	}
	h := schema.NewHandler(cfg)
	e.h = h
	return &accountEnv{env: e, inbox: in, wait: h.(interface{ Wait() }).Wait}
}

// postAs sends a request from a client address with a Host header.
func (e *env) postAs(addr, host, token, query string, vars map[string]any) *result {
	e.t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if addr != "" {
		req.RemoteAddr = addr
	}
	if host != "" {
		req.Host = host
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return e.serve(req)
}

var resetLink = regexp.MustCompile(`(\S*)/reset-password#token=([A-Za-z0-9_-]{43})`)

// link finds the reset link in a raw email (quoted-printable undone).
func link(t *testing.T, raw string) (base, token string) {
	t.Helper()
	text := strings.NewReplacer("=\r\n", "", "=3D", "=").Replace(raw)
	m := resetLink.FindStringSubmatch(text)
	if m == nil {
		t.Fatalf("no reset link in the email:\n%s", raw)
	}
	return m[1], m[2]
}

const (
	requestReset = `mutation($e: String!) { requestPasswordReset(email: $e, language: EN) }`
	resetPw      = `mutation($t: String!, $p: String!) { resetPassword(token: $t, password: $p) { token user { email } } }`
	meQuery      = `{ me { email suspended } }`
)

func TestPasswordReset(t *testing.T) {
	e := newAccountEnv(t, nil)
	e.account("leyla@example.az", "Leyla Əliyeva")
	old := e.login("leyla@example.az")

	// The same answer for an account and for nobody.
	known := e.post("", requestReset, map[string]any{"e": "Leyla@example.az"})
	unknown := e.post("", requestReset, map[string]any{"e": "nobody@example.az"})
	known.ok(t, nil)
	unknown.ok(t, nil)
	if string(known.Body) != string(unknown.Body) || known.Status != unknown.Status {
		t.Fatalf("answers differ: %s / %s", known.Body, unknown.Body)
	}
	e.wait()
	mails := e.inbox.all()
	if len(mails) != 1 {
		t.Fatalf("%d emails, want 1 (none for the unknown address)", len(mails))
	}
	if !strings.Contains(mails[0], "leyla@example.az") || !strings.Contains(mails[0], "reset your password") {
		t.Errorf("email:\n%s", mails[0])
	}
	base, token := link(t, mails[0])
	if base != "https://konullu.example" {
		t.Errorf("link base %q, want KONULLU_PUBLIC_URL", base)
	}

	// Only the token's hash is stored.
	var stored []byte
	if err := e.db.SQL().QueryRow(`SELECT token_hash FROM password_resets`).Scan(&stored); err != nil {
		t.Fatal(err)
	}
	if sum := sha256.Sum256([]byte(token)); !bytes.Equal(stored, sum[:]) {
		t.Errorf("stored %x, want the SHA-256 of the token", stored)
	}

	const newPassword = "a brand new passphrase"
	var d struct {
		ResetPassword struct {
			Token string
			User  struct{ Email string }
		}
	}
	e.post("", resetPw, map[string]any{"t": token, "p": newPassword}).ok(t, &d)
	if d.ResetPassword.User.Email != "leyla@example.az" || d.ResetPassword.Token == "" {
		t.Fatalf("reset answered %+v", d)
	}
	e.post(old, meQuery, nil).wantError(t, konullu.EUNAUTHENTICATED, "")            // every earlier session ended
	e.post(d.ResetPassword.Token, meQuery, nil).ok(t, nil)                          // the new one works
	e.post("", resetPw, map[string]any{"t": token, "p": "yet another passphrase"}). // single use
											wantError(t, konullu.EINVALID, "token")
	login := `mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }`
	e.post("", login, map[string]any{"e": "leyla@example.az", "p": password}).wantError(t, konullu.EUNAUTHENTICATED, "")
	e.post("", login, map[string]any{"e": "leyla@example.az", "p": newPassword}).ok(t, nil)

	t.Run("Expiry", func(t *testing.T) {
		e.post("", requestReset, map[string]any{"e": "leyla@example.az"}).ok(t, nil)
		e.wait()
		mails := e.inbox.all()
		_, late := link(t, mails[len(mails)-1])
		e.clock.Set(e.clock.Now().Add(konullu.PasswordResetTTL + time.Second))
		e.post("", resetPw, map[string]any{"t": late, "p": "too late a passphrase"}).wantError(t, konullu.EINVALID, "token")

		e.post("", requestReset, map[string]any{"e": "leyla@example.az"}).ok(t, nil)
		e.wait()
		mails = e.inbox.all()
		_, inTime := link(t, mails[len(mails)-1])
		e.clock.Set(e.clock.Now().Add(konullu.PasswordResetTTL - time.Minute))
		e.post("", resetPw, map[string]any{"t": inTime, "p": "just in time phrase"}).ok(t, nil)
	})
	t.Run("BadInput", func(t *testing.T) {
		e.post("", resetPw, map[string]any{"t": "short", "p": newPassword}).wantError(t, konullu.EINVALID, "token")
		e.post("", requestReset, map[string]any{"e": "not an email"}).wantError(t, konullu.EINVALID, "email")
	})
	t.Run("AuditedWithoutSecrets", func(t *testing.T) {
		var audit struct {
			AuditLog []struct{ Action, Arguments string }
		}
		e.post(e.admin(), `{ auditLog(first: 100) { action arguments } }`, nil).ok(t, &audit)
		seen := map[string]bool{}
		for _, a := range audit.AuditLog {
			seen[a.Action] = true
			if strings.Contains(a.Arguments, token) || strings.Contains(a.Arguments, newPassword) {
				t.Errorf("the audit trail holds a secret: %s", a.Arguments)
			}
		}
		if !seen["requestPasswordReset"] || !seen["resetPassword"] {
			t.Errorf("reset not audited: %v", seen)
		}
	})
	t.Run("NoSecretInLogs", func(t *testing.T) {
		logs := e.logs.String()
		for _, s := range []string{token, newPassword, d.ResetPassword.Token} {
			if strings.Contains(logs, s) {
				t.Errorf("the log holds a secret %q", s)
			}
		}
	})
}

// TestPasswordResetLinkHost: without KONULLU_PUBLIC_URL a link is built
// from the request's Host only when that is a loopback address; a reset
// asked with any other Host sends nothing (Host header poisoning).
func TestPasswordResetLinkHost(t *testing.T) {
	e := newAccountEnv(t, func(c *schema.Config) { c.PublicURL = "" })
	e.account("leyla@example.az", "Leyla")
	for _, host := range []string{"evil.example", "konullu.az.evil.example:443", "127.0.0.1.evil.example"} {
		e.postAs("", host, "", requestReset, map[string]any{"e": "leyla@example.az"}).ok(t, nil)
	}
	e.wait()
	if n := len(e.inbox.all()); n != 0 {
		t.Fatalf("%d emails sent with a foreign Host", n)
	}
	e.postAs("", "localhost:8080", "", requestReset, map[string]any{"e": "leyla@example.az"}).ok(t, nil)
	e.wait()
	mails := e.inbox.all()
	if len(mails) != 1 {
		t.Fatalf("%d emails, want 1", len(mails))
	}
	if base, _ := link(t, mails[0]); base != "http://localhost:8080" {
		t.Errorf("link base %q", base)
	}
}

func TestChangePassword(t *testing.T) {
	e := newAccountEnv(t, nil)
	e.account("leyla@example.az", "Leyla")
	other := e.login("leyla@example.az")
	this := e.login("leyla@example.az")
	change := `mutation($c: String!, $n: String!) { changePassword(current: $c, new: $n) }`

	e.post("", change, map[string]any{"c": password, "n": "a brand new passphrase"}).wantError(t, konullu.EUNAUTHENTICATED, "")
	e.post(this, change, map[string]any{"c": "not the password", "n": "a brand new passphrase"}).wantError(t, konullu.EFORBIDDEN, "current")
	e.post(this, change, map[string]any{"c": password, "n": "short"}).wantError(t, konullu.EINVALID, "new")
	e.post(this, change, map[string]any{"c": password, "n": "a brand new passphrase"}).ok(t, nil)

	e.post(this, meQuery, nil).ok(t, nil)                                  // this session stays
	e.post(other, meQuery, nil).wantError(t, konullu.EUNAUTHENTICATED, "") // every other ends
	login := `mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }`
	e.post("", login, map[string]any{"e": "leyla@example.az", "p": password}).wantError(t, konullu.EUNAUTHENTICATED, "")
	e.post("", login, map[string]any{"e": "leyla@example.az", "p": "a brand new passphrase"}).ok(t, nil)

	// An admin's change is audited, without the passwords.
	admin := e.admin()
	e.post(admin, change, map[string]any{"c": password, "n": "the admin's new phrase"}).ok(t, nil)
	var audit struct {
		AuditLog []struct{ Action, Arguments, Outcome string }
	}
	e.post(e.login2("admin@konullu.az", "the admin's new phrase"), `{ auditLog(action: "changePassword") { action arguments outcome } }`, nil).ok(t, &audit)
	// Every try is audited (the volunteer's too), newest first.
	if len(audit.AuditLog) != 5 || audit.AuditLog[0].Outcome != "DONE" {
		t.Fatalf("audit: %+v", audit.AuditLog)
	}
	for _, e := range audit.AuditLog {
		for _, pw := range []string{password, "the admin's new phrase", "a brand new passphrase", "not the password"} {
			if strings.Contains(e.Arguments, pw) {
				t.Errorf("the audit trail holds a password: %s", e.Arguments)
			}
		}
	}
}

// login2 signs in with a given password.
func (e *env) login2(email, pw string) string {
	e.t.Helper()
	var data struct{ Login struct{ Token string } }
	e.post("", `mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }`,
		map[string]any{"e": email, "p": pw}).ok(e.t, &data)
	return data.Login.Token
}

func TestLogoutEverywhere(t *testing.T) {
	e := newAccountEnv(t, nil)
	e.account("leyla@example.az", "Leyla")
	a, b := e.login("leyla@example.az"), e.login("leyla@example.az")
	e.post("", `mutation { logoutEverywhere }`, nil).wantError(t, konullu.EUNAUTHENTICATED, "")
	e.post(a, `mutation { logoutEverywhere }`, nil).ok(t, nil)
	e.post(a, meQuery, nil).wantError(t, konullu.EUNAUTHENTICATED, "")
	e.post(b, meQuery, nil).wantError(t, konullu.EUNAUTHENTICATED, "")
}

const (
	suspend    = `mutation($u: ID!, $r: String!) { suspendUser(userId: $u, reason: $r) { suspended suspendedAt suspendedReason } }`
	reactivate = `mutation($u: ID!) { reactivateUser(userId: $u) { suspended } }`
	revoke     = `mutation($u: ID!, $r: Role!, $c: [ID!]) { revokeRole(userId: $u, role: $r, centreIds: $c) { roles coordinatedCentres { name } } }`
)

// TestSuspendUser: a suspended account's sessions stop at once on every
// instance (here a second handler over the same database), and it cannot
// sign in until reactivated.
func TestSuspendUser(t *testing.T) {
	e := newAccountEnv(t, nil)
	vol := e.account("leyla@example.az", "Leyla")
	other := schema.NewHandler(schema.Config{Store: e.db, Logger: loggerOf(e.env), Now: e.clock.Now, Argon2: testArgon2})
	token := e.login("leyla@example.az")
	onOther := func(token string) *result {
		body, _ := json.Marshal(map[string]any{"query": meQuery})
		req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+token)
		w := httptest.NewRecorder()
		other.ServeHTTP(w, req)
		r := &result{Status: w.Code, Body: w.Body.Bytes()}
		json.Unmarshal(r.Body, r)
		return r
	}
	onOther(token).ok(t, nil)
	admin := e.admin()
	vars := map[string]any{"u": gid("User", vol.ID), "r": "harassed a citizen"}

	e.post(token, suspend, vars).wantError(t, konullu.EFORBIDDEN, "")
	e.post(admin, suspend, map[string]any{"u": gid("User", vol.ID), "r": "  "}).wantError(t, konullu.EINVALID, "reason")
	var d struct {
		SuspendUser struct {
			Suspended       bool
			SuspendedAt     *string
			SuspendedReason *string
		}
	}
	e.post(admin, suspend, vars).ok(t, &d)
	if !d.SuspendUser.Suspended || d.SuspendUser.SuspendedAt == nil || *d.SuspendUser.SuspendedReason != "harassed a citizen" {
		t.Fatalf("suspendUser answered %+v", d)
	}
	onOther(token).wantError(t, konullu.EUNAUTHENTICATED, "")
	e.post(token, meQuery, nil).wantError(t, konullu.EUNAUTHENTICATED, "")

	// A session made after the suspension (a login racing with it) is
	// refused by the lookup itself, not only because sessions were ended.
	raced := "raced-session-token-raced-session-token-0123"[:43]
	if err := e.db.CreateSession(context.Background(), vol.ID, sha(raced), e.clock.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	onOther(raced).wantError(t, konullu.EUNAUTHENTICATED, "")

	login := `mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }`
	e.post("", login, map[string]any{"e": "leyla@example.az", "p": password}).wantError(t, konullu.EFORBIDDEN, "")
	e.post("", login, map[string]any{"e": "leyla@example.az", "p": "wrong password!"}).wantError(t, konullu.EUNAUTHENTICATED, "")

	// Listed for admins, and a reset sends nothing to a suspended account.
	var list struct{ Users []struct{ Email string } }
	e.post(admin, `{ users(suspended: true) { email } }`, nil).ok(t, &list)
	if len(list.Users) != 1 || list.Users[0].Email != "leyla@example.az" {
		t.Errorf("suspended users: %+v", list.Users)
	}
	e.post("", requestReset, map[string]any{"e": "leyla@example.az"}).ok(t, nil)
	e.wait()
	if n := len(e.inbox.all()); n != 0 {
		t.Errorf("%d reset emails to a suspended account", n)
	}

	e.post(admin, reactivate, map[string]any{"u": gid("User", vol.ID)}).ok(t, nil)
	onOther(token).wantError(t, konullu.EUNAUTHENTICATED, "") // ended sessions stay ended
	e.post("", login, map[string]any{"e": "leyla@example.az", "p": password}).ok(t, nil)
}

func sha(s string) []byte {
	sum := sha256.Sum256([]byte(s))
	return sum[:]
}

func TestLastAdmin(t *testing.T) {
	e := newAccountEnv(t, nil)
	admin := e.admin()
	var me struct{ Me struct{ ID string } }
	e.post(admin, `{ me { id } }`, nil).ok(t, &me)
	self := map[string]any{"u": me.Me.ID, "r": "testing"}
	e.post(admin, suspend, self).wantError(t, konullu.ECONFLICT, "userId")
	e.post(admin, revoke, map[string]any{"u": me.Me.ID, "r": "ADMIN"}).wantError(t, konullu.ECONFLICT, "userId")

	second := e.account("second@konullu.az", "Second Admin")
	e.grant(second, konullu.RoleAdmin)
	e.post(admin, suspend, map[string]any{"u": gid("User", second.ID), "r": "left"}).ok(t, nil)
	// The other admin is suspended: this one is still the last active one.
	e.post(admin, suspend, self).wantError(t, konullu.ECONFLICT, "userId")
	e.post(admin, reactivate, map[string]any{"u": gid("User", second.ID)}).ok(t, nil)
	e.post(admin, revoke, map[string]any{"u": gid("User", second.ID), "r": "ADMIN"}).ok(t, nil)
	e.post(admin, revoke, map[string]any{"u": me.Me.ID, "r": "ADMIN"}).wantError(t, konullu.ECONFLICT, "userId")
}

// TestRevokeCoordinator: a coordinator removed from a centre loses its data
// with the next request.
func TestRevokeCoordinator(t *testing.T) {
	e := newAccountEnv(t, nil)
	a, b := e.centre("Bakı 1", "Asia/Baku"), e.centre("Gəncə", "Asia/Baku")
	p := e.position("Guide")
	draftA := e.shift(a, p, t0.Add(48*time.Hour), 3, false)
	draftB := e.shift(b, p, t0.Add(48*time.Hour), 3, false)
	coord := e.account("coord@konullu.az", "Coordinator")
	e.grant(coord, konullu.RoleCoordinator, a.ID, b.ID)
	token := e.login("coord@konullu.az")
	admin := e.admin()
	shift := `query($id: ID!) { shift(id: $id) { id } }`
	sees := func(s *konullu.Shift) bool {
		var d struct{ Shift *struct{ ID string } }
		e.post(token, shift, map[string]any{"id": gid("Shift", s.ID)}).ok(t, &d)
		return d.Shift != nil
	}
	if !sees(draftA) || !sees(draftB) {
		t.Fatal("the coordinator does not see the drafts of their centres")
	}
	var d struct {
		RevokeRole struct {
			Roles              []string
			CoordinatedCentres []struct{ Name string }
		}
	}
	e.post(token, revoke, map[string]any{"u": gid("User", coord.ID), "r": "COORDINATOR"}).wantError(t, konullu.EFORBIDDEN, "")
	e.post(admin, revoke, map[string]any{"u": gid("User", coord.ID), "r": "STAFF", "c": []string{gid("Centre", a.ID)}}).wantError(t, konullu.EINVALID, "centreIds")
	e.post(admin, revoke, map[string]any{"u": gid("User", coord.ID), "r": "COORDINATOR", "c": []string{gid("Centre", a.ID)}}).ok(t, &d)
	if len(d.RevokeRole.CoordinatedCentres) != 1 || d.RevokeRole.CoordinatedCentres[0].Name != "Gəncə" {
		t.Fatalf("revokeRole answered %+v", d)
	}
	if sees(draftA) {
		t.Error("the coordinator still sees a draft of the centre taken from them")
	}
	if !sees(draftB) {
		t.Error("the coordinator lost the centre they keep")
	}
	e.post(admin, revoke, map[string]any{"u": gid("User", coord.ID), "r": "COORDINATOR"}).ok(t, &d)
	if strings.Contains(strings.Join(d.RevokeRole.Roles, ","), "COORDINATOR") || len(d.RevokeRole.CoordinatedCentres) != 0 {
		t.Fatalf("revokeRole answered %+v", d)
	}
	if sees(draftB) {
		t.Error("a former coordinator still sees drafts")
	}
}

func TestUsersQuery(t *testing.T) {
	e := newAccountEnv(t, nil)
	e.account("leyla@example.az", "Leyla Əliyeva")
	e.account("samir@example.az", "Samir Şükürov")
	admin := e.admin()
	var d struct{ Users []struct{ Email string } }
	e.post(admin, `{ users(search: "ŞÜKÜR") { email } }`, nil).ok(t, &d)
	if len(d.Users) != 1 || d.Users[0].Email != "samir@example.az" {
		t.Errorf("search by name: %+v", d.Users)
	}
	e.post(admin, `{ users(search: "LEYLA@") { email } }`, nil).ok(t, &d)
	if len(d.Users) != 1 || d.Users[0].Email != "leyla@example.az" {
		t.Errorf("search by email: %+v", d.Users)
	}
	e.post(admin, `{ users(suspended: false, first: 2) { email } }`, nil).ok(t, &d)
	if len(d.Users) != 2 || d.Users[0].Email != "admin@konullu.az" {
		t.Errorf("first page: %+v", d.Users)
	}
	e.post(admin, `{ users(first: 0) { email } }`, nil).wantError(t, konullu.EINVALID, "first")
	e.post(e.login("leyla@example.az"), `{ users { email } }`, nil).wantError(t, konullu.EFORBIDDEN, "")
}

// limiterOf maps the API's rules to the default limits on a real limiter:
// in memory, or shared through the Redis of KONULLU_TEST_REDIS_URL.
type limiterOf struct {
	l     *ratelimit.Limiter
	rules ratelimit.Rules
}

func (l limiterOf) limit(rule string) (ratelimit.Limit, bool) {
	switch rule {
	case schema.RuleLoginAccountAddress:
		return l.rules.LoginAccountAddress, true
	case schema.RuleLoginAccount:
		return l.rules.LoginAccount, true
	case schema.RuleLoginAddress:
		return l.rules.LoginAddress, true
	case schema.RuleResetAccount:
		return l.rules.ResetAccount, true
	case schema.RuleResetAddress:
		return l.rules.ResetAddress, true
	}
	return ratelimit.Limit{}, false
}

func (l limiterOf) Allow(ctx context.Context, rule, key string, n int) (bool, time.Duration) {
	lim, ok := l.limit(rule)
	if !ok {
		return true, 0
	}
	d := l.l.AllowN(ctx, ratelimit.Rule{Name: rule, Limit: lim}, key, n)
	return d.Allowed, d.RetryAfter
}

func (l limiterOf) Reset(ctx context.Context, rule, key string) {
	if lim, ok := l.limit(rule); ok {
		l.l.Reset(ctx, ratelimit.Rule{Name: rule, Limit: lim}, key)
	}
}

func newTestLimiter(t *testing.T) limiterOf {
	var rdb redis.UniversalClient
	if u := os.Getenv("KONULLU_TEST_REDIS_URL"); u != "" {
		opt, err := redis.ParseURL(u)
		if err != nil {
			t.Fatal(err)
		}
		c := redis.NewClient(opt)
		t.Cleanup(func() { c.Close() })
		rdb = c
	}
	return limiterOf{ratelimit.New(rdb, ratelimit.Options{}), ratelimit.DefaultRules()}
}

// TestLoginLockout (issue 11, hole 9): ten wrong passwords from one address
// stop that address, not the owner on their own device; only a guess spread
// over many addresses reaches the per-account limit.
func TestLoginLockout(t *testing.T) {
	lim := newTestLimiter(t)
	e := newAccountEnv(t, func(c *schema.Config) { c.Limiter = lim })
	suffix := make([]byte, 4)
	rand.Read(suffix) // the Redis of the tests is shared between runs
	email := "owner-" + hex.EncodeToString(suffix) + "@example.az"
	e.account(email, "Owner")
	login := `mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }`
	wrong := map[string]any{"e": email, "p": "a wrong guess!"}
	right := map[string]any{"e": email, "p": password}
	// Addresses are the run's own too: the per-address counts outlive a run.
	run := hex.EncodeToString(suffix)
	addr := func(host string) string { return "[2001:db8:" + run[:4] + ":" + run[4:] + "::" + host + "]:4000" }
	attacker, owner := addr("a"), addr("b")

	for i := range 10 {
		if r := e.postAs(attacker, "", "", login, wrong); r.code() != konullu.EUNAUTHENTICATED {
			t.Fatalf("guess %d: %s", i+1, r.Body)
		}
	}
	e.postAs(attacker, "", "", login, wrong).wantError(t, konullu.ERATELIMITED, "")
	e.postAs(attacker, "", "", login, right).wantError(t, konullu.ERATELIMITED, "") // the attacker's address is done
	e.postAs(owner, "", "", login, right).ok(t, nil)                                // the owner is not

	// The owner's own typos are counted apart, and a success clears them.
	for range 9 {
		e.postAs(owner, "", "", login, wrong).wantError(t, konullu.EUNAUTHENTICATED, "")
	}
	e.postAs(owner, "", "", login, right).ok(t, nil)
	for range 9 {
		e.postAs(owner, "", "", login, wrong).wantError(t, konullu.EUNAUTHENTICATED, "")
	}
	e.postAs(owner, "", "", login, right).ok(t, nil)

	// A guess spread over many addresses meets the per-account limit (100
	// per 15 minutes): 10 refused-or-counted tries from each of 10 more.
	for a := range 10 {
		from := addr(fmt.Sprintf("c%d", a))
		for range 10 {
			e.postAs(from, "", "", login, wrong)
		}
	}
	e.postAs(addr("d"), "", "", login, right).wantError(t, konullu.ERATELIMITED, "")
}

// loggerOf is a logger that writes where the env's logs are read.
func loggerOf(e *env) *slog.Logger { return slog.New(slog.NewJSONHandler(e.logs, nil)) }
