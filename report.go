package konullu

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Participation reports answer the youth programme's questions: how many
// young people took part, for how many hours, where, at what age and who
// stayed. Their vocabulary, used the same way by the store, the API and the
// exports:
//
//   - A report covers whole days in the deployment's time zone, both ends
//     inclusive; an assignment belongs to the day its shift starts on.
//   - An assignment counts when it held a place: CONFIRMED, CHECKED_IN,
//     COMPLETED or NO_SHOW (waitlisted and cancelled ones are no participation).
//   - Minutes are the credited minutes of COMPLETED assignments (invariant 5),
//     the same sum as Volunteer.TotalMinutes and the hour tallies.
//   - A volunteer is active when they have at least one COMPLETED assignment
//     with credited minutes; a row counts each active volunteer once, so a
//     volunteer active at two centres counts in both centre rows.
//   - The no-show rate is no-shows over assignments whose shift has begun
//     (attended plus no-shows); the fill rate is places filled over places
//     offered by PUBLISHED shifts, a place being filled by a counted assignment.
//
// Additive figures (minutes, assignments, attended, no-shows and every shift
// figure) of the rows of any breakdown add up exactly to the totals; active
// volunteers add up to at least the total.

// Age bands of the reports, by age on the shift's date.
const (
	AgeBandUnder18 = "UNDER_18"
	AgeBand18to21  = "18_21"
	AgeBand22to25  = "22_25"
	AgeBand26to30  = "26_30"
	AgeBandOver30  = "OVER_30"
	AgeBandUnknown = "UNKNOWN" // no birth date on record
)

// AgeBands lists the bands in order; UNKNOWN comes last.
var AgeBands = []string{AgeBandUnder18, AgeBand18to21, AgeBand22to25, AgeBand26to30, AgeBandOver30, AgeBandUnknown}

var ageBandLabels = map[string]string{
	AgeBandUnder18: "under 18", AgeBand18to21: "18–21", AgeBand22to25: "22–25",
	AgeBand26to30: "26–30", AgeBandOver30: "over 30", AgeBandUnknown: "unknown",
}

// AgeBandLabel is the English label of a band.
func AgeBandLabel(band string) string { return ageBandLabels[band] }

// AgeBandOf returns the band of someone born on birth (zero: unknown) on the given day.
func AgeBandOf(birth, day time.Time) string {
	if birth.IsZero() {
		return AgeBandUnknown
	}
	return ageBandOfAge(AgeOn(birth, day))
}

func ageBandOfAge(age int) string {
	switch {
	case age < 18:
		return AgeBandUnder18
	case age <= 21:
		return AgeBand18to21
	case age <= 25:
		return AgeBand22to25
	case age <= 30:
		return AgeBand26to30
	}
	return AgeBandOver30
}

// MaxReportDays is the longest period a report or export covers (two years and a leap day).
const MaxReportDays = 2*366 + 1

// ReportQuery selects what a report or export covers.
type ReportQuery struct {
	From, To  time.Time      // dates (00:00 UTC), both inclusive
	Location  *time.Location // the deployment's time zone; days and months are read in it
	CentreIDs []int64        // nil: every centre
}

// Validate checks the period: both dates given, from not after to, at most
// MaxReportDays days. Errors are INVALID_INPUT naming the field at fault.
func (q ReportQuery) Validate() error {
	if q.From.IsZero() {
		return Invalid("from", "a start date is required")
	}
	if q.To.IsZero() {
		return Invalid("to", "an end date is required")
	}
	if q.From.Year() < 2000 || q.From.Year() > 2200 {
		return Invalid("from", "must be a date between 2000 and 2200")
	}
	if q.To.Year() < 2000 || q.To.Year() > 2200 {
		return Invalid("to", "must be a date between 2000 and 2200")
	}
	if q.To.Before(q.From) {
		return Invalid("to", "must not be before from")
	}
	if days := int(q.To.Sub(q.From).Hours()/24) + 1; days > MaxReportDays {
		return Invalid("to", "a report covers at most two years (%d days)", MaxReportDays)
	}
	return nil
}

