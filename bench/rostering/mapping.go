package main

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/konullu/konullu/roster"
)

// day0 is a Monday: the benchmark's day 0 is one.
var day0 = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)

func slotID(day int, shift string) string { return strconv.Itoa(day) + "/" + shift }

// Problem maps an instance onto the engine: a slot per day and shift type
// (position = shift type; target = the cover requirement with its under
// and over weights; capacity = the whole staff), a person per employee
// (available every day but their days off, the contract as limits, shift
// types as positions capped by MaxShifts) and the requests as requests.
// Weights: only the benchmark's own (fairness, preferences and rotation
// off), so the engine's soft score is the benchmark objective.
func Problem(in *Instance) *roster.Problem {
	p := &roster.Problem{
		Rules: roster.Rules{
			MaxShiftsPerDay: 1,
			CannotFollow:    map[string][]string{},
			PeriodStart:     day0,
			PeriodDays:      in.Horizon,
		},
		Weights: &roster.Weights{Hard: 40, Request: 1},
	}
	for _, s := range in.Shifts {
		// A shift that cannot follow s cannot be worked the day after it.
		p.Rules.CannotFollow[s.ID] = slices.Clone(s.CannotFollow)
	}
	minutes := map[string]int{}
	for _, s := range in.Shifts {
		minutes[s.ID] = s.Minutes
	}
	cover := map[string]Cover{}
	for _, c := range in.Cover {
		cover[slotID(c.Day, c.Shift)] = c
	}
	for d := 0; d < in.Horizon; d++ {
		for _, s := range in.Shifts {
			c := cover[slotID(d, s.ID)]
			start := day0.AddDate(0, 0, d)
			p.Slots = append(p.Slots, roster.Slot{
				ID: slotID(d, s.ID), Start: start, End: start.Add(time.Duration(s.Minutes) * time.Minute),
				Position: s.ID, Capacity: len(in.Staff),
				Target: c.Requirement, UnderWeight: float64(c.Under), OverWeight: float64(c.Over),
			})
			if c.Requirement == 0 {
				// Target 0 means "capacity" to the engine; say none wanted.
				p.Slots[len(p.Slots)-1].Target = -1
			}
		}
	}
	for _, st := range in.Staff {
		per := roster.Person{
			ID:  st.ID,
			Age: 30,
			Limits: roster.Limits{
				MaxMinutesPeriod:   st.MaxTotalMinutes,
				MinMinutesPeriod:   st.MinTotalMinutes,
				MaxConsecutiveDays: st.MaxConsecutive,
				MinConsecutiveDays: st.MinConsecutive,
				MinDaysOff:         st.MinConsecutiveOff,
				MaxWeekends:        st.MaxWeekends,
			},
			MaxPerPosition: map[string]int{},
		}
		for _, s := range in.Shifts {
			per.MaxPerPosition[s.ID] = st.MaxShifts[s.ID]
		}
		off := map[int]bool{}
		for _, d := range in.DaysOff[st.ID] {
			off[d] = true
		}
		for d := 0; d < in.Horizon; d++ {
			weekend := d%7 == 5 || d%7 == 6
			if off[d] || (weekend && st.MaxWeekends == 0) {
				continue
			}
			start := day0.AddDate(0, 0, d)
			per.Availability = append(per.Availability, roster.Window{Start: start, End: start.AddDate(0, 0, 1)})
		}
		p.People = append(p.People, per)
	}
	for _, r := range in.OnReq {
		addRequest(p, r, true)
	}
	for _, r := range in.OffReq {
		addRequest(p, r, false)
	}
	return p
}

func addRequest(p *roster.Problem, r ShiftRequest, want bool) {
	for i := range p.People {
		if p.People[i].ID == r.Employee {
			p.People[i].Requests = append(p.People[i].Requests, roster.Request{SlotID: slotID(r.Day, r.Shift), Want: want, Weight: float64(r.Weight)})
		}
	}
}

// Solve maps, solves within budget (or opt.Iterations, when not 0) and
// reads the roster back.
func Solve(ctx context.Context, in *Instance, budget time.Duration, opt roster.Options) ([]RosterEntry, *roster.Plan, error) {
	p := Problem(in)
	ctx, cancel := context.WithTimeout(ctx, budget)
	defer cancel()
	plan, err := roster.Solve(ctx, p, opt)
	if err != nil {
		return nil, nil, err
	}
	var out []RosterEntry
	for _, a := range plan.Assignments {
		dayStr, shift, ok := strings.Cut(a.SlotID, "/")
		day, err := strconv.Atoi(dayStr)
		if !ok || err != nil {
			return nil, nil, fmt.Errorf("engine returned unknown slot %q", a.SlotID)
		}
		out = append(out, RosterEntry{Employee: a.PersonID, Day: day, Shift: shift})
	}
	return out, plan, nil
}
