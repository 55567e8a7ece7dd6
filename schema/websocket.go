package schema

import (
	"context"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"
	"github.com/graph-gophers/graphql-go"

	"github.com/konullu/konullu"
)

// This file serves subscriptions over WebSocket at /graphql with the
// graphql-transport-ws protocol (github.com/enisdenjo/graphql-ws,
// PROTOCOL.md): connection_init carries the session, then subscribe, next,
// error and complete per operation, ping and pong either way.

// subprotocol is the WebSocket subprotocol of graphql-transport-ws.
const subprotocol = "graphql-transport-ws"

// Limits of live connections, unless Config says otherwise.
const (
	defaultMaxLiveConnsPerUser = 10               // per user and instance
	defaultMaxSubscriptions    = 20               // per connection
	defaultInitTimeout         = 10 * time.Second // to send connection_init
	liveRecheckEvery           = 2 * time.Minute  // the session is read again at least this often
	livePingEvery              = 30 * time.Second // a dead peer is noticed within two of these
	maxLiveMessage             = 64 << 10         // bytes of one client message
	defaultMaxLiveQueue        = 256              // messages waiting for a slow client before it is cut off
	liveWriteTimeout           = 10 * time.Second // to write one message
)

// Close codes of graphql-transport-ws.
const (
	closeBadRequest       websocket.StatusCode = 4400
	closeUnauthorized     websocket.StatusCode = 4401
	closeForbidden        websocket.StatusCode = 4403
	closeBadSubprotocol   websocket.StatusCode = 4406
	closeInitTimeout      websocket.StatusCode = 4408
	closeDuplicateID      websocket.StatusCode = 4409
	closeTooManyInits     websocket.StatusCode = 4429
	closeInternalError    websocket.StatusCode = 4500
	closeTooManyConnsCode websocket.StatusCode = 4429 // the graphql-ws client gives up on it, as it should
	// closeTooSlow: the client fell too far behind the events (Try Again
	// Later); the graphql-ws client reconnects, and live views refetch.
	closeTooSlow websocket.StatusCode = 1013
)

// wsMessage is a message of graphql-transport-ws.
type wsMessage struct {
	Type    string          `json:"type"`
	ID      string          `json:"id,omitempty"`
	Payload json.RawMessage `json:"payload,omitempty"`
}

// isWebSocket tells a WebSocket upgrade from a plain request.
func isWebSocket(req *http.Request) bool {
	return strings.EqualFold(req.Header.Get("Upgrade"), "websocket")
}

// noLiveBatching: each message is written on its own, and the routing
// starts writers at once, as before batching (cork.go); for the fan-out
// benchmark's comparison.
var noLiveBatching atomic.Bool

// liveOut is a message waiting to be written: body alone, or a next
// message of a subscription, head (the subscription's `{"type":"next",
// "id":…,"payload":`), body (the answer, whose bytes every member of its
// group shares) and a closing brace.
type liveOut struct {
	head, body []byte
}

// bytes is the message, in buf's memory when it has to be put together
// (the library copies it out before the next message is put together).
func (m liveOut) bytes(buf *[]byte) []byte {
	if m.head == nil {
		return m.body
	}
	b := append(append(append((*buf)[:0], m.head...), m.body...), '}')
	if cap(b) <= maxPooledMessage {
		*buf = b
	}
	return b
}

// messageBuffers are the writers' buffers for putting messages together.
var messageBuffers = sync.Pool{New: func() any { b := make([]byte, 0, 1024); return &b }}

// maxPooledMessage is the largest message buffer kept for the next message.
const maxPooledMessage = 64 << 10

// liveConn is one WebSocket connection.
type liveConn struct {
	root      *root
	h         *handler
	ws        *websocket.Conn
	net       *corkConn       // under ws: the writer sends its batches through it
	ctx       context.Context // ends with the connection
	cancel    context.CancelFunc
	requestID string
	address   string

	connID string // unique among the instances (cluster-wide counts)

	session  []byte // the token's hash, once initialised
	rights   atomic.Pointer[rights]
	checked  atomic.Int64 // unix nanoseconds of the last reading of the session
	checking sync.Mutex

	mu   sync.Mutex
	subs map[string]*liveSub

	// Messages waiting to be written, by a goroutine that lives while
	// there are some: an idle connection holds no writer.
	qmu     sync.Mutex
	queue   []liveOut
	writing bool
	held    bool // the writer waits for the routing to start it (hub.holdWriter)
	gone    bool // closed, or cut off: nothing more is queued
	slow    bool // cut off: the writer closes the connection
}

