package schema_test

import (
	"testing"

	"github.com/konullu/konullu"
)

func TestDateTime(t *testing.T) {
	w := newWorld(t)
	shifts := `query($from: DateTime!, $to: DateTime!) { shifts(from: $from, to: $to) { edges { node { startsAt endsAt } } } }`
	t.Run("OffsetsComeBackInUTC", func(t *testing.T) {
		var d struct {
			Shifts struct {
				Edges []struct {
					Node struct{ StartsAt, EndsAt string }
				}
			}
		}
		w.post("", shifts, map[string]any{"from": "2025-03-12T00:00:00+04:00", "to": "2025-03-12T23:59:59.999+04:00"}).ok(t, &d)
		if len(d.Shifts.Edges) != 1 {
			t.Fatalf("want the published shift, got %+v", d.Shifts.Edges)
		}
		if n := d.Shifts.Edges[0].Node; n.StartsAt != "2025-03-12T05:00:00Z" || n.EndsAt != "2025-03-12T09:00:00Z" {
			t.Errorf("got %+v, want UTC with Z", n)
		}
	})
	for name, bad := range map[string]any{
		"DateOnly":       "2025-03-12",
		"NoOffset":       "2025-03-12T09:00:00",
		"Space":          "2025-03-12 09:00:00Z",
		"NoSuchDay":      "2025-02-30T09:00:00Z",
		"BadHour":        "2025-03-12T25:00:00Z",
		"BadOffset":      "2025-03-12T09:00:00+25:00",
		"UnixTimestamp":  1741766400,
		"Words":          "tomorrow",
		"LowercaseT":     "2025-03-12t09:00:00Z",
		"TrailingSpaces": "2025-03-12T09:00:00Z ",
	} {
		t.Run("Err"+name, func(t *testing.T) {
			res := w.post("", shifts, map[string]any{"from": "2025-03-01T00:00:00Z", "to": bad})
			if res.Data != nil && string(res.Data) != "null" {
				t.Errorf("data = %s, want none", res.Data)
			}
			res.wantError(t, konullu.EINVALID, "to")
		})
	}
	t.Run("ErrLiteral", func(t *testing.T) {
		w.post("", `{ shifts(from: "yesterday", to: "2025-04-01T00:00:00Z") { totalCount } }`, nil).wantError(t, konullu.EINVALID, "from")
	})
	t.Run("ErrInInput", func(t *testing.T) {
		res := w.post(w.tokens["admin"], `mutation($in: CreateShiftsInput!) { createShifts(input: $in) { id } }`, map[string]any{"in": map[string]any{
			"centreId": gid("Centre", w.a.ID), "positionId": gid("Position", w.pos.ID),
			"startsAt": "2025-03-20 09:00", "endsAt": "2025-03-20T13:00:00+04:00", "capacity": 3,
		}})
		res.wantError(t, konullu.EINVALID, "startsAt")
	})
	t.Run("ErrWindow", func(t *testing.T) {
		w.post("", shifts, map[string]any{"from": "2025-03-12T00:00:00Z", "to": "2025-03-12T00:00:00Z"}).wantError(t, konullu.EINVALID, "to")
		w.post("", shifts, map[string]any{"from": "2025-03-12T00:00:00Z", "to": "2026-04-12T00:00:00Z"}).wantError(t, konullu.EINVALID, "to")
	})
}

func TestDate(t *testing.T) {
	w := newWorld(t)
	create := `mutation($in: CreateShiftsInput!) { createShifts(input: $in) { id } }`
	input := func(until any) map[string]any {
		return map[string]any{"in": map[string]any{
			"centreId": gid("Centre", w.a.ID), "positionId": gid("Position", w.pos.ID),
			"startsAt": "2025-03-17T05:00:00Z", "endsAt": "2025-03-17T09:00:00Z", "capacity": 3,
			"repeatWeekdays": []int{1}, "repeatUntil": until,
		}}
	}
	for name, bad := range map[string]any{
		"DateTime":  "2025-04-01T00:00:00Z",
		"NoPadding": "2025-4-1",
		"NoSuchDay": "2025-04-31",
		"Number":    20250401,
		"Dotted":    "01.04.2025",
	} {
		t.Run("Err"+name, func(t *testing.T) {
			w.post(w.tokens["admin"], create, input(bad)).wantError(t, konullu.EINVALID, "repeatUntil")
		})
	}
	var d struct{ CreateShifts []struct{ ID string } }
	w.post(w.tokens["admin"], create, input("2025-03-31")).ok(t, &d)
	if len(d.CreateShifts) != 3 {
		t.Errorf("weekly on Mondays 17..31 March: %d shifts, want 3", len(d.CreateShifts))
	}
}
