package schema_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/konullu/konullu"
)

const registerMutation = `mutation($input: RegisterInput!) {
  register(input: $input) { token user { id email roles createdAt volunteer { fullName email phone city birthDate status } } }
}`

func registerInput(email string) map[string]any {
	return map[string]any{
		"email": email, "password": "long enough secret", "fullName": "  Aysel Məmmədova ",
		"birthDate": "2005-04-01", "phone": "+994 55 555 55 55", "city": "Gəncə",
	}
}

func TestRegister(t *testing.T) {
	e := newEnv(t)
	var data struct {
		Register struct {
			Token string
			User  struct {
				ID, Email, CreatedAt string
				Roles                []string
				Volunteer            struct {
					FullName, Email, Phone, City, BirthDate, Status string
				}
			}
		}
	}
	e.post("", registerMutation, map[string]any{"input": registerInput("Aysel@Example.AZ")}).ok(t, &data)
	r := data.Register
	if len(r.Token) < 40 {
		t.Errorf("token %q is too short", r.Token)
	}
	v := r.User.Volunteer
	if r.User.Email != "aysel@example.az" || v.FullName != "Aysel Məmmədova" || v.Email != "aysel@example.az" ||
		v.Phone != "+994 55 555 55 55" || v.City != "Gəncə" || v.BirthDate != "2005-04-01" || v.Status != "ACTIVE" {
		t.Errorf("the new account reads back as %+v", r.User)
	}
	if len(r.User.Roles) != 1 || r.User.Roles[0] != "VOLUNTEER" {
		t.Errorf("roles = %v, want [VOLUNTEER]", r.User.Roles)
	}
	if r.User.CreatedAt != "2025-03-10T08:00:00Z" {
		t.Errorf("createdAt = %s, want the clock's time in UTC", r.User.CreatedAt)
	}

	// The token signs in.
	var me struct{ Me struct{ ID, Email string } }
	e.post(r.Token, `{ me { id email } }`, nil).ok(t, &me)
	if me.Me.ID != r.User.ID {
		t.Errorf("me = %+v, want the registered user %s", me.Me, r.User.ID)
	}
}

func TestRegisterValidation(t *testing.T) {
	e := newEnv(t)
	tests := []struct {
		name   string
		change func(in map[string]any)
		code   string
		field  string
	}{
		{"ErrEmailMalformed", func(in map[string]any) { in["email"] = "aysel.example.az" }, konullu.EINVALID, "email"},
		{"ErrEmailNoDomain", func(in map[string]any) { in["email"] = "aysel@localhost" }, konullu.EINVALID, "email"},
		{"ErrPasswordShort", func(in map[string]any) { in["password"] = "123456789" }, konullu.EINVALID, "password"},
		{"ErrFullNameEmpty", func(in map[string]any) { in["fullName"] = "   " }, konullu.EINVALID, "fullName"},
		{"ErrBirthDateFuture", func(in map[string]any) { in["birthDate"] = "2030-01-01" }, konullu.EINVALID, "birthDate"},
		{"ErrBirthDateToday", func(in map[string]any) { in["birthDate"] = "2025-03-10" }, konullu.EINVALID, "birthDate"},
		{"ErrBirthDateAncient", func(in map[string]any) { in["birthDate"] = "1899-12-31" }, konullu.EINVALID, "birthDate"},
		{"ErrBirthDateFormat", func(in map[string]any) { in["birthDate"] = "01.04.2005" }, konullu.EINVALID, "birthDate"},
		{"ErrBirthDateNoSuchDay", func(in map[string]any) { in["birthDate"] = "2005-02-30" }, konullu.EINVALID, "birthDate"},
		{"ErrPhone", func(in map[string]any) { in["phone"] = "call me maybe" }, konullu.EINVALID, "phone"},
		{"ErrEmailMissing", func(in map[string]any) { delete(in, "email") }, konullu.EINVALID, "email"},
		{"ErrUnknownField", func(in map[string]any) { in["nickname"] = "ays" }, konullu.EINVALID, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := registerInput("aysel@example.az")
			tt.change(in)
			res := e.post("", registerMutation, map[string]any{"input": in})
			res.wantError(t, tt.code, tt.field)
			if string(res.Data) != "" && string(res.Data) != "null" && string(res.Data) != `{"register":null}` {
				t.Errorf("data = %s", res.Data)
			}
		})
	}
	// None of them created the account.
	e.post("", registerMutation, map[string]any{"input": registerInput("aysel@example.az")}).ok(t, nil)
}

func TestRegisterBirthDateLiteral(t *testing.T) {
	e := newEnv(t)
	res := e.post("", `mutation { register(input: {email: "a@b.az", password: "long enough secret", fullName: "A", birthDate: "2005-4-1"}) { token } }`, nil)
	res.wantError(t, konullu.EINVALID, "birthDate")
}

func TestRegisterDuplicateEmail(t *testing.T) {
	e := newEnv(t)
	e.post("", registerMutation, map[string]any{"input": registerInput("aysel@example.az")}).ok(t, nil)
	e.post("", registerMutation, map[string]any{"input": registerInput("AYSEL@example.az")}).wantError(t, konullu.ECONFLICT, "")
}

