package schema_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/konullu/konullu"
)

func newRequest(method, target, contentType, body string) *http.Request {
	req := httptest.NewRequest(method, target, strings.NewReader(body))
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	return req
}

func getURL(query string, extra url.Values) string {
	v := url.Values{"query": {query}}
	for k, x := range extra {
		v[k] = x
	}
	return "/graphql?" + v.Encode()
}

func TestTransport(t *testing.T) {
	e := newEnv(t)
	e.centre("Bakı ASAN 1", "Asia/Baku")
	tests := []struct {
		name    string
		req     *http.Request
		status  int
		code    string
		allow   string
		hasData bool
	}{
		{name: "PostJSON", req: newRequest("POST", "/graphql", "application/json", `{"query":"{ centres { name } }"}`), status: 200, hasData: true},
		{name: "PostJSONCharset", req: newRequest("POST", "/graphql", "application/json; charset=utf-8", `{"query":"{ centres { name } }"}`), status: 200, hasData: true},
		{name: "GetQuery", req: newRequest("GET", getURL("{ centres { name } }", nil), "", ""), status: 200, hasData: true},
		{name: "GetQueryWithVariables", req: newRequest("GET", getURL(`query($id: ID!) { node(id: $id) { id } }`, url.Values{"variables": {`{"id":"` + gid("Centre", 1) + `"}`}}), "", ""), status: 200, hasData: true},
		{name: "ErrGetMutation", req: newRequest("GET", getURL(`mutation { logout }`, nil), "", ""), status: 405, code: konullu.EINVALID, allow: "POST"},
		{name: "ErrGetMutationTypename", req: newRequest("GET", getURL(`mutation M { __typename }`, nil), "", ""), status: 405, code: konullu.EINVALID, allow: "POST"},
		{name: "ErrGetMutationAmongQueries", req: newRequest("GET", getURL(`query Q { me { id } } mutation M { logout }`, url.Values{"operationName": {"M"}}), "", ""), status: 405, code: konullu.EINVALID, allow: "POST"},
		{name: "GetQueryAmongMutations", req: newRequest("GET", getURL(`query Q { centres { id } } mutation M { logout }`, url.Values{"operationName": {"Q"}}), "", ""), status: 200, hasData: true},
		{name: "ErrGetMutationAfterComment", req: newRequest("GET", getURL("# query { centres { id } }\nmutation { logout }", nil), "", ""), status: 405, code: konullu.EINVALID, allow: "POST"},
		{name: "ErrGetMutationTrickyDefault", req: newRequest("GET", getURL(`mutation M($r: String = "} query {") { logout }`, nil), "", ""), status: 405, code: konullu.EINVALID, allow: "POST"},
		{name: "GetQueryWithFragment", req: newRequest("GET", getURL(`fragment F on Centre { id } query { centres { ...F } }`, nil), "", ""), status: 200, hasData: true},
		{name: "ErrGetBadVariables", req: newRequest("GET", getURL("{ centres { name } }", url.Values{"variables": {"{"}}), "", ""), status: 400, code: konullu.EINVALID},
		{name: "ErrPut", req: newRequest("PUT", "/graphql", "application/json", `{"query":"{ centres { name } }"}`), status: 405, code: konullu.EINVALID, allow: "GET, POST"},
		{name: "ErrBadJSON", req: newRequest("POST", "/graphql", "application/json", `{"query": "{ centres { name } }"`), status: 400, code: konullu.EINVALID},
		{name: "ErrJSONNotObject", req: newRequest("POST", "/graphql", "application/json", `["{ centres { name } }"]`), status: 400, code: konullu.EINVALID},
		{name: "ErrVariablesNotObject", req: newRequest("POST", "/graphql", "application/json", `{"query":"{ centres { name } }","variables":"x"}`), status: 400, code: konullu.EINVALID},
		{name: "ErrTwoObjects", req: newRequest("POST", "/graphql", "application/json", `{"query":"{ centres { name } }"}{}`), status: 400, code: konullu.EINVALID},
		{name: "ErrNoQuery", req: newRequest("POST", "/graphql", "application/json", `{"variables":{}}`), status: 400, code: konullu.EINVALID},
		{name: "ErrFormBody", req: newRequest("POST", "/graphql", "application/x-www-form-urlencoded", `query=%7B+centres+%7B+name+%7D+%7D`), status: 415, code: konullu.EINVALID},
		{name: "ErrNoContentType", req: newRequest("POST", "/graphql", "", `{"query":"{ centres { name } }"}`), status: 415, code: konullu.EINVALID},
		{name: "ErrLatin1", req: newRequest("POST", "/graphql", "application/json; charset=latin1", `{"query":"{ centres { name } }"}`), status: 415, code: konullu.EINVALID},
		// With application/json, GraphQL errors come with 200.
		{name: "SyntaxErrorJSON", req: newRequest("POST", "/graphql", "application/json", `{"query":"{ centres { name }"}`), status: 200, code: konullu.EINVALID},
		{name: "OperationNotFound", req: newRequest("POST", "/graphql", "application/json", `{"query":"query A { me { id } }","operationName":"B"}`), status: 200, code: konullu.EINVALID},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := e.serve(tt.req)
			if res.Status != tt.status {
				t.Errorf("status %d, want %d: %s", res.Status, tt.status, res.Body)
			}
			if res.code() != tt.code {
				t.Errorf("code %q, want %q: %s", res.code(), tt.code, res.Body)
			}
			if got := res.Header.Get("Allow"); got != tt.allow {
				t.Errorf("Allow: %q, want %q", got, tt.allow)
			}
			if hasData := res.Data != nil; hasData != tt.hasData {
				t.Errorf("data present: %v, want %v: %s", hasData, tt.hasData, res.Body)
			}
			if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
				t.Errorf("Content-Type %q", ct)
			}
		})
	}
}

