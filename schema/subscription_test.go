package schema_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/konullu/konullu"
	"github.com/konullu/konullu/live"
	"github.com/konullu/konullu/redisconn/redistest"
)

// liveEnv is an API with subscriptions: a bus on a real Redis (or the
// test's miniredis) and a real HTTP server.
type liveEnv struct {
	*env
	srv *httptest.Server
	bus *live.Bus
}

func newLiveEnv(t *testing.T, opts ...envOption) *liveEnv {
	t.Helper()
	rd := redistest.Open(t)
	bus := live.New(rd.Client, rd.Prefix+"events", nil)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); bus.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
	<-bus.Ready()
	e := newEnv(t, append([]envOption{withEvents(bus)}, opts...)...)
	srv := httptest.NewServer(e.h)
	t.Cleanup(srv.Close)
	return &liveEnv{env: e, srv: srv, bus: bus}
}

// wsClient speaks graphql-transport-ws, as the graphql-ws client does.
type wsClient struct {
	t  *testing.T
	ws *websocket.Conn
}

type wsMsg struct {
	Type    string          `json:"type"`
	ID      string          `json:"id,omitempty"`
	Payload json.RawMessage `json:"payload,omitempty"`
}

func (le *liveEnv) dial(t *testing.T) *wsClient {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	ws, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(le.srv.URL, "http")+"/graphql",
		&websocket.DialOptions{Subprotocols: []string{"graphql-transport-ws"}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ws.CloseNow() })
	return &wsClient{t: t, ws: ws}
}

func (c *wsClient) send(m wsMsg) {
	c.t.Helper()
	b, _ := json.Marshal(m)
	if err := c.ws.Write(context.Background(), websocket.MessageText, b); err != nil {
		c.t.Fatal(err)
	}
}

// read returns the next message, or the close status when the server closed.
func (c *wsClient) read() (wsMsg, websocket.StatusCode) {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for {
		_, b, err := c.ws.Read(ctx)
		if err != nil {
			if s := websocket.CloseStatus(err); s != -1 {
				return wsMsg{}, s
			}
			c.t.Fatalf("read: %v", err)
		}
		var m wsMsg
		if err := json.Unmarshal(b, &m); err != nil {
			c.t.Fatalf("not JSON: %s", b)
		}
		if m.Type == "ping" || m.Type == "pong" {
			continue
		}
		return m, 0
	}
}

// pingPong sends a ping and waits for the pong; whatever the server sends
// before it fails the test. The server reads messages in order, so what
// was sent before the ping has been read.
func (c *wsClient) pingPong() {
	c.t.Helper()
	c.send(wsMsg{Type: "ping"})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, b, err := c.ws.Read(ctx)
	if err != nil || !strings.Contains(string(b), `"pong"`) {
		c.t.Fatalf("want pong, got %s %v", b, err)
	}
}

func (c *wsClient) want(typ, id string) wsMsg {
	c.t.Helper()
	m, closed := c.read()
	if closed != 0 || m.Type != typ || m.ID != id {
		c.t.Fatalf("want %s %q, got %+v (closed %d)", typ, id, m, closed)
	}
	return m
}

func (c *wsClient) wantClosed(code websocket.StatusCode) {
	c.t.Helper()
	m, closed := c.read()
	if closed != code {
		c.t.Fatalf("want the connection closed with %d, got %+v (closed %d)", code, m, closed)
	}
}

func (c *wsClient) init(token string) {
	c.t.Helper()
	c.send(wsMsg{Type: "connection_init", Payload: json.RawMessage(`{"Authorization":"Bearer ` + token + `"}`)})
	c.want("connection_ack", "")
}

func (c *wsClient) subscribe(id, query string, vars map[string]any) {
	c.t.Helper()
	b, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	c.send(wsMsg{Type: "subscribe", ID: id, Payload: b})
}