// serveWebSocket upgrades the request and serves the connection until it closes.
func (h *handler) serveWebSocket(w http.ResponseWriter, req *http.Request, requestID string) {
	if h.root.hub == nil {
		h.fail(w, mediaJSON, http.StatusNotImplemented, codeOnly(konullu.EUNAVAILABLE, "subscriptions are not served here"))
		return
	}
	// The server's read and write timeouts are for requests; a live
	// connection stays open, and pings find dead peers instead.
	rc := http.NewResponseController(w)
	rc.SetReadDeadline(time.Time{})
	rc.SetWriteDeadline(time.Time{})
	cw := &corkingWriter{ResponseWriter: w}
	ws, err := websocket.Accept(cw, req, &websocket.AcceptOptions{
		Subprotocols: []string{subprotocol},
		// Pages of the server's own origin, and of the origins allowed to
		// call the API from a browser (KONULLU_CORS_ORIGINS).
		OriginPatterns: h.root.live.origins,
	})
	if err != nil {
		h.log.InfoContext(req.Context(), "websocket refused", "request_id", requestID, "error", err.Error())
		return
	}
	ws.SetReadLimit(maxLiveMessage)
	if ws.Subprotocol() != subprotocol {
		ws.Close(closeBadSubprotocol, "Subprotocol not acceptable")
		return
	}
	ctx, cancel := context.WithCancel(context.WithoutCancel(req.Context()))
	if noLiveBatching.Load() {
		cw.conn = nil
	}
	c := &liveConn{root: h.root, h: h, ws: ws, net: cw.conn, ctx: ctx, cancel: cancel, requestID: requestID,
		address: req.RemoteAddr, subs: map[string]*liveSub{},
		connID: h.root.hub.id + "-" + strconv.FormatInt(h.root.hub.seq.Add(1), 10)}
	c.rights.Store(newRights(&konullu.Viewer{}))
	defer cancel()
	h.root.live.open.Add(1)
	defer h.root.live.open.Add(-1)
	c.serve(ctx)
}

// serve reads messages until the connection ends.
func (c *liveConn) serve(ctx context.Context) {
	defer c.endAll()
	initTimer := time.AfterFunc(c.root.live.initTimeout, func() {
		if c.session == nil {
			c.ws.Close(closeInitTimeout, "Connection initialisation timeout")
		}
	})
	defer initTimer.Stop()
	initialised := false
	for {
		_, data, err := c.ws.Read(ctx)
		if err != nil {
			return
		}
		var m wsMessage
		if err := json.Unmarshal(data, &m); err != nil || m.Type == "" {
			c.ws.Close(closeBadRequest, "Invalid message received")
			return
		}
		switch m.Type {
		case "connection_init":
			if initialised {
				c.ws.Close(closeTooManyInits, "Too many initialisation requests")
				return
			}
			if !c.init(ctx, m.Payload) {
				return
			}
			initialised = true
			initTimer.Stop()
			defer c.root.hub.removeConn(c, c.rights.Load().v.UserID)
			c.send(wsMessage{Type: "connection_ack"})
		case "ping":
			c.send(wsMessage{Type: "pong", Payload: m.Payload})
		case "pong":
		case "subscribe":
			if !initialised {
				c.ws.Close(closeUnauthorized, "Unauthorized")
				return
			}
			if !c.subscribe(m) {
				return
			}
		case "complete":
			// The client is done with it: nothing more is said, and the id
			// may be used again.
			c.mu.Lock()
			s := c.subs[m.ID]
			delete(c.subs, m.ID)
			c.mu.Unlock()
			if s != nil && s.ended.CompareAndSwap(false, true) {
				c.root.hub.remove(s)
			}
		default:
			c.ws.Close(closeBadRequest, "Invalid message received")
			return
		}
	}
}