// ParseReportDates reads YYYY-MM-DD dates (of URL parameters, say) into a
// query; errors name the parameter at fault.
func ParseReportDates(from, to string, loc *time.Location) (ReportQuery, error) {
	q := ReportQuery{Location: loc}
	var err error
	if q.From, err = parseDate("from", from); err != nil {
		return q, err
	}
	if q.To, err = parseDate("to", to); err != nil {
		return q, err
	}
	return q, q.Validate()
}

func parseDate(field, s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, Invalid(field, "a date such as 2025-03-30 is required")
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil || len(s) != 10 {
		return time.Time{}, Invalid(field, "%q is not a date in the format YYYY-MM-DD", s)
	}
	return t, nil
}

// Bounds returns the period as instants: [start of From, start of the day after To) in the query's zone.
func (q ReportQuery) Bounds() (start, end time.Time) {
	loc := q.loc()
	start = time.Date(q.From.Year(), q.From.Month(), q.From.Day(), 0, 0, 0, 0, loc)
	end = time.Date(q.To.Year(), q.To.Month(), q.To.Day()+1, 0, 0, 0, 0, loc)
	return start.UTC(), end.UTC()
}

func (q ReportQuery) loc() *time.Location {
	if q.Location == nil {
		return time.UTC
	}
	return q.Location
}

// Months returns the calendar months the period touches, "YYYY-MM", in order.
func (q ReportQuery) Months() []string {
	var out []string
	for m := time.Date(q.From.Year(), q.From.Month(), 1, 0, 0, 0, 0, time.UTC); !m.After(q.To); m = m.AddDate(0, 1, 0) {
		out = append(out, m.Format("2006-01"))
	}
	return out
}

// InScope reports whether the query covers the centre.
func (q ReportQuery) InScope(centreID int64) bool {
	return q.CentreIDs == nil || slices.Contains(q.CentreIDs, centreID)
}

// ReportRow is one line of a breakdown, or the totals.
type ReportRow struct {
	Key, Label         string
	CentreID           int64 // rows by centre
	PositionID         int64 // rows by position
	ActiveVolunteers   int
	Minutes            int
	Assignments        int // counted assignments (held a place)
	Attended           int // COMPLETED or CHECKED_IN
	NoShows            int
	HasShifts          bool // rows by age band have no shift figures
	Shifts             int  // PUBLISHED shifts
	ShiftsFilled       int  // with every place filled
	ShiftsUnderstaffed int  // with a place left
	Capacity           int  // places offered
	PlacesFilled       int  // places filled (at most the capacity of each shift)
}

// NoShowRate is no-shows over assignments whose shift has begun; 0 when none.
func (r *ReportRow) NoShowRate() float64 {
	if d := r.Attended + r.NoShows; d > 0 {
		return float64(r.NoShows) / float64(d)
	}
	return 0
}

// FillRate is places filled over places offered; 0 when none were offered.
func (r *ReportRow) FillRate() float64 {
	if r.Capacity > 0 {
		return float64(r.PlacesFilled) / float64(r.Capacity)
	}
	return 0
}

// ParticipationReport is the participation of a period, with its breakdowns.
type ParticipationReport struct {
	Query      ReportQuery
	Total      ReportRow
	ByCentre   []ReportRow // every centre in scope, by name
	ByMonth    []ReportRow // every month the period touches
	ByAgeBand  []ReportRow // every band; UNKNOWN only when it has assignments
	ByPosition []ReportRow // positions with shifts or assignments, by name
}

// RetentionRow is one month of a retention table.
type RetentionRow struct {
	Month     string // YYYY-MM
	Active    int    // volunteers active in the month
	Returning int    // of them, also active in the month before
	Retained  int    // active in every month of the table up to and including this one
}

// RetentionQuery asks for the last Months calendar months up to and including the month of To.
type RetentionQuery struct {
	To        time.Time
	Months    int
	Location  *time.Location
	CentreIDs []int64
}

// MaxRetentionMonths bounds a retention table.
const MaxRetentionMonths = 24

// Window returns the first and last month (dates on the 1st) and the instants they span.
func (q RetentionQuery) Window() (first time.Time, start, end time.Time) {
	last := time.Date(q.To.Year(), q.To.Month(), 1, 0, 0, 0, 0, time.UTC)
	first = last.AddDate(0, -(q.Months - 1), 0)
	loc := q.Location
	if loc == nil {
		loc = time.UTC
	}
	start = time.Date(first.Year(), first.Month(), 1, 0, 0, 0, 0, loc).UTC()
	end = time.Date(last.Year(), last.Month()+1, 1, 0, 0, 0, 0, loc).UTC()
	return first, start, end
}

