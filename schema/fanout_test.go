package schema_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/konullu/konullu"
	"github.com/konullu/konullu/live"
	"github.com/konullu/konullu/redisconn/redistest"
	"github.com/konullu/konullu/schema"
)

// liveStats reads the fan-out's counts of a handler.
func liveStats(h http.Handler) schema.LiveStats {
	return h.(interface{ LiveStats() schema.LiveStats }).LiveStats()
}

const withContact = `subscription($c: ID!) { centreActivity(centreId: $c) { kind assignment { id volunteer { fullName email phone } } } }`

// contactOf reads the volunteer's email from a centreActivity answer ("" when hidden).
func contactOf(t *testing.T, m wsMsg) (kind, name, email string) {
	t.Helper()
	var got struct {
		Data struct {
			CentreActivity struct {
				Kind       string
				Assignment struct {
					Volunteer struct {
						FullName string
						Email    *string
					}
				}
			}
		}
		Errors []gqlError
	}
	if err := json.Unmarshal(m.Payload, &got); err != nil || len(got.Errors) > 0 {
		t.Fatalf("answer: %s", m.Payload)
	}
	ev := got.Data.CentreActivity
	if ev.Assignment.Volunteer.Email != nil {
		email = *ev.Assignment.Volunteer.Email
	}
	return ev.Kind, ev.Assignment.Volunteer.FullName, email
}

