package schema_test

import (
	"bufio"
	"crypto/rand"
	"crypto/sha1"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
)

// benchClient is the fan-out benchmark's WebSocket client (RFC 6455): the
// opening handshake, masked frames out, and every frame in read as it
// comes, pings answered and a close frame's code reported. It is a small
// one because 5,000 of them share the two cores with the servers they
// measure; the tests use github.com/coder/websocket and frontend/e2e the
// graphql-ws client.
type benchClient struct {
	conn net.Conn
	br   *bufio.Reader
	wmu  sync.Mutex
}

// errClosed is a close frame from the server, with its status code.
type errClosed struct{ code int }

func (e errClosed) Error() string { return fmt.Sprintf("closed with %d", e.code) }

// closeCode is the status of the close frame err reports; 1006 when the
// connection ended without one.
func closeCode(err error) int {
	var c errClosed
	if errors.As(err, &c) {
		return c.code
	}
	return 1006
}

func dialBench(url, subprotocol string) (*benchClient, error) {
	host := strings.TrimPrefix(url, "http://")
	conn, err := net.Dial("tcp", host)
	if err != nil {
		return nil, err
	}
	nonce := make([]byte, 16)
	rand.Read(nonce)
	key := base64.StdEncoding.EncodeToString(nonce)
	fmt.Fprintf(conn, "GET /graphql HTTP/1.1\r\nHost: %s\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"+
		"Sec-WebSocket-Key: %s\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: %s\r\n\r\n", host, key, subprotocol)
	br := bufio.NewReaderSize(conn, 4096)
	res, err := http.ReadResponse(br, nil)
	if err != nil {
		conn.Close()
		return nil, err
	}
	sum := sha1.Sum([]byte(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"))
	if res.StatusCode != http.StatusSwitchingProtocols || res.Header.Get("Sec-WebSocket-Accept") != base64.StdEncoding.EncodeToString(sum[:]) ||
		res.Header.Get("Sec-WebSocket-Protocol") != subprotocol {
		conn.Close()
		return nil, fmt.Errorf("handshake refused: %s", res.Status)
	}
	return &benchClient{conn: conn, br: br}, nil
}

// write sends one frame: FIN, the opcode, masked as a client must.
func (c *benchClient) write(opcode byte, payload []byte) error {
	frame := make([]byte, 0, 14+len(payload))
	frame = append(frame, 0x80|opcode)
	switch n := len(payload); {
	case n < 126:
		frame = append(frame, 0x80|byte(n))
	case n < 1<<16:
		frame = append(frame, 0x80|126)
		frame = binary.BigEndian.AppendUint16(frame, uint16(n))
	default:
		frame = append(frame, 0x80|127)
		frame = binary.BigEndian.AppendUint64(frame, uint64(n))
	}
	var mask [4]byte
	rand.Read(mask[:])
	frame = append(frame, mask[:]...)
	for i, b := range payload {
		frame = append(frame, b^mask[i%4])
	}
	c.wmu.Lock()
	defer c.wmu.Unlock()
	_, err := c.conn.Write(frame)
	return err
}

// writeText sends a text message.
func (c *benchClient) writeText(s string) error { return c.write(0x1, []byte(s)) }

// read reads the next data message into buf, answering pings on the way.
func (c *benchClient) read(buf []byte) ([]byte, error) {
	buf = buf[:0]
	for {
		var h [2]byte
		if _, err := io.ReadFull(c.br, h[:]); err != nil {
			return buf, err
		}
		fin, opcode := h[0]&0x80 != 0, h[0]&0x0f
		if h[1]&0x80 != 0 {
			return buf, errors.New("the server masked a frame")
		}
		n := uint64(h[1] & 0x7f)
		switch n {
		case 126:
			var l [2]byte
			if _, err := io.ReadFull(c.br, l[:]); err != nil {
				return buf, err
			}
			n = uint64(binary.BigEndian.Uint16(l[:]))
		case 127:
			var l [8]byte
			if _, err := io.ReadFull(c.br, l[:]); err != nil {
				return buf, err
			}
			n = binary.BigEndian.Uint64(l[:])
		}
		if n > 1<<20 {
			return buf, errors.New("frame too long")
		}
		start := len(buf)
		buf = append(buf, make([]byte, n)...)
		if _, err := io.ReadFull(c.br, buf[start:]); err != nil {
			return buf, err
		}
		switch opcode {
		case 0x8: // close
			code := 1005
			if n >= 2 {
				code = int(binary.BigEndian.Uint16(buf[start:]))
			}
			c.write(0x8, buf[start:start+min(int(n), 2)])
			return buf[:start], errClosed{code}
		case 0x9: // ping
			if err := c.write(0xA, buf[start:]); err != nil {
				return buf, err
			}
			buf = buf[:start]
			continue
		case 0xA: // pong
			buf = buf[:start]
			continue
		}
		if fin {
			return buf, nil
		}
	}
}

func (c *benchClient) Close() error { return c.conn.Close() }