// Retention turns each volunteer's active months (bit i: month i of the
// window, oldest first) into the retention table.
func Retention(first time.Time, months int, activity map[int64]uint32) []RetentionRow {
	rows := make([]RetentionRow, months)
	for i := range rows {
		rows[i].Month = first.AddDate(0, i, 0).Format("2006-01")
	}
	for _, mask := range activity {
		for i := 0; i < months; i++ {
			bit := uint32(1) << i
			if mask&bit == 0 {
				continue
			}
			rows[i].Active++
			if i > 0 && mask&(bit>>1) != 0 {
				rows[i].Returning++
			}
			if all := uint32(1)<<(i+1) - 1; mask&all == all {
				rows[i].Retained++
			}
		}
	}
	return rows
}

// ShiftFact is what a report needs of a shift.
type ShiftFact struct {
	ID         int64
	CentreID   int64
	PositionID int64
	StartsAt   time.Time
	Capacity   int
	Status     ShiftStatus
}

// VolunteerBirth is a volunteer's birth date (zero when unknown), for age bands.
type VolunteerBirth struct {
	ID    int64
	Birth time.Time
}

// ReportBuilder aggregates shifts and assignments into a participation
// report. It is the one implementation of the report's rules: the store
// feeds it rows as it reads them (several forks may read parts of the
// assignments in parallel and be merged), and tests feed it raw data.
//
// Reports read a million assignments, so the hot path avoids maps: shifts
// and volunteers get dense indexes up front, and what is counted per
// volunteer lives in flat arrays.
type ReportBuilder struct {
	q         ReportQuery
	months    []string
	monthIdx  map[string]int
	centres   []*Centre
	centreIdx map[int64]int
	positions []*Position
	posIdx    map[int64]int

	// Shared by forks, read-only once one exists.
	shiftIx *idIndex
	shifts  []shiftAgg
	volIx   *idIndex
	births  []civilDate // by volunteer index; zero year: unknown

	// Counted by each fork. Assignment figures are kept per shift and per
	// age band, and rolled up into centres, months and positions at the end.
	// What each volunteer was active in is one record of vw words in
	// vBits (one cache line to touch per assignment): cw words of centre
	// bits, pw of position bits, then a word of month bits (at most
	// MaxReportDays/28+1 months, the low 32 bits), age-band bits (8 bits
	// from bit 32) and bit 40 set once credited.
	perShift []rowCounts // by shift index
	vBits    []uint64
	cw, pw   int // words per volunteer of centre and position bits
	vw       int // cw + pw + 1

	byBand [6]rowCounts
}

// rowCounts are the figures one assignment adds to.
type rowCounts struct{ minutes, assignments, attended, noShows int32 }

func (a *rowCounts) add(b rowCounts) {
	a.minutes += b.minutes
	a.assignments += b.assignments
	a.attended += b.attended
	a.noShows += b.noShows
}

func (a rowCounts) counts() addCounts {
	return addCounts{minutes: int(a.minutes), assignments: int(a.assignments), attended: int(a.attended), noShows: int(a.noShows)}
}

// civilDate is a date as one number, year*10000 + month*100 + day, for
// age arithmetic without time.Time (and a birth date in 8 bytes: reports
// look one up per assignment); 0 (a zero time or year 0): unknown.
type civilDate int64

func civil(t time.Time) civilDate {
	if t.IsZero() {
		return 0
	}
	y, m, d := t.Date()
	if y == 0 {
		return 0
	}
	return civilDate(int64(y)*10000 + int64(m)*100 + int64(d))
}

// bandIndex is the index in AgeBands of someone born on b on day.
func bandIndex(b, day civilDate) int {
	if b == 0 {
		return 5
	}
	// The difference is the age times 10,000 plus that of month and day,
	// less than 10,000 either way: the quotient is the age when it is not
	// negative, and less than 18 when it is.
	age := int64(day-b) / 10000
	switch {
	case age < 18:
		return 0
	case age <= 21:
		return 1
	case age <= 25:
		return 2
	case age <= 30:
		return 3
	}
	return 4
}