// TestSubscriptionsShareAnswers: subscribers with the same document and the
// same rights class get one answer resolved once; the contact rule still
// holds for each (a class is roles and every coordinated centre), a
// volunteer who coordinates sees their own contact details, and a
// coordinator whose role is revoked or who is suspended hears nothing more.
func TestSubscriptionsShareAnswers(t *testing.T) {
	le := newLiveEnv(t)
	e := le.env
	admin := e.admin()
	c := e.centre("ASAN Xidmət 1", "Asia/Baku")
	d := e.centre("ASAN Xidmət 2", "Asia/Baku")
	p := e.position("Greeter")
	sC := e.shift(c, p, t0.Add(48*time.Hour), 5, true)
	sD := e.shift(d, p, t0.Add(72*time.Hour), 5, true)

	// Aynur and Elnur coordinate both centres: one class. Bahar and Samir
	// coordinate C only: another. Samir is a volunteer at C as well.
	coordinator := func(email, name string, centres ...int64) (*konullu.User, string) {
		u := e.account(email, name)
		e.grant(u, konullu.RoleCoordinator, centres...)
		return u, e.login(email)
	}
	_, aynur := coordinator("aynur@example.az", "Aynur", c.ID, d.ID)
	elnurUser, elnur := coordinator("elnur@example.az", "Elnur", c.ID, d.ID)
	baharUser, bahar := coordinator("bahar@example.az", "Bahar", c.ID)
	samirUser, samir := coordinator("samir@example.az", "Samir Həsənov", c.ID)
	vol := e.account("leyla@example.az", "Leyla Əliyeva")
	leyla := e.login(vol.Email)

	signUp := func(token string, s *konullu.Shift) string {
		var out struct{ SignUp struct{ ID string } }
		e.post(token, `mutation($s: ID!) { signUp(shiftId: $s) { id } }`, map[string]any{"s": gid("Shift", s.ID)}).ok(t, &out)
		return out.SignUp.ID
	}
	withdraw := func(token, id string) {
		e.post(token, `mutation($a: ID!) { withdraw(assignmentId: $a) { id } }`, map[string]any{"a": id}).ok(t, nil)
	}
	vars := map[string]any{"c": gid("Centre", c.ID)}
	watchers := map[string]*wsClient{}
	for name, token := range map[string]string{"aynur": aynur, "elnur": elnur, "bahar": bahar, "samir": samir, "admin": admin} {
		ws := le.dial(t)
		ws.init(token)
		ws.subscribe("live", withContact, vars)
		ws.pingPong()
		watchers[name] = ws
	}
	// Leyla holds places at both centres; Samir one at C. Everyone hears
	// the two signups at C.
	signUp(leyla, sD)
	leylaC := signUp(leyla, sC)
	samirC := signUp(samir, sC)
	for _, ws := range watchers {
		ws.want("next", "live")
		ws.want("next", "live")
	}

	// Leyla withdraws at C. Her place at D keeps her contact details open
	// to D's coordinators (Aynur, Elnur) and to admins; Bahar and Samir,
	// coordinators of C alone, no longer see them.
	before := liveStats(e.h)
	withdraw(leyla, leylaC)
	for name, want := range map[string]string{"aynur": vol.Email, "elnur": vol.Email, "admin": vol.Email, "bahar": "", "samir": ""} {
		kind, fullName, email := contactOf(t, watchers[name].want("next", "live"))
		if kind != "WITHDRAWN" || fullName != "Leyla Əliyeva" || email != want {
			t.Errorf("%s: got %s %q %q, want WITHDRAWN Leyla Əliyeva %q", name, kind, fullName, email, want)
		}
	}
	after := liveStats(e.h)
	if n := after.Answers - before.Answers; n != 3 {
		t.Errorf("one event, five subscribers in three rights classes: %d answers resolved, want 3", n)
	}

	// Samir withdraws himself: he sees his own contact details, Bahar (of
	// his class) does not; his answer is resolved apart from the class's.
	before = after
	withdraw(samir, samirC)
	for name, want := range map[string]string{"samir": samirUser.Email, "bahar": "", "aynur": "", "admin": samirUser.Email} {
		if _, fullName, email := contactOf(t, watchers[name].want("next", "live")); fullName != "Samir Həsənov" || email != want {
			t.Errorf("%s: got %q %q, want Samir Həsənov %q", name, fullName, email, want)
		}
	}
	watchers["elnur"].want("next", "live")
	if n := liveStats(e.h).Answers - before.Answers; n != 4 {
		t.Errorf("three classes and one member shown himself: %d answers resolved, want 4", n)
	}

	// Elnur loses C and Bahar is suspended; an event follows at once. Both
	// have their rights read again before it is routed: Elnur's
	// subscription ends (FORBIDDEN) and Bahar's connection closes (4403),
	// and neither hears it; Aynur, of Elnur's former class, does.
	e.post(admin, `mutation($u: ID!, $c: [ID!]) { revokeRole(userId: $u, role: COORDINATOR, centreIds: $c) { id } }`,
		map[string]any{"u": gid("User", elnurUser.ID), "c": []string{gid("Centre", c.ID)}}).ok(t, nil)
	e.post(admin, `mutation($u: ID!) { suspendUser(userId: $u, reason: "test") { suspended } }`,
		map[string]any{"u": gid("User", baharUser.ID)}).ok(t, nil)
	le.bus.PublishCentreEvent(context.Background(), konullu.CentreEvent{Kind: konullu.CentreShiftCreated, At: t0, CentreID: c.ID, ShiftID: sC.ID})
	watchers["elnur"].wantErrorCode("live", konullu.EFORBIDDEN)
	watchers["bahar"].wantClosed(4403)
	for _, name := range []string{"aynur", "samir", "admin"} {
		if kind, _, _ := contactOf(t, watchers[name].want("next", "live")); kind != "SHIFT_CREATED" {
			t.Errorf("%s: %s, want SHIFT_CREATED", name, kind)
		}
	}
	watchers["elnur"].pingPong() // nothing came after the error
}