func TestTransportOneOperation(t *testing.T) {
	e := newEnv(t)
	e.centre("Bakı ASAN 1", "Asia/Baku")
	doc := `query A { centres { name } } query B { positions { name } }`
	body, _ := json.Marshal(map[string]any{"query": doc, "operationName": "B"})
	res := e.serve(newRequest("POST", "/graphql", "application/json", string(body)))
	if string(res.Data) != `{"positions":[]}` {
		t.Errorf("data = %s, want only operation B", res.Data)
	}
	body, _ = json.Marshal(map[string]any{"query": doc})
	e.serve(newRequest("POST", "/graphql", "application/json", string(body))).wantError(t, konullu.EINVALID, "")
}

func TestTransportBodyLimit(t *testing.T) {
	e := newEnv(t)
	// A valid request padded with spaces to exactly 1 MiB is read; one byte more is refused.
	base := `{"query":"{ centres { name } }"}`
	exact := base + strings.Repeat(" ", 1<<20-len(base))
	res := e.serve(newRequest("POST", "/graphql", "application/json", exact))
	if res.Status != http.StatusOK {
		t.Errorf("1 MiB: status %d: %s", res.Status, res.Body)
	}
	res = e.serve(newRequest("POST", "/graphql", "application/json", exact+" "))
	if res.Status != http.StatusRequestEntityTooLarge {
		t.Errorf("1 MiB + 1: status %d, want 413", res.Status)
	}
	res.wantError(t, konullu.EINVALID, "")
}