type shiftAgg struct {
	centre, pos, month int32
	capacity           int32
	published          bool
	day                civilDate // the date of the start in the centre's time zone
}

type addCounts struct {
	minutes, assignments, attended, noShows int
	shifts, filled, under, capacity, places int
}

func (a *addCounts) add(b addCounts) {
	a.minutes += b.minutes
	a.assignments += b.assignments
	a.attended += b.attended
	a.noShows += b.noShows
	a.shifts += b.shifts
	a.filled += b.filled
	a.under += b.under
	a.capacity += b.capacity
	a.places += b.places
}

// idIndex maps database ids to dense indexes: a slice when the ids are
// dense enough (they usually are: they come from a sequence), a map otherwise.
type idIndex struct {
	base  int64
	dense []int32
	m     map[int64]int32
	n     int
}

func newIDIndex(ids []int64) *idIndex {
	x := &idIndex{n: len(ids)}
	if len(ids) == 0 {
		return x
	}
	lo, hi := ids[0], ids[0]
	for _, id := range ids {
		lo, hi = min(lo, id), max(hi, id)
	}
	if hi-lo < int64(4*len(ids)+1024) {
		x.base, x.dense = lo, make([]int32, hi-lo+1)
		for i := range x.dense {
			x.dense[i] = -1
		}
		for i, id := range ids {
			x.dense[id-lo] = int32(i)
		}
		return x
	}
	x.m = make(map[int64]int32, len(ids))
	for i, id := range ids {
		x.m[id] = int32(i)
	}
	return x
}

func (x *idIndex) get(id int64) (int, bool) {
	if x.dense != nil {
		if i := id - x.base; i >= 0 && i < int64(len(x.dense)) && x.dense[i] >= 0 {
			return int(x.dense[i]), true
		}
		return 0, false
	}
	i, ok := x.m[id]
	return int(i), ok
}

// NewReportBuilder returns a builder for the query. centres and positions
// name the rows (centres outside the query's scope are left out); shifts
// are the shifts of the period and volunteers those who may appear in it.
func NewReportBuilder(q ReportQuery, centres []*Centre, positions []*Position, shifts []ShiftFact, volunteers []VolunteerBirth) *ReportBuilder {
	b := &ReportBuilder{q: q, months: q.Months(), monthIdx: map[string]int{}, centreIdx: map[int64]int{}, posIdx: map[int64]int{}}
	for i, m := range b.months {
		b.monthIdx[m] = i
	}
	cs := slices.Clone(centres)
	slices.SortFunc(cs, func(a, c *Centre) int { return strings.Compare(a.Name, c.Name)*2 + cmpInt(a.ID, c.ID) })
	for _, c := range cs {
		if q.InScope(c.ID) {
			b.centreIdx[c.ID] = len(b.centres)
			b.centres = append(b.centres, c)
		}
	}
	ps := slices.Clone(positions)
	slices.SortFunc(ps, func(a, c *Position) int { return strings.Compare(a.Name, c.Name)*2 + cmpInt(a.ID, c.ID) })
	for _, p := range ps {
		b.posIdx[p.ID] = len(b.positions)
		b.positions = append(b.positions, p)
	}
	start, end := q.Bounds()
	zones := make([]*time.Location, len(b.centres))
	for i, c := range b.centres {
		zones[i] = c.Location()
	}
	var ids []int64
	for _, s := range shifts {
		ci, ok1 := b.centreIdx[s.CentreID]
		pi, ok2 := b.posIdx[s.PositionID]
		if !ok1 || !ok2 || s.StartsAt.Before(start) || !s.StartsAt.Before(end) {
			continue
		}
		// Months are the report's (read in its time zone); ages count on the
		// shift's date where its centre is, as the signup rules count them.
		month := s.StartsAt.In(q.loc()).Format("2006-01")
		ids = append(ids, s.ID)
		b.shifts = append(b.shifts, shiftAgg{centre: int32(ci), pos: int32(pi), month: int32(b.monthIdx[month]),
			capacity: int32(s.Capacity), published: s.Status == ShiftPublished, day: civil(LocalDate(s.StartsAt, zones[ci]))})
	}
	b.shiftIx = newIDIndex(ids)
	ids = make([]int64, len(volunteers))
	b.births = make([]civilDate, len(volunteers))
	for i, v := range volunteers {
		ids[i], b.births[i] = v.ID, civil(v.Birth)
	}
	b.volIx = newIDIndex(ids)
	b.cw, b.pw = (len(b.centres)+63)/64, (len(b.positions)+63)/64
	b.vw = b.cw + b.pw + 1
	b.reset()
	return b
}

