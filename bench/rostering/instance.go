package main

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// Instance is one Curtois–Qu shift-scheduling instance, as written in its
// text format (../shared/rostering/README.md).
type Instance struct {
	Name    string
	Horizon int
	Shifts  []Shift
	Staff   []Staff
	DaysOff map[string][]int
	OnReq   []ShiftRequest
	OffReq  []ShiftRequest
	Cover   []Cover
}

// Shift is a shift type.
type Shift struct {
	ID           string
	Minutes      int
	CannotFollow []string
}

// Staff is an employee's contract.
type Staff struct {
	ID                string
	MaxShifts         map[string]int
	MaxTotalMinutes   int
	MinTotalMinutes   int
	MaxConsecutive    int
	MinConsecutive    int
	MinConsecutiveOff int
	MaxWeekends       int
}

// ShiftRequest is a wish for (on) or against (off) a shift on a day.
type ShiftRequest struct {
	Employee string
	Day      int
	Shift    string
	Weight   int
}

// Cover is the requirement of one shift on one day.
type Cover struct {
	Day         int
	Shift       string
	Requirement int
	Under, Over int
}

// ReadInstance parses the text format.
func ReadInstance(name string, r io.Reader) (*Instance, error) {
	in := &Instance{Name: name, DaysOff: map[string][]int{}}
	sc := bufio.NewScanner(r)
	section := ""
	lineNo := 0
	fail := func(format string, a ...any) error {
		return fmt.Errorf("%s:%d: %s", name, lineNo, fmt.Sprintf(format, a...))
	}
	atoi := func(s string) (int, error) { return strconv.Atoi(strings.TrimSpace(s)) }
	for sc.Scan() {
		lineNo++
		line := strings.TrimSpace(sc.Text())
		if i := strings.IndexByte(line, '#'); i >= 0 {
			line = strings.TrimSpace(line[:i])
		}
		if line == "" {
			continue
		}
		if strings.HasPrefix(line, "SECTION_") {
			section = line
			continue
		}
		f := strings.Split(line, ",")
		for i := range f {
			f[i] = strings.TrimSpace(f[i])
		}
		nums := func(from int) ([]int, error) {
			out := make([]int, 0, len(f)-from)
			for _, x := range f[from:] {
				n, err := atoi(x)
				if err != nil {
					return nil, fail("bad number %q", x)
				}
				out = append(out, n)
			}
			return out, nil
		}
		switch section {
		case "SECTION_HORIZON":
			n, err := atoi(line)
			if err != nil || n <= 0 {
				return nil, fail("bad horizon %q", line)
			}
			in.Horizon = n
		case "SECTION_SHIFTS":
			if len(f) < 2 {
				return nil, fail("shift needs an ID and a length")
			}
			mins, err := atoi(f[1])
			if err != nil || mins <= 0 {
				return nil, fail("bad shift length %q", f[1])
			}
			sh := Shift{ID: f[0], Minutes: mins}
			if len(f) > 2 && f[2] != "" {
				sh.CannotFollow = strings.Split(f[2], "|")
			}
			in.Shifts = append(in.Shifts, sh)
		case "SECTION_STAFF":
			if len(f) != 8 {
				return nil, fail("staff line needs 8 fields, has %d", len(f))
			}
			st := Staff{ID: f[0], MaxShifts: map[string]int{}}
			for _, kv := range strings.Split(f[1], "|") {
				k, v, ok := strings.Cut(kv, "=")
				n, err := atoi(v)
				if !ok || err != nil {
					return nil, fail("bad MaxShifts %q", kv)
				}
				st.MaxShifts[k] = n
			}
			v, err := nums(2)
			if err != nil {
				return nil, err
			}
			st.MaxTotalMinutes, st.MinTotalMinutes = v[0], v[1]
			st.MaxConsecutive, st.MinConsecutive = v[2], v[3]
			st.MinConsecutiveOff, st.MaxWeekends = v[4], v[5]
			in.Staff = append(in.Staff, st)
		case "SECTION_DAYS_OFF":
			v, err := nums(1)
			if err != nil {
				return nil, err
			}
			in.DaysOff[f[0]] = append(in.DaysOff[f[0]], v...)
		case "SECTION_SHIFT_ON_REQUESTS", "SECTION_SHIFT_OFF_REQUESTS":
			if len(f) != 4 {
				return nil, fail("request needs 4 fields")
			}
			day, err1 := atoi(f[1])
			w, err2 := atoi(f[3])
			if err1 != nil || err2 != nil {
				return nil, fail("bad request %q", line)
			}
			rq := ShiftRequest{Employee: f[0], Day: day, Shift: f[2], Weight: w}
			if section == "SECTION_SHIFT_ON_REQUESTS" {
				in.OnReq = append(in.OnReq, rq)
			} else {
				in.OffReq = append(in.OffReq, rq)
			}
		case "SECTION_COVER":
			if len(f) != 5 {
				return nil, fail("cover needs 5 fields")
			}
			v, err := nums(2)
			day, err2 := atoi(f[0])
			if err != nil || err2 != nil {
				return nil, fail("bad cover %q", line)
			}
			in.Cover = append(in.Cover, Cover{Day: day, Shift: f[1], Requirement: v[0], Under: v[1], Over: v[2]})
		default:
			return nil, fail("data outside a known section")
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if in.Horizon == 0 || len(in.Shifts) == 0 || len(in.Staff) == 0 {
		return nil, fmt.Errorf("%s: missing horizon, shifts or staff", name)
	}
	return in, nil
}

// RosterEntry is one line of a roster: an employee works a shift on a day.
type RosterEntry struct {
	Employee string
	Day      int
	Shift    string
}