// TestSubscriptionsPerSubscriberFields: a document that reaches a field
// outside the shared set (its value may depend on the viewer beyond the
// class) is answered for each subscriber.
func TestSubscriptionsPerSubscriberFields(t *testing.T) {
	le := newLiveEnv(t)
	e := le.env
	admin := e.admin()
	c := e.centre("ASAN Xidmət 1", "Asia/Baku")
	p := e.position("Greeter")
	s := e.shift(c, p, t0.Add(48*time.Hour), 5, true)
	vol := e.account("leyla@example.az", "Leyla Əliyeva")
	leyla := e.login(vol.Email)
	perViewer := `subscription($c: ID!) { centreActivity(centreId: $c) { kind assignment { volunteer { fullName needsGuardianConsent } } } }`
	var watchers []*wsClient
	for range 3 {
		ws := le.dial(t)
		ws.init(admin)
		ws.subscribe("live", perViewer, map[string]any{"c": gid("Centre", c.ID)})
		ws.pingPong()
		watchers = append(watchers, ws)
	}
	before := liveStats(e.h)
	e.post(leyla, `mutation($s: ID!) { signUp(shiftId: $s) { id } }`, map[string]any{"s": gid("Shift", s.ID)}).ok(t, nil)
	for _, ws := range watchers {
		m := ws.want("next", "live")
		if !strings.Contains(string(m.Payload), `"fullName":"Leyla Əliyeva"`) || strings.Contains(string(m.Payload), `"errors"`) {
			t.Fatalf("answer: %s", m.Payload)
		}
	}
	after := liveStats(e.h)
	if n, shared := after.Answers-before.Answers, after.Shared-before.Shared; n != 3 || shared != 0 {
		t.Errorf("three subscribers of a per-viewer document: %d answers (%d shared), want 3 (0)", n, shared)
	}
}

// TestSlowSubscriberCutOff: a client that stops reading is closed with 1013
// once its queue is full, and holds nobody else up.
func TestSlowSubscriberCutOff(t *testing.T) {
	rd := redistest.Open(t)
	bus := live.New(rd.Client, rd.Prefix+"events", nil)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); bus.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
	<-bus.Ready()
	e := newEnv(t, withEvents(bus), withLiveConfig(func(c *schema.Config) { c.MaxLiveQueue = 32 }))
	// Small socket buffers, so that a client that does not read fills them soon.
	srv := httptest.NewUnstartedServer(e.h)
	srv.Config.ConnState = func(c net.Conn, s http.ConnState) {
		if tc, ok := c.(*net.TCPConn); ok && s == http.StateNew {
			tc.SetWriteBuffer(4096)
		}
	}
	srv.Start()
	t.Cleanup(srv.Close)
	le := &liveEnv{env: e, srv: srv}
	admin := e.admin()
	c := e.centre("ASAN Xidmət 1", "Asia/Baku")
	p := e.position("Greeter")
	s := e.shift(c, p, t0.Add(48*time.Hour), 5, true)
	query := `subscription($c: ID!) { centreActivity(centreId: $c) { kind at shift { id startsAt endsAt capacity status centre { name city timezone } position { name } } } }`
	vars := map[string]any{"c": gid("Centre", c.ID)}

	fast := le.dial(t)
	fast.init(admin)
	fast.subscribe("live", query, vars)
	fast.pingPong()
	slow := dialSmall(t, srv.URL)
	slow.init(admin)
	slow.subscribe("live", query, vars)
	slow.pingPong()

	const events = 500
	// The events come no faster than the fast client reads them (at most 8
	// ahead, a quarter of its queue), so that only the slow one can fall
	// behind, however loaded the machine.
	var fastHeard atomic.Int64
	fastDone := make(chan struct{})
	go func() {
		for i := range int64(events) {
			for i-fastHeard.Load() >= 8 {
				select {
				case <-fastDone:
					return
				case <-time.After(time.Millisecond):
				}
			}
			bus.PublishCentreEvent(context.Background(), konullu.CentreEvent{Kind: konullu.CentreShiftCreated, At: t0, CentreID: c.ID, ShiftID: s.ID})
		}
	}()
	// The fast client hears every event while the slow one reads nothing
	// until it is cut off.
	heard := make(chan int)
	go func() {
		n := 0
		defer func() { close(fastDone); heard <- n }()
		for range events {
			if m, closed := fast.read(); closed != 0 || m.Type != "next" {
				return
			}
			n++
			fastHeard.Add(1)
		}
	}()
	for deadline := time.Now().Add(time.Minute); liveStats(e.h).CutOff == 0; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the slow client was not cut off")
		}
	}
	// Now the slow client reads: what was written, then the close.
	for {
		m, closed := slow.read()
		if closed != 0 {
			if closed != 1013 {
				t.Fatalf("closed with %d, want 1013", closed)
			}
			break
		}
		if m.Type != "next" {
			t.Fatalf("got %+v", m)
		}
	}
	if n := <-heard; n != events {
		t.Fatalf("the fast client heard %d events of %d", n, events)
	}
	if n := liveStats(e.h).CutOff; n != 1 {
		t.Fatalf("%d connections cut off, want 1", n)
	}
}

