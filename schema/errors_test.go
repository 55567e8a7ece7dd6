package schema_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/konullu/konullu"
)

// brokenStore fails the way a database does: with plain errors that name
// tables and statements, and once with a panic.
type brokenStore struct {
	konullu.Store
}

const secret = `pq: relation "centres" does not exist (SELECT id, name FROM centres)`

func (brokenStore) Centres(context.Context) ([]*konullu.Centre, error) {
	return nil, errors.New(secret)
}

func (brokenStore) Positions(context.Context) ([]*konullu.Position, error) {
	panic("index out of range [7] with length 7")
}

func (b brokenStore) SessionViewer(ctx context.Context, hash []byte) (*konullu.Viewer, error) {
	if v, err := b.Store.SessionViewer(ctx, hash); err == nil && v.IsAdmin() {
		return nil, errors.New("dial tcp 10.0.0.7:5432: connection refused")
	}
	return b.Store.SessionViewer(ctx, hash)
}

func TestInternalErrorsAreHidden(t *testing.T) {
	e := newEnv(t, withStore(func(s konullu.Store) konullu.Store { return brokenStore{s} }))
	e.centre("Bakı ASAN 1", "Asia/Baku")

	t.Run("StoreError", func(t *testing.T) {
		res := e.post("", `{ centres { id } }`, nil)
		res.wantError(t, konullu.EINTERNAL, "")
		if res.Errors[0].Message != "internal error" || strings.Contains(string(res.Body), "relation") {
			t.Errorf("the cause leaked: %s", res.Body)
		}
		id := res.Header.Get("X-Request-Id")
		if !strings.Contains(e.logs.String(), id) || !strings.Contains(e.logs.String(), "does not exist") {
			t.Errorf("the log lacks the request id %s or the cause:\n%s", id, e.logs)
		}
	})
	t.Run("Panic", func(t *testing.T) {
		res := e.post("", `{ positions { id } }`, nil)
		res.wantError(t, konullu.EINTERNAL, "")
		if strings.Contains(string(res.Body), "index out of range") || strings.Contains(string(res.Body), "goroutine") {
			t.Errorf("the panic leaked: %s", res.Body)
		}
		if !strings.Contains(e.logs.String(), "index out of range") {
			t.Errorf("the panic is not logged:\n%s", e.logs)
		}
	})
	t.Run("SessionStoreDown", func(t *testing.T) {
		token := e.admin()
		res := e.post(token, `{ me { id } }`, nil)
		if res.Status != http.StatusInternalServerError {
			t.Errorf("status %d, want 500", res.Status)
		}
		res.wantError(t, konullu.EINTERNAL, "")
		if strings.Contains(string(res.Body), "10.0.0.7") {
			t.Errorf("the cause leaked: %s", res.Body)
		}
		if id := res.Header.Get("X-Request-Id"); !strings.Contains(e.logs.String(), `"request_id":"`+id+`","path":null,"error":"dial tcp`) {
			t.Errorf("the log lacks the request id %s with the cause:\n%s", id, e.logs)
		}
	})
}
