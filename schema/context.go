package schema

import (
	"context"
	"crypto/rand"
	"encoding/hex"
)

type ctxKey int

const (
	loadersKey ctxKey = iota
	requestIDKey
	sessionKey
	readOnlyKey
	requestHostKey
)

// RequestID returns the id of the request the context belongs to ("" outside
// a request). It is logged with every internal error and returned to the
// client in the X-Request-Id header, so a report can be matched to the log.
func RequestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey).(string)
	return id
}

func newRequestID() string {
	b := make([]byte, 12)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// saneRequestID reports whether an incoming X-Request-Id may be reused: short,
// and only characters that cannot forge log lines or headers.
func saneRequestID(id string) bool {
	if id == "" || len(id) > 64 {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
			return false
		}
	}
	return true
}

// loadersFrom returns the request's data loaders. The handler always puts
// them in the context; a missing one is a programming error.
func loadersFrom(ctx context.Context) *loaders {
	l, ok := ctx.Value(loadersKey).(*loaders)
	if !ok {
		panic("schema: no data loaders in the context; requests must go through NewHandler")
	}
	return l
}

// sessionFrom returns the hash of the request's session token, nil for an
// anonymous request.
func sessionFrom(ctx context.Context) []byte {
	h, _ := ctx.Value(sessionKey).([]byte)
	return h
}