// init authenticates the connection with the session of its
// connection_init payload. It closes the connection and returns false
// when the session will not do.
func (c *liveConn) init(ctx context.Context, payload json.RawMessage) bool {
	var p map[string]any
	if len(payload) > 0 && string(payload) != "null" {
		if err := json.Unmarshal(payload, &p); err != nil {
			c.ws.Close(closeBadRequest, "the connection_init payload must be an object")
			return false
		}
	}
	header, _ := p["Authorization"].(string)
	if header == "" {
		header, _ = p["authorization"].(string)
	}
	if header == "" {
		c.ws.Close(closeForbidden, "Forbidden: send {\"Authorization\": \"Bearer <token>\"} in connection_init")
		return false
	}
	actx, err := c.root.authenticate(ctx, header)
	if err != nil {
		var de *konullu.Error
		if errors.As(err, &de) {
			c.ws.Close(closeForbidden, "Forbidden: "+de.Message)
		} else {
			c.h.logInternal(context.WithValue(ctx, requestIDKey, c.requestID), err, nil)
			c.ws.Close(closeInternalError, "Internal server error")
		}
		return false
	}
	v := konullu.ViewerFrom(actx)
	c.session = sessionFrom(actx)
	c.rights.Store(newRights(v))
	c.checked.Store(time.Now().UnixNano())
	if !c.root.hub.addConn(ctx, c, v.UserID, c.root.live.maxConns) {
		c.ws.Close(closeTooManyConnsCode, "too many live connections for this account (at most "+strconv.Itoa(c.root.live.maxConns)+")")
		return false
	}
	return true
}

// currentViewer is the connection's viewer, read again from the session
// when the last reading is old. An ended session is the anonymous viewer,
// and ends the connection.
func (c *liveConn) currentViewer() *konullu.Viewer {
	if c.session != nil && time.Since(time.Unix(0, c.checked.Load())) > liveRecheckEvery {
		c.recheck()
	}
	return c.rights.Load().v
}

// recheck reads the session again: a suspended account or ended session
// closes the connection; a revoked role ends the subscriptions of the
// centres the viewer lost.
func (c *liveConn) recheck() {
	c.checking.Lock()
	defer c.checking.Unlock()
	if c.session == nil || c.ctx.Err() != nil {
		return
	}
	rctx, cancel := context.WithTimeout(c.ctx, liveRecheckWait)
	v, err := c.root.store.SessionViewer(rctx, c.session)
	cancel()
	c.checked.Store(time.Now().UnixNano())
	var de *konullu.Error
	switch {
	case err == nil && v != nil && v.Authenticated():
		c.rights.Store(newRights(v))
		var lost []*liveSub
		c.mu.Lock()
		for _, s := range c.subs {
			if s.centreID != 0 && !v.CanManageCentre(s.centreID) {
				lost = append(lost, s)
			}
		}
		c.mu.Unlock()
		for _, s := range lost {
			c.finish(s, []responseError{fromDomain(konullu.ErrForbidden)})
		}
	case err == nil || errors.As(err, &de) && (de.Code == konullu.EUNAUTHENTICATED || de.Code == konullu.ENOTFOUND):
		c.rights.Store(newRights(&konullu.Viewer{}))
		c.ws.Close(closeForbidden, "Forbidden: the session has ended")
		c.cancel()
	default:
		// The database is away: keep what we knew, ask again soon.
		c.checked.Store(time.Now().Add(-liveRecheckEvery + 5*time.Second).UnixNano())
		c.root.log.Warn("live connection: session not read", "error", err.Error(), "request_id", c.requestID)
	}
}

// ping pings the peer (hub.keepAlive calls it now and then) and reads the
// session again when the last reading is old.
func (c *liveConn) ping() {
	pctx, cancel := context.WithTimeout(c.ctx, livePingEvery)
	err := c.ws.Ping(pctx)
	cancel()
	if err != nil {
		c.ws.CloseNow()
		return
	}
	c.currentViewer()
}

// send queues a message.
func (c *liveConn) send(m wsMessage) {
	b, err := json.Marshal(m)
	if err != nil {
		return
	}
	c.enqueue(liveOut{body: b}, false)
}

// deliver queues a next message of a subscription.
func (c *liveConn) deliver(s *liveSub, payload []byte) {
	if s.ended.Load() {
		return
	}
	// The payload's bytes are the answer's, shared by every member.
	if c.enqueue(liveOut{head: s.head, body: payload}, true) {
		c.root.hub.stats.delivered.Add(1)
	}
}