// reset allocates what a builder counts.
func (b *ReportBuilder) reset() {
	n := len(b.births)
	b.perShift = make([]rowCounts, len(b.shifts))
	b.vBits = make([]uint64, n*b.vw)
}

func cmpInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// Fork returns a builder of the same query and data with nothing counted,
// to read part of the assignments in parallel; Merge adds it back.
func (b *ReportBuilder) Fork() *ReportBuilder {
	f := *b
	f.byBand = [6]rowCounts{}
	f.reset()
	return &f
}

// AddAssignment counts an assignment of a shift and volunteer given to
// NewReportBuilder; assignments of other shifts are ignored.
func (b *ReportBuilder) AddAssignment(volunteerID, shiftID int64, status AssignmentStatus, creditedMinutes int) {
	si, ok := b.shiftIx.get(shiftID)
	if !ok {
		return
	}
	var c rowCounts
	switch status {
	case AssignmentCompleted:
		c.minutes, c.attended = int32(creditedMinutes), 1
	case AssignmentCheckedIn:
		c.attended = 1
	case AssignmentNoShow:
		c.noShows = 1
	case AssignmentConfirmed:
	default:
		return
	}
	c.assignments = 1
	s := &b.shifts[si]
	b.perShift[si].add(c)
	vi, known := b.volIx.get(volunteerID)
	bi := 5
	if known {
		bi = bandIndex(b.births[vi], s.day)
	}
	b.byBand[bi].add(c)
	if status != AssignmentCompleted || creditedMinutes <= 0 || !known {
		return
	}
	r := b.vBits[vi*b.vw : (vi+1)*b.vw]
	r[int(s.centre)/64] |= 1 << (s.centre % 64)
	r[b.cw+int(s.pos)/64] |= 1 << (s.pos % 64)
	r[b.vw-1] |= 1<<s.month | 1<<(32+bi) | 1<<40
}

// Merge adds what a fork counted.
func (b *ReportBuilder) Merge(o *ReportBuilder) {
	for i := range o.perShift {
		b.perShift[i].add(o.perShift[i])
	}
	for i, w := range o.vBits {
		b.vBits[i] |= w
	}
	for i := range b.byBand {
		b.byBand[i].add(o.byBand[i])
	}
}

// Report computes the report from what was counted.
func (b *ReportBuilder) Report() *ParticipationReport {
	// Roll the shifts up; shift figures are known only now that every
	// assignment was counted.
	var total addCounts
	byCentre := make([]addCounts, len(b.centres))
	byMonth := make([]addCounts, len(b.months))
	byPos := make([]addCounts, len(b.positions))
	for i, s := range b.shifts {
		c := b.perShift[i].counts()
		if s.published {
			booked := c.assignments
			c.shifts, c.capacity, c.places = 1, int(s.capacity), min(booked, int(s.capacity))
			if booked >= int(s.capacity) {
				c.filled = 1
			} else {
				c.under = 1
			}
		}
		total.add(c)
		byCentre[s.centre].add(c)
		byMonth[s.month].add(c)
		byPos[s.pos].add(c)
	}
	activeCentre := make([]int, len(b.centres))
	activeMonth := make([]int, len(b.months))
	activePos := make([]int, len(b.positions))
	var activeBand [6]int
	active := 0
	for v := 0; v < len(b.births); v++ {
		r := b.vBits[v*b.vw : (v+1)*b.vw]
		last := r[b.vw-1]
		if last&(1<<40) == 0 {
			continue
		}
		active++
		for i := range activeCentre {
			if r[i/64]&(1<<(i%64)) != 0 {
				activeCentre[i]++
			}
		}
		for i := range activeMonth {
			if last&(1<<i) != 0 {
				activeMonth[i]++
			}
		}
		for i := range activePos {
			if r[b.cw+i/64]&(1<<(i%64)) != 0 {
				activePos[i]++
			}
		}
		for i := range activeBand {
			if last&(1<<(32+i)) != 0 {
				activeBand[i]++
			}
		}
	}
	r := &ParticipationReport{Query: b.q, Total: row("total", "Total", total, active, true)}
	for i, c := range b.centres {
		x := row(fmt.Sprint(c.ID), c.Name, byCentre[i], activeCentre[i], true)
		x.CentreID = c.ID
		r.ByCentre = append(r.ByCentre, x)
	}
	for i, m := range b.months {
		t, _ := time.Parse("2006-01", m)
		r.ByMonth = append(r.ByMonth, row(m, t.Format("January 2006"), byMonth[i], activeMonth[i], true))
	}
	for i, band := range AgeBands {
		if band == AgeBandUnknown && b.byBand[i].assignments == 0 {
			continue
		}
		r.ByAgeBand = append(r.ByAgeBand, row(band, AgeBandLabel(band), b.byBand[i].counts(), activeBand[i], false))
	}
	for i, p := range b.positions {
		if byPos[i].assignments == 0 && byPos[i].shifts == 0 {
			continue
		}
		x := row(fmt.Sprint(p.ID), p.Name, byPos[i], activePos[i], true)
		x.PositionID = p.ID
		r.ByPosition = append(r.ByPosition, x)
	}
	return r
}

