package schema

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coder/websocket"
)

// countingConn counts the writes that reach the network.
type countingConn struct {
	net.Conn
	writes *atomic.Int64
}

func (c countingConn) Write(p []byte) (int, error) {
	c.writes.Add(1)
	return c.Conn.Write(p)
}

// TestCorkedFramesShareOneWrite: messages written while the connection is
// corked reach the network in one write, and the client still reads each
// as a message of its own, in order; uncorked, the library's own frames (a
// ping) go out at once.
func TestCorkedFramesShareOneWrite(t *testing.T) {
	var writes atomic.Int64
	done := make(chan error, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		cw := &corkingWriter{ResponseWriter: w}
		ws, err := websocket.Accept(cw, req, nil)
		if err != nil {
			done <- err
			return
		}
		defer ws.CloseNow()
		cw.conn.Conn = countingConn{cw.conn.Conn, &writes}
		// The client reads (and so answers pings) from here on.
		ctx := ws.CloseRead(context.Background())
		cw.conn.cork()
		for i := range 50 {
			if err := ws.Write(ctx, websocket.MessageText, []byte(`{"n":`+strconv.Itoa(i)+`}`)); err != nil {
				done <- err
				return
			}
		}
		if n := writes.Load(); n != 0 {
			t.Errorf("%d writes reached the network while corked", n)
		}
		if err := cw.conn.flush(liveWriteTimeout); err != nil {
			done <- err
			return
		}
		if n := writes.Load(); n != 1 {
			t.Errorf("50 messages took %d writes, want 1", n)
		}
		// Not corked: the library writes at once (the ping, and its wait
		// for the pong, would block otherwise).
		pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		done <- ws.Ping(pctx)
		<-ctx.Done()
	}))
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	ws, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(srv.URL, "http"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.CloseNow()
	for i := range 50 {
		_, b, err := ws.Read(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if want := `{"n":` + strconv.Itoa(i) + `}`; string(b) != want {
			t.Fatalf("message %d is %s, want %s", i, b, want)
		}
	}
	// Reading on answers the server's ping; the server then closes.
	go ws.Read(ctx)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	ws.Close(websocket.StatusNormalClosure, "")
}