// enqueue queues a message for the writer, starting it when it is idle. A
// client with too many messages waiting is cut off (closeTooSlow), so that
// it holds neither memory nor anyone else up. The routing of events queues
// with routed set: the writer is then started by the routing once it has
// no event waiting (hub.startWriters), so that the messages of events heard
// together leave together; or when half the queue's limit is waiting, or
// something that is not an event's is.
func (c *liveConn) enqueue(m liveOut, routed bool) bool {
	c.qmu.Lock()
	defer c.qmu.Unlock()
	if c.gone {
		return false
	}
	if len(c.queue) >= c.root.live.maxQueue {
		// The writer (busy with this client) closes the connection once
		// its current message is out.
		c.gone, c.slow, c.queue = true, true, nil
		c.root.hub.stats.cutOff.Add(1)
		c.root.log.Warn("live connection cut off: too far behind", "waiting", c.root.live.maxQueue, "request_id", c.requestID)
		return false
	}
	c.queue = append(c.queue, m)
	switch {
	case !c.writing && routed && c.net != nil:
		c.writing, c.held = true, true
		c.root.hub.holdWriter(c)
	case !c.writing:
		c.writing = true
		go c.write()
	case c.held && (!routed || len(c.queue) >= c.root.live.maxQueue/2):
		// Held long enough: a held client must never be cut off, and an
		// answer to the client (pong, error) waits for no event.
		c.held = false
		go c.write()
	}
	return true
}

// startHeld starts the writer the routing held back, unless it started.
func (c *liveConn) startHeld() {
	c.qmu.Lock()
	defer c.qmu.Unlock()
	if c.held {
		c.held = false
		go c.write()
	}
}

// write writes the queued messages, then ends. It takes the whole queue at
// a time and writes it as one batch: the library frames each message into
// the corked connection, and one system call sends them all (cork.go).
func (c *liveConn) write() {
	for {
		c.qmu.Lock()
		if len(c.queue) == 0 || c.gone {
			c.writing = false
			slow := c.slow
			c.queue = nil // an idle connection holds no buffer either
			c.qmu.Unlock()
			if slow {
				c.ws.Close(closeTooSlow, "too slow: "+strconv.Itoa(c.root.live.maxQueue)+" messages waiting; reconnect and refetch")
				c.cancel()
			}
			return
		}
		batch := c.queue
		c.queue = nil
		c.qmu.Unlock()
		err := c.writeBatch(batch)
		if err != nil {
			c.qmu.Lock()
			c.gone, c.queue, c.writing = true, nil, false
			c.qmu.Unlock()
			if !errors.Is(err, net.ErrClosed) { // else closed, or closing with a code of its own
				c.ws.CloseNow()
			}
			return
		}
	}
}

// writeBatch writes messages, as one write to the network when the
// connection can be corked. The batch must be out within liveWriteTimeout:
// a client that cannot take it is cut off.
func (c *liveConn) writeBatch(batch []liveOut) error {
	scratch := messageBuffers.Get().(*[]byte)
	defer messageBuffers.Put(scratch)
	if c.net == nil {
		for _, m := range batch {
			c.root.hub.stats.writes.Add(1)
			wctx, cancel := context.WithTimeout(c.ctx, liveWriteTimeout)
			err := c.ws.Write(wctx, websocket.MessageText, m.bytes(scratch))
			cancel()
			if err != nil {
				return err
			}
		}
		return nil
	}
	c.root.hub.stats.writes.Add(1)
	c.net.cork()
	var err error
	for _, m := range batch {
		// Into memory: no deadline needed, and none to set up per message.
		if err = c.ws.Write(context.Background(), websocket.MessageText, m.bytes(scratch)); err != nil {
			break
		}
	}
	if ferr := c.net.flush(liveWriteTimeout); err == nil {
		err = ferr
	}
	return err
}

// sendErrors ends an operation with errors.
func (c *liveConn) sendErrors(id string, errs []responseError) {
	b, _ := json.Marshal(errs)
	c.send(wsMessage{Type: "error", ID: id, Payload: b})
}