// dialSmall opens a WebSocket whose socket reads into a small buffer.
func dialSmall(t *testing.T, url string) *wsClient {
	t.Helper()
	tr := &http.Transport{DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := (&net.Dialer{}).DialContext(ctx, network, addr)
		if tc, ok := c.(*net.TCPConn); ok {
			tc.SetReadBuffer(4096)
		}
		return c, err
	}}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	ws, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(url, "http")+"/graphql",
		&websocket.DialOptions{Subprotocols: []string{"graphql-transport-ws"}, HTTPClient: &http.Client{Transport: tr}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ws.CloseNow() })
	return &wsClient{t: t, ws: ws}
}

// TestLiveConnectionsLimitAcrossInstances: two instances on one Redis share
// the limit of live connections per user; a closed connection frees its
// place on every instance.
func TestLiveConnectionsLimitAcrossInstances(t *testing.T) {
	rd := redistest.Open(t)
	ctx, cancel := context.WithCancel(context.Background())
	var buses []*live.Bus
	var running []chan struct{}
	for range 2 {
		b := live.New(rd.Client, rd.Prefix+"events", nil)
		done := make(chan struct{})
		go func() { defer close(done); b.Run(ctx) }()
		<-b.Ready()
		buses, running = append(buses, b), append(running, done)
	}
	t.Cleanup(func() {
		cancel()
		for _, d := range running {
			<-d
		}
	})
	limit := func(c *schema.Config) {
		c.MaxLiveConnections = 3
		c.LiveConns = live.NewConnCounter(rd.Client, rd.Prefix+"conns:", 0, nil)
	}
	e := newEnv(t, withEvents(buses[0]), withLiveConfig(limit))
	cfg := schema.Config{Store: e.db, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Now: e.clock.Now, Argon2: testArgon2, Events: buses[1]}
	limit(&cfg)
	srvA, srvB := httptest.NewServer(e.h), httptest.NewServer(schema.NewHandler(cfg))
	t.Cleanup(srvA.Close)
	t.Cleanup(srvB.Close)
	a, b := &liveEnv{env: e, srv: srvA}, &liveEnv{env: e, srv: srvB}
	admin := e.admin()
	other := e.account("leyla@example.az", "Leyla Əliyeva")
	otherToken := e.login(other.Email)

	first := a.dial(t)
	first.init(admin)
	b.dial(t).init(admin)
	a.dial(t).init(admin)
	// The fourth, on either instance, is one too many.
	refused := b.dial(t)
	refused.send(wsMsg{Type: "connection_init", Payload: json.RawMessage(`{"Authorization":"Bearer ` + admin + `"}`)})
	refused.wantClosed(4429)
	refused = a.dial(t)
	refused.send(wsMsg{Type: "connection_init", Payload: json.RawMessage(`{"Authorization":"Bearer ` + admin + `"}`)})
	refused.wantClosed(4429)
	// Another user is not concerned.
	b.dial(t).init(otherToken)
	// One closes on A: B takes a new one.
	first.ws.Close(websocket.StatusNormalClosure, "")
	deadline := time.Now().Add(10 * time.Second)
	for {
		ws := b.dial(t)
		ws.send(wsMsg{Type: "connection_init", Payload: json.RawMessage(`{"Authorization":"Bearer ` + admin + `"}`)})
		if m, closed := ws.read(); closed == 0 && m.Type == "connection_ack" {
			break
		} else if closed != 4429 || time.Now().After(deadline) {
			t.Fatalf("after a close: %+v, closed %d", m, closed)
		}
		time.Sleep(20 * time.Millisecond) // the server releases the place after the close handshake
	}
}
