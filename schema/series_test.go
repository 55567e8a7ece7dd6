package schema_test

import (
	"testing"
	"time"

	"github.com/konullu/konullu"
)

const createShifts = `mutation($in: CreateShiftsInput!) { createShifts(input: $in) { id startsAt endsAt status capacity centre { timezone } } }`

type created struct {
	CreateShifts []struct {
		ID, StartsAt, EndsAt, Status string
		Capacity                     int
	}
}

func TestWeeklySeriesAcrossDST(t *testing.T) {
	e := newEnv(t)
	admin := e.admin()
	berlin := e.centre("Könüllü Berlin", "Europe/Berlin")
	p := e.position("Language support")
	berlinTime, _ := time.LoadLocation("Europe/Berlin")
	series := func(start, end, until string) map[string]any {
		return map[string]any{"in": map[string]any{
			"centreId": gid("Centre", berlin.ID), "positionId": gid("Position", p.ID),
			"startsAt": start, "endsAt": end, "capacity": 4,
			"repeatWeekdays": []int{1, 3}, "repeatUntil": until, "publish": true,
		}}
	}
	tests := []struct {
		name, start, end, until string
		want                    []string // starts in UTC
	}{
		{
			// Europe/Berlin moves to summer time on Sunday 30 March 2025.
			name: "Spring", start: "2025-03-24T09:00:00+01:00", end: "2025-03-24T13:00:00+01:00", until: "2025-04-02",
			want: []string{"2025-03-24T08:00:00Z", "2025-03-26T08:00:00Z", "2025-03-31T07:00:00Z", "2025-04-02T07:00:00Z"},
		},
		{
			// ...and back on Sunday 26 October 2025.
			name: "Autumn", start: "2025-10-22T07:00:00Z", end: "2025-10-22T11:00:00Z", until: "2025-10-27",
			want: []string{"2025-10-22T07:00:00Z", "2025-10-27T08:00:00Z"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var d created
			e.post(admin, createShifts, series(tt.start, tt.end, tt.until)).ok(t, &d)
			if len(d.CreateShifts) != len(tt.want) {
				t.Fatalf("%d shifts, want %d: %+v", len(d.CreateShifts), len(tt.want), d.CreateShifts)
			}
			for i, s := range d.CreateShifts {
				start, _ := time.Parse(time.RFC3339, s.StartsAt)
				end, _ := time.Parse(time.RFC3339, s.EndsAt)
				local := start.In(berlinTime)
				if s.StartsAt != tt.want[i] || local.Hour() != 9 || local.Minute() != 0 || end.Sub(start) != 4*time.Hour {
					t.Errorf("shift %d: %s..%s (%s local), want %s = 09:00 local for 4 hours", i, s.StartsAt, s.EndsAt, local.Format("15:04"), tt.want[i])
				}
				if s.Status != "PUBLISHED" || s.Capacity != 4 {
					t.Errorf("shift %d: %+v", i, s)
				}
			}
		})
	}
}

func TestCreateShiftsValidation(t *testing.T) {
	e := newEnv(t)
	admin := e.admin()
	c := e.centre("Bakı ASAN 1", "Asia/Baku")
	p := e.position("Reception guide")
	input := func(change func(map[string]any)) map[string]any {
		in := map[string]any{
			"centreId": gid("Centre", c.ID), "positionId": gid("Position", p.ID),
			"startsAt": "2025-03-17T05:00:00Z", "endsAt": "2025-03-17T09:00:00Z", "capacity": 3,
		}
		change(in)
		return map[string]any{"in": in}
	}
	tests := []struct {
		name   string
		change func(map[string]any)
		code   string
		field  string
	}{
		{"ErrCapacityZero", func(in map[string]any) { in["capacity"] = 0 }, konullu.EINVALID, "capacity"},
		{"ErrCapacityHuge", func(in map[string]any) { in["capacity"] = 1001 }, konullu.EINVALID, "capacity"},
		{"ErrEndBeforeStart", func(in map[string]any) { in["endsAt"] = "2025-03-17T04:00:00Z" }, konullu.EINVALID, "endsAt"},
		{"ErrLongerThanADay", func(in map[string]any) { in["endsAt"] = "2025-03-18T06:00:00Z" }, konullu.EINVALID, "endsAt"},
		{"ErrWeekday", func(in map[string]any) { in["repeatWeekdays"] = []int{8}; in["repeatUntil"] = "2025-04-01" }, konullu.EINVALID, "repeatWeekdays"},
		{"ErrUntilWithoutWeekdays", func(in map[string]any) { in["repeatUntil"] = "2025-04-01" }, konullu.EINVALID, "repeatWeekdays"},
		{"ErrWeekdaysWithoutUntil", func(in map[string]any) { in["repeatWeekdays"] = []int{1} }, konullu.EINVALID, "repeatUntil"},
		{"ErrTooManyShifts", func(in map[string]any) {
			in["repeatWeekdays"] = []int{1, 2, 3, 4, 5, 6, 7}
			in["repeatUntil"] = "2027-01-01"
		}, konullu.EINVALID, "repeatUntil"},
		{"ErrCentreMissing", func(in map[string]any) { in["centreId"] = gid("Centre", 9999) }, konullu.ENOTFOUND, "centreId"},
		{"ErrPositionMissing", func(in map[string]any) { in["positionId"] = gid("Position", 9999) }, konullu.ENOTFOUND, "positionId"},
		{"ErrPositionIsCentre", func(in map[string]any) { in["positionId"] = gid("Centre", c.ID) }, konullu.EINVALID, "positionId"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e.post(admin, createShifts, input(tt.change)).wantError(t, tt.code, tt.field)
		})
	}
	t.Run("PastShiftsRecordActivity", func(t *testing.T) {
		var d created
		e.post(admin, createShifts, input(func(in map[string]any) {
			in["startsAt"], in["endsAt"] = "2025-01-06T05:00:00Z", "2025-01-06T09:00:00Z"
		})).ok(t, &d)
		if len(d.CreateShifts) != 1 || d.CreateShifts[0].Status != "DRAFT" {
			t.Errorf("got %+v, want one draft", d.CreateShifts)
		}
	})
	t.Run("FiveHundredAtMost", func(t *testing.T) {
		var d created
		e.post(admin, createShifts, input(func(in map[string]any) {
			in["repeatWeekdays"] = []int{1, 2, 3, 4, 5, 6, 7}
			in["repeatUntil"] = "2026-07-29" // 17 March 2025 + 499 days
		})).ok(t, &d)
		if len(d.CreateShifts) != 500 {
			t.Errorf("%d shifts, want 500", len(d.CreateShifts))
		}
	})
}
