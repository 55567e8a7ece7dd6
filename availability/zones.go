package availability

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/konullu/konullu"
)

// Time zones. Weekly windows are wall-clock time, so where a zone changes
// its offset (summer time) the same local slot is a different UTC slot in
// March and in April: such zones ("d") get weekly bitmaps of their own,
// w:<tz>:<weekday>:<slot>. Zones that keep one offset over the index's
// horizon ("f<offset minutes>": Baku, Istanbul, Tbilisi, most of the world)
// all share 672 bitmaps of UTC slots of the week, u:<slot>, so that a few
// volunteers abroad do not cost a full set of 12.5 KB bitmaps per zone.
//
// A generation records the class it gave each zone (G:zones); readers and
// writers use the generation's class, never their own opinion, so a change
// of tz rules between two binaries cannot mix the two layouts.

// horizon is how far ahead the index answers; later periods go to SQL. It
// covers exceptions (12 months ahead) with a margin.
const horizon = 400 * 24 * time.Hour

const slotsPerWeek = 7 * konullu.SlotsPerDay

// classify gives a zone its class as of now.
func classify(tz string, now time.Time) string {
	loc := konullu.VolunteerLocation(tz)
	_, off := now.In(loc).Zone()
	if off%(konullu.SlotMinutes*60) != 0 {
		return "d"
	}
	// No zone changes its offset for less than an hour.
	for t := now.Add(-72 * time.Hour); t.Before(now.Add(horizon + 7*24*time.Hour)); t = t.Add(time.Hour) {
		if _, o := t.In(loc).Zone(); o != off {
			return "d"
		}
	}
	return "f" + strconv.Itoa(off/60)
}

// classOf is classify, remembered for a day.
func (ix *Index) classOf(tz string) string {
	day := ix.now().Truncate(24 * time.Hour)
	ix.mu.Lock()
	c, ok := ix.classes[tz]
	ix.mu.Unlock()
	if ok && c.day.Equal(day) {
		return c.class
	}
	class := classify(tz, ix.now())
	ix.mu.Lock()
	ix.classes[tz] = classEntry{class, day}
	ix.mu.Unlock()
	return class
}

type classEntry struct {
	class string
	day   time.Time
}

// zoneName is the zone a volunteer's availability is read in: their own, or
// the default when it is empty or unknown (as konullu.VolunteerLocation).
func zoneName(tz string) string {
	if konullu.VolunteerLocation(tz).String() != tz {
		return konullu.DefaultTimezone
	}
	return tz
}

// zoneLocation is the location that a zone's class stands for.
func zoneLocation(tz, class string) *time.Location {
	if off, ok := fixedOffset(class); ok {
		return time.FixedZone(tz, off*60)
	}
	return konullu.VolunteerLocation(tz)
}

func fixedOffset(class string) (minutes int, ok bool) {
	if !strings.HasPrefix(class, "f") {
		return 0, false
	}
	m, err := strconv.Atoi(class[1:])
	return m, err == nil
}

// weeklyKey names the bitmap of local slot s of weekday wd in a zone; it
// matches weekly() in volunteer.lua.
func weeklyKey(class, tz string, wd, s int) string {
	if off, ok := fixedOffset(class); ok {
		return "u:" + strconv.Itoa(mod((wd-1)*konullu.SlotsPerDay+s-off/konullu.SlotMinutes, slotsPerWeek))
	}
	return "w:" + tz + ":" + strconv.Itoa(wd) + ":" + strconv.Itoa(s)
}

func mod(a, n int) int { return ((a % n) + n) % n }

// dayNumber numbers local dates: days since 1970-01-01.
func dayNumber(date time.Time) int64 { return konullu.DateOf(date).Unix() / 86400 }

// periodDay is the part of a period on one local date of a zone.
type periodDay struct {
	day   int64
	slots []int    // local slots of the day touched, ascending
	keys  []string // their weekly keys
}

// periodDays splits [start, end) into the local dates of a zone, with the
// slots it touches on each (a repeated hour of a DST change once).
func periodDays(tz, class string, start, end time.Time) []periodDay {
	loc := zoneLocation(tz, class)
	const slot = konullu.SlotMinutes * time.Minute
	var out []periodDay
	for p := start.Truncate(slot); p.Before(end); p = p.Add(slot) {
		lt := p.In(loc)
		day := dayNumber(lt)
		s := (lt.Hour()*60 + lt.Minute()) / konullu.SlotMinutes
		i := slices.IndexFunc(out, func(d periodDay) bool { return d.day == day })
		if i < 0 {
			out = append(out, periodDay{day: day})
			i = len(out) - 1
		}
		if !slices.Contains(out[i].slots, s) {
			out[i].slots = append(out[i].slots, s)
			out[i].keys = append(out[i].keys, weeklyKey(class, tz, konullu.ISOWeekday(lt), s))
		}
	}
	for i := range out {
		slices.Sort(out[i].slots)
	}
	return out
}

// slotList writes ascending slots as merged ranges "a-b,c-d" (b exclusive).
func slotList(slots []int) string {
	var b strings.Builder
	for i := 0; i < len(slots); {
		j := i
		for j+1 < len(slots) && slots[j+1] == slots[j]+1 {
			j++
		}
		if b.Len() > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, "%d-%d", slots[i], slots[j]+1)
		i = j + 1
	}
	return b.String()
}