func TestTransportGraphQLResponseMediaType(t *testing.T) {
	e := newEnv(t)
	send := func(accept, query string) *result {
		req := newRequest("POST", "/graphql", "application/json", `{"query":`+string(must(json.Marshal(query)))+`}`)
		req.Header.Set("Accept", accept)
		return e.serve(req)
	}
	res := send("application/graphql-response+json, application/json;q=0.9", "{ centres { id } }")
	if ct := res.Header.Get("Content-Type"); ct != "application/graphql-response+json; charset=utf-8" || res.Status != 200 {
		t.Errorf("got %d %q", res.Status, ct)
	}
	// A request error (nothing executed) is a 400 with this media type...
	for _, q := range []string{"{ centres { id }", "{ nope }", `{ shifts(from: "x", to: "y") { totalCount } }`} {
		res = send("application/graphql-response+json", q)
		if res.Status != http.StatusBadRequest || res.Data != nil {
			t.Errorf("%s: status %d, data %s; want 400 without data", q, res.Status, res.Data)
		}
	}
	// ...but a field error is not.
	res = send("application/graphql-response+json", `{ node(id: "bad") { id } }`)
	if res.Status != http.StatusOK || res.Data == nil {
		t.Errorf("field error: status %d, data %s", res.Status, res.Data)
	}
	// The older type for older clients, and for */*.
	for _, accept := range []string{"application/json", "*/*", "application/json, application/graphql-response+json;q=0.5"} {
		res = send(accept, "{ nope }")
		if ct := res.Header.Get("Content-Type"); ct != "application/json; charset=utf-8" || res.Status != 200 {
			t.Errorf("Accept %s: got %d %q", accept, res.Status, ct)
		}
	}
	res = send("text/html", "{ centres { id } }")
	if res.Status != http.StatusNotAcceptable {
		t.Errorf("Accept text/html: status %d, want 406", res.Status)
	}
}

func TestTransportRequestID(t *testing.T) {
	e := newEnv(t)
	req := newRequest("POST", "/graphql", "application/json", `{"query":"{ centres { id } }"}`)
	res := e.serve(req)
	first := res.Header.Get("X-Request-Id")
	if len(first) < 16 {
		t.Errorf("X-Request-Id %q", first)
	}
	if second := e.serve(newRequest("POST", "/graphql", "application/json", `{"query":"{ centres { id } }"}`)).Header.Get("X-Request-Id"); second == first {
		t.Error("two requests got the same id")
	}
	req = newRequest("POST", "/graphql", "application/json", `{"query":"{ centres { id } }"}`)
	req.Header.Set("X-Request-Id", "lb-1234.abc")
	if got := e.serve(req).Header.Get("X-Request-Id"); got != "lb-1234.abc" {
		t.Errorf("incoming id not reused: %q", got)
	}
	req = newRequest("POST", "/graphql", "application/json", `{"query":"{ centres { id } }"}`)
	req.Header.Set("X-Request-Id", "bad id\" injected=1")
	if got := e.serve(req).Header.Get("X-Request-Id"); strings.ContainsAny(got, " \"=") {
		t.Errorf("insane incoming id reused: %q", got)
	}
}

func TestLimits(t *testing.T) {
	e := newEnv(t)
	deep := `{ me { volunteer { assignments { shift { assignments { shift { assignments { shift { assignments { shift { assignments { shift { assignments { id } } } } } } } } } } } } } }`
	e.post("", deep, nil).wantError(t, konullu.ETOOCOMPLEX, "")
	long := "{ " + strings.Repeat("centres { id } ", 1000) + "}"
	e.post("", long, nil).wantError(t, konullu.ETOOCOMPLEX, "")
	// Introspection (for admins: hardening_test.go) fits the limits when
	// type references nest six deep (our deepest type, [AssignmentStatus!]!, needs three).
	e.post(e.admin(), introspectionQuery, nil).ok(t, nil)
}

// introspectionQuery is GraphiQL's, with six levels of ofType instead of
// seven: the seventh would exceed the maximum depth of 12.
const introspectionQuery = `query IntrospectionQuery {
  __schema {
    queryType { name } mutationType { name } subscriptionType { name }
    types { ...FullType }
    directives { name description locations args { ...InputValue } }
  }
}
fragment FullType on __Type {
  kind name description
  fields(includeDeprecated: true) { name description args { ...InputValue } type { ...TypeRef } isDeprecated deprecationReason }
  inputFields { ...InputValue }
  interfaces { ...TypeRef }
  enumValues(includeDeprecated: true) { name description isDeprecated deprecationReason }
  possibleTypes { ...TypeRef }
}
fragment InputValue on __InputValue { name description type { ...TypeRef } defaultValue }
fragment TypeRef on __Type {
  kind name
  ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name } } } } } }
}`