func row(key, label string, c addCounts, active int, hasShifts bool) ReportRow {
	return ReportRow{Key: key, Label: label, ActiveVolunteers: active, Minutes: c.minutes, Assignments: c.assignments,
		Attended: c.attended, NoShows: c.noShows, HasShifts: hasShifts, Shifts: c.shifts, ShiftsFilled: c.filled,
		ShiftsUnderstaffed: c.under, Capacity: c.capacity, PlacesFilled: c.places}
}

// ParticipationRecord is one line of the participation export: an
// assignment with its shift and the volunteer's name and age, never their
// contact details.
type ParticipationRecord struct {
	AssignmentID    int64
	StartsAt        time.Time
	EndsAt          time.Time
	CentreName      string
	CentreTimezone  string
	PositionName    string
	VolunteerID     int64
	VolunteerName   string
	BirthDate       time.Time // zero when unknown
	Status          AssignmentStatus
	CreditedMinutes int
	Presence        PresenceProof // "" when not checked in
	Kind            ShiftKind     // SERVICE, or TRAINING for a course's session
}

// VolunteerHours is one line of the volunteer-hours export: a volunteer's
// participation in the period.
type VolunteerHours struct {
	VolunteerID   int64
	FullName      string
	BirthDate     time.Time // zero when unknown
	Minutes       int
	Assignments   int
	Attended      int
	NoShows       int
	Proven        int       // attended with presence proven at the centre (kiosk or coordinator)
	Centres       int       // centres where the volunteer was active
	FirstActivity time.Time // start of the first credited shift; zero if none
	LastActivity  time.Time
	// TrainingMinutes are credited for training sessions of the period
	// (at any centre), apart from Minutes, which count service only.
	TrainingMinutes int
}

// Certificate is the record of an hour certificate issued to a volunteer.
// It keeps what it certified when it was issued (name, minutes, period), so
// that the verification page confirms the certificate as printed.
type Certificate struct {
	ID          int64
	Code        string // the public verification code
	VolunteerID int64
	CentreID    int64 // 0: every centre
	CentreName  string
	From, To    time.Time // dates, inclusive
	FullName    string
	Minutes     int
	Assignments int
	Proven      int // of Assignments, those with presence proven at the centre (kiosk or coordinator)
	AwardHours  int // the highest award threshold the minutes reach in the volunteer's band; 0: none
	Language    Language
	IssuedAt    time.Time
	IssuedBy    int64 // the user who asked for it
	RevokedAt   *time.Time
	RevokeNote  string
}

// Revoked reports whether the certificate was withdrawn.
func (c *Certificate) Revoked() bool { return c.RevokedAt != nil }

// CalendarFeed is the secret address of an iCalendar feed: a volunteer's
// assignments (CentreID 0) or a centre's shifts for a coordinator.
type CalendarFeed struct {
	// Token is the secret, known only when the feed was just made or
	// rotated: the store keeps its hash.
	Token       string
	UserID      int64
	VolunteerID int64 // the volunteer's own feed
	CentreID    int64 // a coordinator's feed of a centre
	CreatedAt   time.Time
}