// matchArgs lays out a query for match.lua given the generation's zones.
func (ix *Index) matchArgs(q konullu.FreeQuery, zones map[string]string) []any {
	start := q.Start.Unix()
	end := q.End.Unix()
	if q.End.Nanosecond() != 0 {
		end++
	}
	names := make([]string, 0, len(zones))
	for tz := range zones {
		names = append(names, tz)
	}
	slices.Sort(names)
	args := []any{ix.prefix, start, end, len(names)}
	for _, tz := range names {
		args = append(args, tz, zones[tz])
	}
	type group struct {
		keys  []string
		zones []any
	}
	var groups []*group
	var shared *group // the fixed-offset zones, on the UTC bitmaps
	for _, tz := range names {
		class := zones[tz]
		days := periodDays(tz, class, q.Start, q.End)
		g := &group{}
		if _, fixed := fixedOffset(class); fixed {
			if shared == nil {
				shared = g
				groups = append(groups, g)
			}
			g = shared
		} else {
			groups = append(groups, g)
		}
		zone := []any{tz, len(days)}
		for _, d := range days {
			zone = append(zone, d.day, slotList(d.slots), strings.Join(d.keys, ","))
			for _, k := range d.keys {
				if !slices.Contains(g.keys, k) {
					g.keys = append(g.keys, k)
				}
			}
		}
		g.zones = append(g.zones, zone)
	}
	args = append(args, len(groups))
	for _, g := range groups {
		args = append(args, strings.Join(g.keys, ","), len(g.zones))
		for _, z := range g.zones {
			args = append(args, z.([]any)...)
		}
	}
	skills := skillKeys(q.Skills)
	args = append(args, len(skills))
	for _, s := range skills {
		args = append(args, s)
	}
	return args
}

// entry is what the index writes for one volunteer.
type entry struct {
	id         int64
	tz         string
	class      string
	active     bool
	skills     []string
	weekly     []weeklySlots
	exceptions []exception
}

// weeklySlots are the local slots [from, to) of a weekday.
type weeklySlots struct{ weekday, from, to int }

type exception struct {
	day      int64  // local day number
	free     string // free slots of that date (freeSlots), "" for none
	expireAt int64
}

// freeSlots encodes the whole slots inside minute ranges as a byte pair per
// range, slot + 32 (start, end exclusive): compact in Redis and read in Lua
// with string.byte, several times faster than parsing digits.
func freeSlots(rs []konullu.MinuteRange) string {
	var b []byte
	for _, r := range rs {
		if from, to := wholeSlots(r); from < to {
			b = append(b, byte(from+32), byte(to+32))
		}
	}
	return string(b)
}

// anyMonday is a Monday: anyMonday.AddDate(0, 0, wd-1) has ISO weekday wd.
var anyMonday = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)

func (ix *Index) entryOf(v *konullu.IndexedVolunteer) entry {
	tz := zoneName(v.Timezone)
	e := entry{id: v.ID, tz: tz, class: ix.classOf(tz), active: v.Status == konullu.VolunteerActive, skills: skillKeys(v.Skills)}
	weekly := konullu.Availability{Weekly: v.Availability.Weekly}
	for wd := 1; wd <= 7; wd++ {
		for _, r := range weekly.FreeOn(anyMonday.AddDate(0, 0, wd-1)) {
			if from, to := wholeSlots(r); from < to {
				e.weekly = append(e.weekly, weeklySlots{wd, from, to})
			}
		}
	}
	sinceDate := konullu.DateOf(ix.since())
	var dates []time.Time
	for _, x := range v.Availability.Exceptions {
		if !x.Date.Before(sinceDate) && !slices.ContainsFunc(dates, x.Date.Equal) {
			dates = append(dates, x.Date)
		}
	}
	for _, d := range dates {
		n := dayNumber(d)
		e.exceptions = append(e.exceptions, exception{
			day:      n,
			free:     freeSlots(v.Availability.FreeOn(d)),
			expireAt: (n + 3) * 86400, // once the date has passed in every time zone
		})
	}
	return e
}

// bucketSize is the number of volunteers whose records share a hash: small
// enough for Redis's compact listpack encoding (128 entries by default).
const bucketSize = 100

func bucketOf(id int64) int64 { return id / bucketSize }

// record is what an update needs to clear the volunteer's entries later:
// "tz|weekdays:a-b,…|day,…" with weekdays sharing a range written together
// ("12345:52-80") and tz empty for the default zone, or "" when there are
// none. Short records keep the
// buckets in listpack encoding (values up to 64 bytes by default); without
// records an update would have to look at every bit of every zone.
func (e entry) record() string {
	if len(e.weekly) == 0 && len(e.exceptions) == 0 {
		return ""
	}
	var ranges []string
	days := map[string]string{}
	for _, w := range e.weekly {
		r := strconv.Itoa(w.from) + "-" + strconv.Itoa(w.to)
		if _, ok := days[r]; !ok {
			ranges = append(ranges, r)
		}
		days[r] += strconv.Itoa(w.weekday)
	}
	var b strings.Builder
	if e.tz != konullu.DefaultTimezone { // most records: kept short
		b.WriteString(e.tz)
	}
	b.WriteByte('|')
	for i, r := range ranges {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(days[r] + ":" + r)
	}
	b.WriteByte('|')
	for i, x := range e.exceptions {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.FormatInt(x.day, 10))
	}
	return b.String()
}
