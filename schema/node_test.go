package schema_test

import (
	"encoding/base64"
	"testing"

	"github.com/konullu/konullu"
)

func TestNodeRoundTrip(t *testing.T) {
	w := newWorld(t)
	admin := w.tokens["admin"]
	var me struct{ Me struct{ ID string } }
	w.post(admin, `{ me { id } }`, nil).ok(t, &me)

	// Each object's id, read from the API, fetches the same object again.
	var d struct {
		Shift struct {
			ID       string
			Centre   struct{ ID string }
			Position struct{ ID string }
			Assign   []struct {
				ID        string
				Volunteer struct{ ID string }
			} `json:"assignments"`
		}
	}
	w.post(admin, `query($id: ID!) { shift(id: $id) { id centre { id } position { id } assignments { id volunteer { id } } } }`,
		map[string]any{"id": gid("Shift", w.published.ID)}).ok(t, &d)
	ids := map[string]string{
		"User":       me.Me.ID,
		"Centre":     d.Shift.Centre.ID,
		"Position":   d.Shift.Position.ID,
		"Shift":      d.Shift.ID,
		"Assignment": d.Shift.Assign[0].ID,
		"Volunteer":  d.Shift.Assign[0].Volunteer.ID,
	}
	for typ, id := range ids {
		t.Run(typ, func(t *testing.T) {
			var n struct {
				Node struct {
					Typename string `json:"__typename"`
					ID       string
				}
			}
			w.post(admin, `query($id: ID!) { node(id: $id) { __typename id } }`, map[string]any{"id": id}).ok(t, &n)
			if n.Node.Typename != typ || n.Node.ID != id {
				t.Errorf("node(%s) = %+v", id, n.Node)
			}
			raw, err := base64.RawURLEncoding.DecodeString(id)
			if err != nil || string(raw[:len(typ)+1]) != typ+":" {
				t.Errorf("id %s is not the type-prefixed opaque id (%q)", id, raw)
			}
		})
	}
}

func TestNodeIDs(t *testing.T) {
	w := newWorld(t)
	vol := w.tokens["volunteer"]
	node := `query($id: ID!) { node(id: $id) { id } }`
	for name, id := range map[string]string{
		"NotBase64":     "Shift:1",
		"Padded":        base64.URLEncoding.EncodeToString([]byte("Shift:12")),
		"UnknownType":   gid("Planet", 1),
		"NotANumber":    base64.RawURLEncoding.EncodeToString([]byte("Shift:one")),
		"NotCanonical":  base64.RawURLEncoding.EncodeToString([]byte("Shift:007")),
		"Zero":          gid("Shift", 0),
		"Empty":         "",
		"Plain integer": "42",
	} {
		t.Run("Err"+name, func(t *testing.T) {
			w.post(vol, node, map[string]any{"id": id}).wantError(t, konullu.EINVALID, "id")
		})
	}
	t.Run("MissingIsNull", func(t *testing.T) {
		var d struct{ Node *struct{ ID string } }
		w.post(vol, node, map[string]any{"id": gid("Shift", 999999)}).ok(t, &d)
		if d.Node != nil {
			t.Errorf("node = %+v, want null", d.Node)
		}
	})
	t.Run("ErrWrongTypeForArgument", func(t *testing.T) {
		w.post(vol, `query($id: ID!) { shift(id: $id) { id } }`, map[string]any{"id": gid("Centre", w.a.ID)}).
			wantError(t, konullu.EINVALID, "id")
		w.post(vol, `mutation($id: ID!) { signUp(shiftId: $id) { id } }`, map[string]any{"id": gid("Centre", w.a.ID)}).
			wantError(t, konullu.EINVALID, "shiftId")
	})
	t.Run("MutationOnMissingIsNotFound", func(t *testing.T) {
		w.post(vol, `mutation($id: ID!) { signUp(shiftId: $id) { id } }`, map[string]any{"id": gid("Shift", 999999)}).
			wantError(t, konullu.ENOTFOUND, "shiftId")
		w.post(vol, `mutation($id: ID!) { withdraw(assignmentId: $id) { id } }`, map[string]any{"id": gid("Assignment", 999999)}).
			wantError(t, konullu.ENOTFOUND, "assignmentId")
	})
	t.Run("VolunteerNeedsSignIn", func(t *testing.T) {
		w.post("", node, map[string]any{"id": gid("Volunteer", w.vol.VolunteerID)}).wantError(t, konullu.EUNAUTHENTICATED, "")
	})
}