// subscribe starts an operation. It returns false when it closed the connection.
func (c *liveConn) subscribe(m wsMessage) bool {
	if m.ID == "" {
		c.ws.Close(closeBadRequest, "Invalid message received: subscribe needs an id")
		return false
	}
	var p params
	if err := json.Unmarshal(m.Payload, &p); err != nil || strings.TrimSpace(p.Query) == "" {
		c.ws.Close(closeBadRequest, "Invalid message received: subscribe needs a payload with a query")
		return false
	}
	c.mu.Lock()
	if _, dup := c.subs[m.ID]; dup {
		c.mu.Unlock()
		c.ws.Close(closeDuplicateID, "Subscriber for "+m.ID+" already exists")
		return false
	}
	if len(c.subs) >= c.root.live.maxSubs {
		c.mu.Unlock()
		c.sendErrors(m.ID, []responseError{codeOnly(konullu.ERATELIMITED,
			"too many subscriptions on this connection (at most "+strconv.Itoa(c.root.live.maxSubs)+"); complete one first")})
		return true
	}
	s := newLiveSub(c, m.ID)
	c.subs[m.ID] = s
	c.mu.Unlock()

	an, lerr := c.h.limits.check(p.Query, p.OperationName, p.Variables)
	switch {
	case lerr != nil:
		c.finish(s, []responseError{fromDomain(lerr)})
		return true
	case an.opType != "subscription":
		c.finish(s, []responseError{codeOnly(konullu.EINVALID, "only subscriptions are served over WebSocket; send queries and mutations with POST")})
		return true
	}
	ctx := context.WithValue(c.ctx, requestIDKey, c.requestID)
	ctx = context.WithValue(ctx, clientAddressKey, c.address)
	ctx = context.WithValue(ctx, sessionKey, c.session)
	s.ctx = konullu.NewLiveContext(ctx, c.currentViewer)
	s.q = newLiveQuery(&p, an)

	// The resolver checks the rights and says what to listen to; graphql-go
	// validates the document against the schema.
	start := &liveStart{}
	sctx := context.WithValue(s.ctx, liveModeKey{}, start)
	sctx = context.WithValue(sctx, checkedKey{}, an.checked())
	sctx = loadersContext{sctx, c.root.freshLoaders()}
	res, err := c.h.schema.Subscribe(sctx, p.Query, p.OperationName, p.Variables)
	if err != nil { // the schema has subscriptions: cannot happen
		c.h.logInternal(ctx, err, nil)
		c.finish(s, []responseError{codeOnly(konullu.EINTERNAL, internalMessage)})
		return true
	}
	var refused []responseError
	for r := range res {
		if resp, ok := r.(*graphql.Response); ok && refused == nil {
			refused, _ = c.h.convertErrors(sctx, resp.Errors, &p)
			if len(refused) == 0 {
				refused = []responseError{codeOnly(konullu.EINTERNAL, internalMessage)}
			}
		}
	}
	if refused == nil && start.centreID == 0 && start.userID == 0 {
		refused = []responseError{codeOnly(konullu.EINTERNAL, internalMessage)}
	}
	if refused != nil {
		c.finish(s, refused)
		return true
	}
	s.centreID, s.userID = start.centreID, start.userID
	c.root.hub.add(s)
	if c.ctx.Err() != nil || s.ended.Load() {
		c.root.hub.remove(s) // the connection closed meanwhile, or the client completed it
	}
	return true
}

// finish ends an operation: error with errs, else complete (unless the
// client completed it).
func (c *liveConn) finish(s *liveSub, errs []responseError) {
	if !s.ended.CompareAndSwap(false, true) {
		return
	}
	c.root.hub.remove(s)
	c.mu.Lock()
	mine := c.subs[s.id] == s
	if mine {
		delete(c.subs, s.id)
	}
	c.mu.Unlock()
	if !mine || c.ctx.Err() != nil {
		return
	}
	if len(errs) > 0 {
		c.sendErrors(s.id, errs)
		return
	}
	c.send(wsMessage{Type: "complete", ID: s.id})
}

// CloseLive closes every WebSocket connection (going away): the server is
// shutting down, and http.Server.Shutdown leaves upgraded connections alone.
func (h *handler) CloseLive() {
	if h.root.hub == nil {
		return
	}
	h.root.hub.mu.RLock()
	var conns []*liveConn
	for _, set := range h.root.hub.conns {
		for c := range set {
			conns = append(conns, c)
		}
	}
	h.root.hub.mu.RUnlock()
	for _, c := range conns {
		c.ws.Close(websocket.StatusGoingAway, "the server is shutting down")
	}
}

// endAll ends every subscription of a closing connection.
func (c *liveConn) endAll() {
	c.cancel()
	c.mu.Lock()
	for _, s := range c.subs {
		if s.ended.CompareAndSwap(false, true) {
			c.root.hub.remove(s)
		}
	}
	c.mu.Unlock()
	c.qmu.Lock()
	c.gone, c.queue = true, nil
	c.qmu.Unlock()
	c.ws.CloseNow()
}