// wantErrorCode reads an error message for the operation and checks its code.
func (c *wsClient) wantErrorCode(id, code string) {
	c.t.Helper()
	m := c.want("error", id)
	var errs []gqlError
	if err := json.Unmarshal(m.Payload, &errs); err != nil || len(errs) == 0 || errs[0].Extensions.Code != code {
		c.t.Fatalf("want error %s for %s, got %s", code, id, m.Payload)
	}
}

const centreActivity = `subscription($c: ID!) { centreActivity(centreId: $c) { kind at shift { id } assignment { id status volunteer { fullName email } } } }`

// TestSubscriptions walks the protocol and its rules on one server: who may
// subscribe, what an event shows, and how rights lost end what was granted.
func TestSubscriptions(t *testing.T) {
	le := newLiveEnv(t)
	e := le.env
	admin := e.admin()
	c := e.centre("ASAN Xidmət 1", "Asia/Baku")
	other := e.centre("ASAN Xidmət 2", "Asia/Baku")
	p := e.position("Greeter")
	s := e.shift(c, p, t0.Add(48*time.Hour), 2, true)
	coordUser := e.account("rauf@example.az", "Rauf Quliyev")
	e.grant(coordUser, konullu.RoleCoordinator, c.ID)
	coord := e.login(coordUser.Email)
	vol := e.account("aysel@example.az", "Aysel Məmmədova")
	volToken := e.login(vol.Email)
	vars := map[string]any{"c": gid("Centre", c.ID)}

	t.Run("ErrBadToken", func(t *testing.T) {
		ws := le.dial(t)
		ws.send(wsMsg{Type: "connection_init", Payload: json.RawMessage(`{"Authorization":"Bearer not-a-token"}`)})
		ws.wantClosed(4403)
	})
	t.Run("ErrNoInit", func(t *testing.T) {
		ws := le.dial(t)
		ws.subscribe("1", centreActivity, vars)
		ws.wantClosed(4401)
	})
	t.Run("ErrVolunteerRefused", func(t *testing.T) {
		ws := le.dial(t)
		ws.init(volToken)
		ws.subscribe("1", centreActivity, vars)
		ws.wantErrorCode("1", konullu.EFORBIDDEN)
		// Another centre's activity is refused to its coordinator too.
		ws2 := le.dial(t)
		ws2.init(coord)
		ws2.subscribe("1", centreActivity, map[string]any{"c": gid("Centre", other.ID)})
		ws2.wantErrorCode("1", konullu.EFORBIDDEN)
	})
	t.Run("ErrQueryOverWebSocket", func(t *testing.T) {
		ws := le.dial(t)
		ws.init(coord)
		ws.subscribe("q", `{ centres { id } }`, nil)
		ws.wantErrorCode("q", konullu.EINVALID)
		ws.subscribe("m", `mutation { logout }`, nil)
		ws.wantErrorCode("m", konullu.EINVALID)
	})
	t.Run("ErrTooManySubscriptions", func(t *testing.T) {
		ws := le.dial(t)
		ws.init(coord)
		for i := range 20 {
			ws.subscribe("s"+string(rune('a'+i)), centreActivity, vars)
		}
		ws.subscribe("one-more", centreActivity, vars)
		ws.wantErrorCode("one-more", konullu.ERATELIMITED)
	})
	t.Run("ErrDuplicateID", func(t *testing.T) {
		ws := le.dial(t)
		ws.init(coord)
		ws.subscribe("same", centreActivity, vars)
		ws.subscribe("same", centreActivity, vars)
		ws.wantClosed(4409)
	})
	t.Run("PingPong", func(t *testing.T) {
		ws := le.dial(t)
		ws.init(coord)
		ws.pingPong()
	})

	// The coordinator and an admin watch; the volunteer signs up.
	watch := le.dial(t)
	watch.init(coord)
	watch.subscribe("live", centreActivity, vars)
	adminWatch := le.dial(t)
	adminWatch.init(admin)
	adminWatch.subscribe("live", centreActivity, vars)
	notes := le.dial(t)
	notes.init(volToken)
	notes.subscribe("notes", `subscription { myNotifications { id kind title } }`, nil)
	// The subscriptions are registered once the server read them; a ping
	// answered after them proves it (messages are read in order).
	for _, ws := range []*wsClient{watch, adminWatch, notes} {
		ws.pingPong()
	}
	var signed struct{ SignUp struct{ ID string } }
	e.post(volToken, `mutation($s: ID!) { signUp(shiftId: $s) { id } }`, map[string]any{"s": gid("Shift", s.ID)}).ok(t, &signed)
	for _, ws := range []*wsClient{watch, adminWatch} {
		m := ws.want("next", "live")
		var got struct {
			Data struct {
				CentreActivity struct {
					Kind       string
					Shift      struct{ ID string }
					Assignment struct {
						ID, Status string
						Volunteer  struct{ FullName, Email string }
					}
				}
			}
		}
		if err := json.Unmarshal(m.Payload, &got); err != nil {
			t.Fatal(err)
		}
		ev := got.Data.CentreActivity
		if ev.Kind != "SIGNED_UP" || ev.Shift.ID != gid("Shift", s.ID) || ev.Assignment.ID != signed.SignUp.ID ||
			ev.Assignment.Volunteer.FullName != "Aysel Məmmədova" || ev.Assignment.Volunteer.Email != vol.Email {
			t.Fatalf("event: %s", m.Payload)
		}
	}

	// The signup's confirmation, stored by a dispatcher, reaches the volunteer.
	deliverInApp(t, e)
	m := notes.want("next", "notes")
	if !strings.Contains(string(m.Payload), `"kind":"SIGNUP_CONFIRMED"`) {
		t.Fatalf("notification: %s", m.Payload)
	}

	// The coordinator loses the centre: the subscription ends, FORBIDDEN.
	e.post(admin, `mutation($u: ID!, $c: [ID!]) { revokeRole(userId: $u, role: COORDINATOR, centreIds: $c) { id } }`,
		map[string]any{"u": gid("User", coordUser.ID), "c": []string{gid("Centre", c.ID)}}).ok(t, nil)
	watch.wantErrorCode("live", konullu.EFORBIDDEN)

	// The volunteer is suspended: the connection closes.
	e.post(admin, `mutation($u: ID!) { suspendUser(userId: $u, reason: "test") { suspended } }`,
		map[string]any{"u": gid("User", vol.ID)}).ok(t, nil)
	notes.wantClosed(4403)

	// The admin logs out everywhere: the connection closes.
	e.post(admin, `mutation { logoutEverywhere }`, nil).ok(t, nil)
	adminWatch.wantClosed(4403)
}

// deliverInApp does a dispatcher's work for the in-app channel: it stores
// every pending in-app message as a notification.
func deliverInApp(t *testing.T, e *env) {
	t.Helper()
	ctx := context.Background()
	msgs, err := e.db.ClaimOutbox(ctx, konullu.OutboxClaim{Token: "test", Now: e.clock.Now().Add(time.Hour), Lease: time.Minute, Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	var results []konullu.DeliveryResult
	for _, m := range msgs {
		r := konullu.DeliveryResult{ID: m.ID, Status: konullu.OutboxSkipped}
		if m.Channel == konullu.ChannelInApp {
			r.Status = konullu.OutboxSent
			r.InApp = &konullu.Notification{UserID: m.Recipient.UserID, Kind: m.Kind, Title: "Signed up", Body: "You have a place.",
				AssignmentID: m.Shift.AssignmentID, ShiftID: m.Shift.ShiftID}
		}
		results = append(results, r)
	}
	if err := e.db.FinishOutbox(ctx, "test", results); err != nil {
		t.Fatal(err)
	}
	if len(results) == 0 {
		t.Fatal(errors.New("nothing to deliver"))
	}
}
