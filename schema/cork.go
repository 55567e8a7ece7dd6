package schema

import (
	"bufio"
	"net"
	"net/http"
	"sync"
	"time"
)

// The WebSocket library (github.com/coder/websocket) flushes its buffer at
// the end of every message: one system call per frame, for the server and
// for the client that reads it. A connection's writer usually has several
// messages waiting when an event storm is being fanned out, so the
// connection under the library is a corkConn: while the writer holds it
// corked, the frames the library flushes are gathered in memory, and the
// writer sends them all with one write when its queue is empty. Every
// message is still a frame of its own (graphql-transport-ws reads one
// message per frame); the frames only share system calls and TCP segments.
// Control frames the library writes by itself (ping, pong, close) go out at
// once when the connection is not corked, and with the batch when it is.

// corkFrameBuffer is the size of the library's own write buffer: a frame
// header and a small message fit; a longer one passes through without a
// copy (the writer's frames all land in the cork anyway).
const corkFrameBuffer = 256

// corkConn is a hijacked connection whose writes can be held back and sent
// together.
type corkConn struct {
	net.Conn
	mu     sync.Mutex // held while writing to the network, so that bytes keep their order
	corked bool
	buf    *[]byte
}

// corkBuffers keeps the buffers of batches being gathered: an idle
// connection holds none.
var corkBuffers = sync.Pool{New: func() any { b := make([]byte, 0, 4096); return &b }}

// maxPooledCork is the largest batch buffer kept for the next batch.
const maxPooledCork = 256 << 10

// Write gathers p while corked, else writes it.
func (c *corkConn) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.corked {
		*c.buf = append(*c.buf, p...)
		return len(p), nil
	}
	return c.Conn.Write(p)
}

// cork holds writes back until flush.
func (c *corkConn) cork() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.corked = true
	if c.buf == nil {
		c.buf = corkBuffers.Get().(*[]byte)
	}
}

// flush sends what was gathered in one write that must end within timeout,
// and lets later writes through.
func (c *corkConn) flush(timeout time.Duration) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.corked = false
	buf := c.buf
	c.buf = nil
	if buf == nil {
		return nil
	}
	var err error
	if len(*buf) > 0 {
		c.Conn.SetWriteDeadline(time.Now().Add(timeout))
		_, err = c.Conn.Write(*buf)
		c.Conn.SetWriteDeadline(time.Time{})
	}
	if cap(*buf) <= maxPooledCork {
		*buf = (*buf)[:0]
		corkBuffers.Put(buf)
	}
	return err
}

// corkingWriter is the response writer the WebSocket library upgrades: its
// Hijack hands the library a corkConn and a write buffer over it.
type corkingWriter struct {
	http.ResponseWriter
	conn *corkConn
}

func (w *corkingWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	conn, brw, err := http.NewResponseController(w.ResponseWriter).Hijack()
	if err != nil {
		return nil, nil, err
	}
	// net/http's write buffer is new and empty after Hijack (the response
	// header was flushed before), so it can be replaced.
	w.conn = &corkConn{Conn: conn}
	return w.conn, bufio.NewReadWriter(brw.Reader, bufio.NewWriterSize(w.conn, corkFrameBuffer)), nil
}

func (w *corkingWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
