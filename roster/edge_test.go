package roster

import (
	"context"
	"testing"
)

// Empty problems and people nobody can use give an empty, valid plan.
func TestEmptyProblems(t *testing.T) {
	for name, p := range map[string]*Problem{
		"nothing":   {},
		"no slots":  {People: []Person{{ID: "x", Age: 20}}},
		"no people": {Slots: []Slot{{ID: "a", Start: at(0, 9), End: at(0, 13), Capacity: 2}}},
		"nobody free": {Slots: []Slot{{ID: "a", Start: at(0, 9), End: at(0, 13), Capacity: 2}},
			People: []Person{{ID: "x", Age: 20}}},
	} {
		plan, err := Solve(context.Background(), p, Options{Seed: 1})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if len(plan.Assignments) != 0 || plan.Filled != 0 || plan.Bound != 0 {
			t.Fatalf("%s: %+v", name, plan)
		}
	}
}

func TestBadInput(t *testing.T) {
	for name, p := range map[string]*Problem{
		"slot without ID":   {Slots: []Slot{{Start: at(0, 9), End: at(0, 13), Capacity: 1}}},
		"slot ends first":   {Slots: []Slot{{ID: "a", Start: at(0, 13), End: at(0, 9), Capacity: 1}}},
		"held unknown":      {People: []Person{{ID: "x", Held: []string{"zz"}}}},
		"person repeated":   {People: []Person{{ID: "x"}, {ID: "x"}}},
		"outside period":    {Rules: Rules{PeriodStart: monday, PeriodDays: 1}, Slots: []Slot{{ID: "a", Start: at(2, 9), End: at(2, 13), Capacity: 1}}},
		"negative capacity": {Slots: []Slot{{ID: "a", Start: at(0, 9), End: at(0, 13), Capacity: -1}}},
	} {
		if _, err := Solve(context.Background(), p, Options{}); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}
