// Package roster plans who takes which place: given people (availability,
// skills, limits, preferences, what they already hold) and slots (start, end,
// position, capacity), it proposes assignments that break no hard rule, fill
// as many places as possible, spread the minutes fairly and honour
// preferences, and explains its score constraint by constraint.
//
// It knows nothing of the store: adapters fill a Problem and read a Plan.
// The method (README "Rostering engine"): an exact maximum flow gives the
// most places that can be filled and a first plan, a repair pass makes that
// plan obey every rule, and simulated annealing over a few moves (change a
// person's day, swap two people's days, swap or set a block of days) improves
// it, each move rescoring only the people and slots it touches.
package roster

import (
	"time"
)

// Window is a half-open span of time [Start, End).
type Window struct {
	Start, End time.Time
}

func (w Window) covers(start, end time.Time) bool {
	return !start.Before(w.Start) && !end.After(w.End)
}

// Limits bound one person's work. A zero maximum means no limit; minimums
// are soft-hard: the engine drives their shortfall to zero and reports a plan
// that still falls short as not Feasible.
type Limits struct {
	MaxShiftsPerDay int // 0: Rules.MaxShiftsPerDay
	MinRestMinutes  int // between the end of one shift and the start of the next; 0: Rules.MinRestMinutes

	MinShiftsWeek, MaxShiftsWeek   int
	MinMinutesWeek, MaxMinutesWeek int

	MinShiftsPeriod, MaxShiftsPeriod   int
	MinMinutesPeriod, MaxMinutesPeriod int

	MaxConsecutiveDays int // no run of worked days longer
	MinConsecutiveDays int // no run of worked days shorter, unless it touches the period's first or last day
	MinDaysOff         int // no run of days off shorter, unless it touches the period's first or last day
	MaxWeekends        int // weekends with a worked Saturday or Sunday
}

// Request is a person's wish for (Want) or against a slot, with its weight.
type Request struct {
	SlotID string
	Want   bool
	Weight float64
}

// Person is someone who can be given places.
type Person struct {
	ID              string
	Availability    []Window // a slot must lie inside one window
	Skills          []string
	Age             int
	GuardianConsent bool // needed below Rules.AdultAge
	Limits          Limits
	// MaxPerPosition caps the shifts of a position in the period; a position
	// absent from the map is unlimited, 0 forbids it.
	MaxPerPosition map[string]int

	// PriorShifts and PriorMinutes are held in the period outside these
	// slots: they count towards the period limits and the fairness.
	PriorShifts, PriorMinutes int

	PreferredPositions []string
	PreferredCentres   []string
	PreferredTimes     []Window
	Requests           []Request

	// Held lists the slots the person already holds: they stay, and count.
	Held []string
}

// Slot is a shift with places to fill.
type Slot struct {
	ID         string
	Start, End time.Time
	Position   string
	Centre     string
	Skills     []string // all required
	MinAge     int
	Capacity   int // hard: never more people than this
	// Target is how many people the slot wants (0: Capacity, negative:
	// nobody, only over-target weight counts); places below
	// it cost UnderWeight each, people above it OverWeight each.
	Target      int
	UnderWeight float64 // 0: Weights.Unfilled
	OverWeight  float64 // 0: Weights.Over
}

// Rules are the problem-wide defaults.
type Rules struct {
	Location        *time.Location // days and weeks are read in it; nil: UTC
	MaxShiftsPerDay int            // 0: 1
	MinRestMinutes  int
	AdultAge        int // 0: 18; below it guardian consent is needed
	// CannotFollow[a] lists the positions that may not be worked the day
	// after a shift of position a.
	CannotFollow map[string][]string
	// PeriodStart and PeriodDays fix the planning period (the days the
	// consecutive-day rules see); zero: from the first to the last slot.
	PeriodStart time.Time
	PeriodDays  int
}

// Weights price the soft constraints and a unit of hard-minimum shortfall.
type Weights struct {
	Hard       float64 // per unit of shortfall on a minimum limit
	Unfilled   float64 // per place below a slot's target
	Over       float64 // per person above a slot's target
	Fairness   float64 // per (hour of a person's period load)², counting prior minutes
	Preference float64 // per assignment outside a person's preferred positions, centres or times
	Request    float64 // multiplies request weights
	Rotation   float64 // per (shifts of one position)² of a person
}

// DefaultWeights fill first, then spread the load fairly, then honour
// preferences, then rotate positions.
func DefaultWeights() Weights {
	return Weights{Hard: 1e9, Unfilled: 1e6, Over: 0, Fairness: 1, Preference: 20, Request: 1, Rotation: 2}
}

// Problem is everything the engine plans from.
type Problem struct {
	People  []Person
	Slots   []Slot
	Rules   Rules
	Weights *Weights // nil: DefaultWeights
}

// Options steer one run.
type Options struct {
	Seed int64
	// Iterations bounds the moves tried; 0 with a context deadline runs
	// until the deadline, 0 without one tries DefaultIterations.
	Iterations int
	// Cycle is the number of moves of one annealing cycle (temperature from
	// hot to cold, then a restart from the best plan); 0: a third of
	// Iterations, or DefaultCycle when only a deadline bounds the search.
	Cycle int
	// LineOdds: one move in LineOdds re-plans one or two people's whole
	// period exactly (dynamic programming over the days); 0: from the size
	// of the programme (about 1 in 50 on the benchmark's Instance2, 1 in
	// 300 on Instance3), negative: never.
	LineOdds int
}

// DefaultCycle is the length of an annealing cycle, in moves, when only a
// deadline bounds the search.
const DefaultCycle = 2_000_000

// DefaultIterations is the move budget when neither Options.Iterations nor
// a deadline bounds the search.
const DefaultIterations = 200_000

// Assignment gives a person a place in a slot.
type Assignment struct {
	PersonID string
	SlotID   string
}

// ConstraintScore is one named constraint's share of the score.
type ConstraintScore struct {
	Name    string
	Hard    bool
	Matches int
	Cost    float64
}

// LoadSpread is the fewest and most minutes held by one person in the
// period (prior minutes included), over the people who could take a place.
type LoadSpread struct {
	MinMinutes, MaxMinutes int
}

// Plan is the engine's answer.
type Plan struct {
	Assignments []Assignment // proposals only; held places are not repeated
	// Filled counts the places below target filled by proposals; Bound is
	// the exact maximum of that number under eligibility and the per-day,
	// per-week and per-period shift counts only (a maximum flow): clock
	// times (overlaps, rest), minutes and runs of days are relaxed, so it
	// is an upper bound. Filled == Bound proves no plan could fill more;
	// Filled < Bound alone proves nothing (TestBoundIgnoresOverlaps).
	Filled, Bound int
	Open          int // places still below target
	Feasible      bool
	HardShortfall int     // units of shortfall on minimum limits (0 when Feasible)
	Cost          float64 // the soft score (lower is better), hard shortfall excluded
	Breakdown     []ConstraintScore
	Before, After LoadSpread
	Iterations    int
}