func TestRegisterRequireApproval(t *testing.T) {
	rules := konullu.DefaultRules()
	rules.RequireApproval = true
	e := newEnv(t, withRules(rules))
	c := e.centre("Bakı ASAN 1", "Asia/Baku")
	p := e.position("Reception guide")
	s := e.shift(c, p, t0.Add(48*time.Hour), 5, true)
	coordinator := e.account("coord@konullu.az", "Coordinator")
	e.grant(coordinator, konullu.RoleCoordinator, c.ID)
	coordToken := e.login("coord@konullu.az")

	var data struct {
		Register struct {
			Token string
			User  struct{ Volunteer struct{ Status string } }
		}
	}
	e.post("", registerMutation, map[string]any{"input": registerInput("new@example.az")}).ok(t, &data)
	if got := data.Register.User.Volunteer.Status; got != "PENDING" {
		t.Fatalf("status = %s, want PENDING", got)
	}
	token := data.Register.Token
	signUp := `mutation($s: ID!) { signUp(shiftId: $s) { status } }`
	e.post(token, signUp, map[string]any{"s": gid("Shift", s.ID)}).wantError(t, konullu.EREQUIREMENT, "")

	var me struct {
		Me struct{ Volunteer struct{ ID string } }
	}
	e.post(token, `{ me { volunteer { id } } }`, nil).ok(t, &me)
	approve := `mutation($v: ID!) { approveVolunteer(volunteerId: $v) { status } }`
	e.post(token, approve, map[string]any{"v": me.Me.Volunteer.ID}).wantError(t, konullu.EFORBIDDEN, "")
	var approved struct{ ApproveVolunteer struct{ Status string } }
	e.post(coordToken, approve, map[string]any{"v": me.Me.Volunteer.ID}).ok(t, &approved)
	if approved.ApproveVolunteer.Status != "ACTIVE" {
		t.Fatalf("after approval: %s", approved.ApproveVolunteer.Status)
	}
	e.post(token, signUp, map[string]any{"s": gid("Shift", s.ID)}).ok(t, nil)
}

func TestLogin(t *testing.T) {
	e := newEnv(t)
	e.account("leyla@example.az", "Leyla")
	login := `mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token user { email } } }`

	var data struct {
		Login struct {
			Token string
			User  struct{ Email string }
		}
	}
	e.post("", login, map[string]any{"e": "  Leyla@Example.az", "p": password}).ok(t, &data)
	if data.Login.User.Email != "leyla@example.az" || data.Login.Token == "" {
		t.Fatalf("login: %+v", data.Login)
	}

	wrong := e.post("", login, map[string]any{"e": "leyla@example.az", "p": "not the password"})
	unknown := e.post("", login, map[string]any{"e": "nobody@example.az", "p": password})
	malformed := e.post("", login, map[string]any{"e": "nobody", "p": password})
	for _, res := range []*result{wrong, unknown, malformed} {
		res.wantError(t, konullu.EUNAUTHENTICATED, "")
		if res.Errors[0].Message != wrong.Errors[0].Message || res.Errors[0].Extensions.Field != "" {
			t.Errorf("failed logins must not differ: %s vs %s", res.Body, wrong.Body)
		}
	}
}

func TestLogout(t *testing.T) {
	e := newEnv(t)
	e.account("leyla@example.az", "Leyla")
	token := e.login("leyla@example.az")
	other := e.login("leyla@example.az")

	var data struct{ Logout bool }
	e.post(token, `mutation { logout }`, nil).ok(t, &data)
	if !data.Logout {
		t.Fatal("logout = false")
	}
	res := e.post(token, `{ me { email } }`, nil)
	if res.Status != http.StatusUnauthorized {
		t.Errorf("revoked token: status %d, want 401", res.Status)
	}
	res.wantError(t, konullu.EUNAUTHENTICATED, "")
	// Other sessions of the user live on; anonymous requests still work.
	e.post(other, `{ me { email } }`, nil).ok(t, nil)
	e.post("", `{ me { email } }`, nil).ok(t, nil)
	e.post("", `mutation { logout }`, nil).wantError(t, konullu.EUNAUTHENTICATED, "")
}

func TestBadTokens(t *testing.T) {
	e := newEnv(t)
	e.account("leyla@example.az", "Leyla")
	token := e.login("leyla@example.az")
	for name, header := range map[string]string{
		"Garbage":        "Bearer not-a-token",
		"Forged":         "Bearer " + token[:len(token)-2] + "AA",
		"OtherScheme":    "Basic bGV5bGE6c2VjcmV0",
		"NoToken":        "Bearer",
		"ExpiredSession": "",
	} {
		t.Run(name, func(t *testing.T) {
			if name == "ExpiredSession" {
				e.clock.Set(t0.Add(31 * 24 * time.Hour))
				defer e.clock.Set(t0)
				header = "Bearer " + token
			}
			req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(`{"query":"{ me { email } }"}`))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Authorization", header)
			res := e.serve(req)
			if res.Status != http.StatusUnauthorized {
				t.Errorf("status %d, want 401: %s", res.Status, res.Body)
			}
			res.wantError(t, konullu.EUNAUTHENTICATED, "")
		})
	}
	// The session is good until then.
	e.post(token, `{ me { email } }`, nil).ok(t, nil)
}
