package schema_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/konullu/konullu"
	"github.com/konullu/konullu/schema"
	"github.com/konullu/konullu/store"
	"github.com/konullu/konullu/store/storetest"
)

// FuzzHandler sends arbitrary bodies to the GraphQL endpoint, anonymously
// and as an admin. Whatever comes in, the answer is JSON with a known
// status, every error has a code, nothing internal leaks, and nothing is
// logged as an internal error.
func FuzzHandler(f *testing.F) {
	for _, s := range []string{
		`{"query":"{ centres { id name } }"}`,
		`{"query":"query($id: ID!) { node(id: $id) { id ... on Shift { capacity } } }","variables":{"id":"U2hpZnQ6MQ"}}`,
		`{"query":"mutation { login(email: \"a@b.az\", password: \"x\") { token } }"}`,
		`{"query":"{ shifts(from: \"2025-01-01T00:00:00Z\", to: \"2025-02-01T00:00:00Z\", first: 5) { totalCount edges { cursor node { id } } } }"}`,
		`{"query":"{ a: centres { id } b: centres { id } }","operationName":null}`,
		`{"query":"{ __schema { types { name } } }"}`,
		`{"query":"{ me { volunteer { assignments { shift { assignments { shift { id } } } } } } }"}`,
		`{"query":"mutation($in: RegisterInput!) { register(input: $in) { token } }","variables":{"in":{"email":"x","password":1,"fullName":null,"birthDate":"1900-13-01"}}}`,
		`{"query":"{ centres { id } }","variables":[]}`,
		`[]`, `null`, `{}`, `{"query":""}`, "{\"query\":\"\xff\"}",
	} {
		f.Add(s, false)
	}
	e := &env{clock: storetest.NewClock(t0), logs: &syncBuffer{}}
	logger := slog.New(slog.NewJSONHandler(e.logs, nil))
	e.db = storetest.Open(f, store.Options{Now: e.clock.Now, Logger: logger})
	e.h = schema.NewHandler(schema.Config{Store: e.db, Logger: logger, Now: e.clock.Now, Argon2: testArgon2, Unavailable: store.IsUnavailable})
	c := &konullu.Centre{Name: "Bakı ASAN 1", City: "Bakı", Timezone: "Asia/Baku"}
	if err := e.db.CreateCentre(context.Background(), c); err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, body string, admin bool) {
		e.t = t
		req := httptest.NewRequest("POST", "/graphql", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		if admin {
			req.Header.Set("Authorization", "Bearer "+adminToken(e))
		}
		w := httptest.NewRecorder()
		e.h.ServeHTTP(w, req)
		switch w.Code {
		case http.StatusOK, http.StatusBadRequest, http.StatusRequestEntityTooLarge, http.StatusTooManyRequests:
		default:
			t.Fatalf("status %d for %q: %s", w.Code, body, w.Body)
		}
		var res struct {
			Data   json.RawMessage `json:"data"`
			Errors []struct {
				Message    string         `json:"message"`
				Extensions map[string]any `json:"extensions"`
			} `json:"errors"`
		}
		if err := json.Unmarshal(w.Body.Bytes(), &res); err != nil {
			t.Fatalf("answer is not JSON for %q: %s", body, w.Body)
		}
		for _, er := range res.Errors {
			code, _ := er.Extensions["code"].(string)
			if code == "" || code == "INTERNAL" {
				t.Fatalf("error %q (code %q) for %q", er.Message, code, body)
			}
		}
		if logs := e.logs.String(); strings.Contains(logs, `"level":"ERROR"`) {
			t.Fatalf("%q logged an error:\n%s", body, logs)
		}
	})
}

var fuzzAdmin struct{ token string }

// adminToken signs the admin in once per fuzzing process.
func adminToken(e *env) string {
	if fuzzAdmin.token == "" {
		fuzzAdmin.token = e.admin()
	}
	return fuzzAdmin.token
}