// CalendarEvent is one event of a feed: a shift, with the viewer's assignment in it for a volunteer's feed.
type CalendarEvent struct {
	AssignmentID     int64 // 0 in a centre's feed
	AssignmentStatus AssignmentStatus
	ShiftID          int64
	StartsAt         time.Time
	EndsAt           time.Time
	ShiftStatus      ShiftStatus
	CancelReason     string
	CentreName       string
	CentreAddress    string
	CentreCity       string
	CentreTimezone   string
	PositionName     string
	Capacity         int
	Booked           int // places held, in a centre's feed
	UpdatedAt        time.Time
	CancelledBy      CancelCause // why a cancelled assignment was cancelled (ended.go)
}

// ReportStore is what reports, exports, certificates and calendar feeds
// need from the system of record.
type ReportStore interface {
	// ParticipationReport computes the report of a period from the assignments.
	ParticipationReport(ctx context.Context, q ReportQuery) (*ParticipationReport, error)
	// Retention computes the retention table of the months before q.To.
	Retention(ctx context.Context, q RetentionQuery) ([]RetentionRow, error)
	// ExportParticipation calls fn for each assignment of the period, by start, as it reads them.
	ExportParticipation(ctx context.Context, q ReportQuery, fn func(*ParticipationRecord) error) error
	// ExportVolunteerHours calls fn for each volunteer with an assignment in the period, by name, as it reads them.
	ExportVolunteerHours(ctx context.Context, q ReportQuery, fn func(*VolunteerHours) error) error
	// HoursOf returns one volunteer's participation in the period (zero figures when none).
	HoursOf(ctx context.Context, volunteerID int64, q ReportQuery) (*VolunteerHours, error)

	// CreateCertificate records a certificate; it fills ID, Code and IssuedAt.
	CreateCertificate(ctx context.Context, c *Certificate) error
	// CertificateByCode returns a certificate by its verification code (NOT_FOUND when there is none).
	CertificateByCode(ctx context.Context, code string) (*Certificate, error)
	// CertificatesOf returns a volunteer's certificates, newest first.
	CertificatesOf(ctx context.Context, volunteerID int64) ([]*Certificate, error)
	// RevokeCertificate withdraws a certificate; revoking twice keeps the first revocation.
	RevokeCertificate(ctx context.Context, code, note string) (*Certificate, error)

	// CreateCalendarFeed makes the feed of a volunteer (centreID 0) or of a
	// centre for a user and returns it with its secret; CONFLICT when it
	// exists (its secret is kept only as a hash and cannot be shown again).
	CreateCalendarFeed(ctx context.Context, userID, volunteerID, centreID int64) (*CalendarFeed, error)
	// RotateCalendarFeed gives the feed a new secret (making the feed when
	// there is none) and returns it; the old address stops working.
	RotateCalendarFeed(ctx context.Context, userID, volunteerID, centreID int64) (*CalendarFeed, error)
	// CalendarFeedByToken returns the feed of a secret, without it (NOT_FOUND when there is none).
	CalendarFeedByToken(ctx context.Context, token string) (*CalendarFeed, error)
	// CalendarEvents returns the events of a feed whose shifts start in [from, to).
	CalendarEvents(ctx context.Context, f *CalendarFeed, from, to time.Time) ([]CalendarEvent, error)
}

// ReportCentres decides which centres a viewer's report covers when they
// ask for centreID (0: none named). Staff and admins report on every centre
// (nil) or the one named; a coordinator on the one named, if theirs, or on
// all of theirs; anyone else is FORBIDDEN.
func (v *Viewer) ReportCentres(centreID int64) ([]int64, error) {
	switch {
	case !v.Authenticated():
		return nil, ErrUnauthenticated
	case v.IsStaff():
		if centreID == 0 {
			return nil, nil
		}
		return []int64{centreID}, nil
	case v.IsCoordinator():
		if centreID == 0 {
			return slices.Clone(v.CentreIDs), nil
		}
		if v.Coordinates(centreID) {
			return []int64{centreID}, nil
		}
	}
	return nil, ErrForbidden
}
