// Package demo fills an empty Könüllü with data a visitor can explore:
// ASAN xidmət centres in Azerbaijani cities, their positions, volunteers with
// Azerbaijani names, a few weeks of past and future shifts with realistic fill,
// and one account per role. It works only through konullu.Store, so every rule
// of a signup (capacity, overlaps, skills, age, waitlist order) applies to the
// demo data as it does to real signups.
package demo

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"slices"
	"strings"
	"sync/atomic"
	"text/tabwriter"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/konullu/konullu"
)

// Defaults of Options.
const (
	DefaultVolunteers = 2000
	DefaultWeeks      = 4
)

// Password is the password of every demo account; it is printed with them.
const Password = "konullu-demo"

// Domain is the e-mail domain of demo accounts and volunteers.
const Domain = "demo.konullu.az"

// Options tune a seed.
type Options struct {
	Volunteers int                  // DefaultVolunteers when 0
	Weeks      int                  // weeks of shifts, half before Now and half after; DefaultWeeks when 0
	Now        time.Time            // time.Now() when zero; the store must agree with it (it uses its own clock)
	Progress   io.Writer            // progress output; nil for none
	Argon2     konullu.Argon2Params // cost of the demo accounts' password hashes; DefaultArgon2 when zero
	Seed       uint64               // of the random choices; the same seed gives the same data
	Workers    int                  // store calls made at once; 1 when 0 (best on SQLite, which has one writer)
}

// Account is a demo account that can sign in.
type Account struct {
	Role     konullu.Role
	Email    string
	Password string
	About    string
}

// Result says what a seed created.
type Result struct {
	AlreadySeeded bool // the database had centres, so nothing was added

	Centres, Positions, Volunteers, Shifts int
	// Assignments by the status they ended in.
	Confirmed, Waitlisted, CheckedIn, Completed, NoShows int
	// Rejected counts signups the store refused (a rule said no); a few are
	// normal when the clock moves on during a long seed.
	Rejected int
	Accounts []Account
	Elapsed  time.Duration
}

// Print writes a summary of the seed and the demo accounts for people.
func (r Result) Print(w io.Writer) {
	if r.AlreadySeeded {
		fmt.Fprintln(w, "Demo data: already seeded (the database has centres); nothing added.")
		return
	}
	fmt.Fprintf(w, "Demo data seeded in %s: %d centres, %d positions, %d volunteers, %d shifts;\n",
		r.Elapsed.Round(100*time.Millisecond), r.Centres, r.Positions, r.Volunteers, r.Shifts)
	fmt.Fprintf(w, "assignments: %d confirmed, %d waitlisted, %d checked in, %d completed, %d no-shows",
		r.Confirmed, r.Waitlisted, r.CheckedIn, r.Completed, r.NoShows)
	if r.Rejected > 0 {
		fmt.Fprintf(w, " (%d signups refused by the rules)", r.Rejected)
	}
	fmt.Fprintln(w, ".")
	if len(r.Accounts) == 0 {
		return
	}
	fmt.Fprintln(w, "\nDemo accounts (sign in on the web app or with the GraphQL login mutation):")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, a := range r.Accounts {
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", a.Role, a.Email, a.Password, a.About)
	}
	tw.Flush()
}

// Seed fills an empty database with demo data. If the database already has
// centres it adds nothing and says so (Result.AlreadySeeded), so running it
// again is harmless.
func Seed(ctx context.Context, st konullu.Store, opts Options) (Result, error) {
	started := time.Now()
	opts = opts.withDefaults()
	existing, err := st.Centres(ctx)
	if err != nil {
		return Result{}, fmt.Errorf("demo: %w", err)
	}
	if len(existing) > 0 {
		return Result{AlreadySeeded: true}, nil
	}
	baku, err := time.LoadLocation(konullu.DefaultTimezone)
	if err != nil {
		return Result{}, fmt.Errorf("demo: %w", err)
	}
	past, ok := st.(konullu.PastWorkStore)
	if !ok {
		return Result{}, fmt.Errorf("demo: the store cannot credit past work")
	}
	s := &seeder{
		st:   st,
		past: past,
		opts: opts,
		rnd:  rand.New(rand.NewPCG(opts.Seed, 0x6b6f6e756c6c75)),
		prog: newProgress(opts.Progress),
		loc:  baku,
	}
	for _, step := range []func(context.Context) error{
		s.createQualifications,
		s.createPositions,
		s.createCentres,
		s.createAccounts,
		s.createVolunteers,
		s.createShifts,
		s.fillShifts,
		s.createCourse,
	} {
		if err := step(ctx); err != nil {
			return s.res, fmt.Errorf("demo: %w", err)
		}
	}
	s.res.Elapsed = time.Since(started)
	return s.res, nil
}

func (o Options) withDefaults() Options {
	if o.Volunteers <= 0 {
		o.Volunteers = DefaultVolunteers
	}
	if o.Weeks <= 0 {
		o.Weeks = DefaultWeeks
	}
	if o.Now.IsZero() {
		o.Now = time.Now()
	}
	if o.Argon2 == (konullu.Argon2Params{}) {
		o.Argon2 = konullu.DefaultArgon2
	}
	if o.Workers <= 0 {
		o.Workers = 1
	}
	return o
}

type seeder struct {
	st   konullu.Store
	past konullu.PastWorkStore
	opts Options
	rnd  *rand.Rand
	prog *progress
	loc  *time.Location
	res  Result

	centres   []*konullu.Centre   // in the order of the centres table
	positions []*konullu.Position // in the order of the positions table
	byCity    map[string][]*volunteer
	demoVol   *volunteer // the demo volunteer account, given a few shifts first
	shifts    []*konullu.Shift
}

// volunteer is what the seeder knows of a volunteer to pick eligible, free people.
type volunteer struct {
	id     int64
	city   string
	birth  time.Time
	skills []string
	busy   []konullu.Period // shifts taken so far, to avoid overlaps and overwork
}

func (s *seeder) createPositions(ctx context.Context) error {
	// Positions may exist without centres (created by hand); reuse them by name.
	have, err := s.st.Positions(ctx)
	if err != nil {
		return err
	}
	for _, p := range positions {
		i := slices.IndexFunc(have, func(h *konullu.Position) bool { return strings.EqualFold(h.Name, p.name) })
		if i >= 0 {
			s.positions = append(s.positions, have[i])
			continue
		}
		pos := &konullu.Position{Name: p.name, Description: p.description, RequiredSkills: p.skills, MinimumAge: p.minimumAge,
			Names:        map[string]string{"az": p.az, "en": p.name, "ru": p.ru},
			Descriptions: map[string]string{"az": p.azDescription, "en": p.description, "ru": p.ruDescription}}
		if err := s.st.CreatePosition(ctx, pos); err != nil {
			return fmt.Errorf("position %q: %w", p.name, err)
		}
		s.positions = append(s.positions, pos)
	}
	s.res.Positions = len(s.positions)
	return nil
}

func (s *seeder) createCentres(ctx context.Context) error {
	dts, _ := s.st.(konullu.DayTemplateStore)
	for _, c := range centres {
		names, descriptions := c.translations()
		centre := &konullu.Centre{Name: c.name, City: c.city, Address: c.address, Timezone: konullu.DefaultTimezone,
			Names: names, Descriptions: descriptions, Description: descriptions["az"]}
		if err := s.st.CreateCentre(ctx, centre); err != nil {
			return fmt.Errorf("centre %q: %w", c.name, err)
		}
		if dts != nil {
			if err := dts.SetDayTemplate(ctx, centre.ID, DayTemplate()); err != nil {
				return fmt.Errorf("centre %q: day template: %w", c.name, err)
			}
		}
		s.centres = append(s.centres, centre)
	}
	s.res.Centres = len(s.centres)
	return nil
}

// DayTemplate is the day of every demo centre, the blocks of its shifts
// (shiftsOn): 09:00–13:30 and 13:30–18:00 on weekdays, 10:00–15:00 on
// Saturdays, closed on Sundays.
func DayTemplate() []konullu.DayBlock {
	var out []konullu.DayBlock
	for wd := 1; wd <= 7; wd++ {
		day := time.Date(2024, 1, wd, 0, 0, 0, 0, time.UTC) // 1 January 2024 was a Monday
		for _, p := range shiftsOn(day) {
			out = append(out, konullu.DayBlock{Weekday: wd, Start: p.StartsAt.Format("15:04"), End: p.EndsAt.Format("15:04")})
		}
	}
	return out
}

// createAccounts creates one account per role, all with Password.
func (s *seeder) createAccounts(ctx context.Context) error {
	hash, err := konullu.HashPassword(Password, s.opts.Argon2)
	if err != nil {
		return err
	}
	admin := "admin@" + Domain
	if _, err := s.st.EnsureAdmin(ctx, admin, hash); err != nil {
		return fmt.Errorf("admin account: %w", err)
	}
	s.res.Accounts = append(s.res.Accounts, Account{konullu.RoleAdmin, admin, Password, "administers everything"})

	home := s.centres[0]
	accounts := []struct {
		role  konullu.Role
		acc   konullu.NewAccount
		about string
	}{
		{konullu.RoleCoordinator, konullu.NewAccount{Email: "coordinator@" + Domain, FullName: "Nigar Həsənova",
			BirthDate: s.birthDate(29), City: home.City, Phone: "+994 50 555 01 01"},
			"coordinates " + home.Name},
		{konullu.RoleStaff, konullu.NewAccount{Email: "staff@" + Domain, FullName: "Rəşad Quliyev",
			BirthDate: s.birthDate(34), City: home.City, Phone: "+994 50 555 01 02"},
			"youth-programme staff: reports across all centres"},
		{konullu.RoleVolunteer, konullu.NewAccount{Email: "volunteer@" + Domain, FullName: "Aysel Məmmədova",
			BirthDate: s.birthDate(21), City: home.City, Phone: "+994 50 555 01 03",
			Skills: []string{"English B2", "First aid", "ASAN School basic course"}, Languages: []string{"az", "en", "ru"}},
			"volunteer with shifts at " + home.Name},
	}
	for _, a := range accounts {
		a.acc.PasswordHash = hash
		a.acc.Status = konullu.VolunteerActive
		u, err := s.st.CreateAccount(ctx, a.acc)
		if err != nil {
			return fmt.Errorf("%s account: %w", strings.ToLower(string(a.role)), err)
		}
		switch a.role {
		case konullu.RoleCoordinator:
			_, err = s.st.GrantRole(ctx, u.ID, a.role, []int64{home.ID})
		case konullu.RoleStaff:
			_, err = s.st.GrantRole(ctx, u.ID, a.role, nil)
		case konullu.RoleVolunteer:
			s.demoVol = &volunteer{id: u.VolunteerID, city: a.acc.City, birth: a.acc.BirthDate, skills: a.acc.Skills}
			err = s.demoVolunteerDay(ctx, u.VolunteerID, home)
		}
		if err != nil {
			return fmt.Errorf("%s account: %w", strings.ToLower(string(a.role)), err)
		}
		s.res.Accounts = append(s.res.Accounts, Account{a.role, a.acc.Email, Password, a.about})
	}
	return nil
}

// demoVolunteerDay gives the demo volunteer their home centre as the
// centre they prefer and its morning block on Mondays and Wednesdays, the
// rest of the week left for a visitor to tick.
func (s *seeder) demoVolunteerDay(ctx context.Context, volunteerID int64, home *konullu.Centre) error {
	if rs, ok := s.st.(konullu.RosterStore); ok {
		if _, err := rs.SetCommitment(ctx, konullu.Commitment{VolunteerID: volunteerID, PreferredCentreIDs: []int64{home.ID}}); err != nil {
			return err
		}
	}
	var av konullu.Availability
	for _, b := range DayTemplate() {
		if (b.Weekday == 1 || b.Weekday == 3) && b.Start == "09:00" {
			av.Weekly = append(av.Weekly, konullu.AvailabilityWindow{Weekday: b.Weekday, Start: b.Start, End: b.End})
		}
	}
	_, err := s.st.SetAvailability(ctx, volunteerID, av)
	return err
}

// birthDate returns a birth date of someone who is age years old at Now
// (plus a random part of a year).
func (s *seeder) birthDate(age int) time.Time {
	now := s.opts.Now.In(s.loc)
	d := time.Date(now.Year()-age, now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	return d.AddDate(0, 0, -s.rnd.IntN(365))
}

// createVolunteers creates Options.Volunteers accounts without a password:
// they exist to fill shifts and reports, not to sign in.
func (s *seeder) createVolunteers(ctx context.Context) error {
	n := s.opts.Volunteers
	accounts := make([]konullu.NewAccount, n)
	vols := make([]*volunteer, n)
	cities := s.cityWeights()
	avs := make([]konullu.Availability, n)
	prefs := make([][]int64, n)
	for i := range n {
		a := s.newVolunteer(i, cities)
		accounts[i] = a
		vols[i] = &volunteer{city: a.City, birth: a.BirthDate, skills: a.Skills}
		prefs[i] = s.preferredCentres(a.City)
		avs[i] = s.availability()
	}
	rs, _ := s.st.(konullu.RosterStore)
	step := s.prog.start("volunteers", n)
	err := s.parallel(ctx, n, func(ctx context.Context, i int) error {
		u, err := s.st.CreateAccount(ctx, accounts[i])
		if err != nil {
			return fmt.Errorf("volunteer %s: %w", accounts[i].Email, err)
		}
		vols[i].id = u.VolunteerID
		if _, err := s.st.SetAvailability(ctx, u.VolunteerID, avs[i]); err != nil {
			return fmt.Errorf("volunteer %s: availability: %w", accounts[i].Email, err)
		}
		if rs != nil {
			if _, err := rs.SetCommitment(ctx, konullu.Commitment{VolunteerID: u.VolunteerID, PreferredCentreIDs: prefs[i]}); err != nil {
				return fmt.Errorf("volunteer %s: commitment: %w", accounts[i].Email, err)
			}
		}
		if err := s.guardianConsent(ctx, u.VolunteerID, accounts[i]); err != nil {
			return err
		}
		step.add(1)
		return nil
	})
	if err != nil {
		return err
	}
	step.finish()
	s.byCity = map[string][]*volunteer{}
	for _, v := range vols {
		s.byCity[v.city] = append(s.byCity[v.city], v)
	}
	s.res.Volunteers = n
	return nil
}

// preferredCentres are the centres a demo volunteer prefers: one or two of
// their city's (Baku has several).
func (s *seeder) preferredCentres(city string) []int64 {
	var local []int64
	for _, c := range s.centres {
		if c.City == city {
			local = append(local, c.ID)
		}
	}
	if len(local) == 0 {
		return nil
	}
	out := []int64{local[s.rnd.IntN(len(local))]}
	if len(local) > 1 && s.rnd.IntN(3) == 0 {
		if other := local[s.rnd.IntN(len(local))]; other != out[0] {
			out = append(out, other)
		}
	}
	return out
}

// availability is when a demo volunteer says they are free, chosen as a
// volunteer would on the availability page from the blocks of their
// preferred centres (every demo centre has DayTemplate): two to four days
// from Monday to Saturday, on each the morning block, the afternoon block
// or both (two adjacent blocks, kept as two). One in eight is a student
// whose lectures end at 12:00 or start at 15:00, free for part of a block
// (the partial matches of availableVolunteers); one in five has a day off
// in the coming two weeks, and one in twenty extra hours on a Sunday.
func (s *seeder) availability() konullu.Availability {
	av := konullu.Availability{Weekly: []konullu.AvailabilityWindow{}}
	template := DayTemplate()
	days := 2 + s.rnd.IntN(3)
	student := s.rnd.IntN(8) == 0
	for _, d := range s.rnd.Perm(6)[:days] {
		wd := d + 1
		var blocks []konullu.DayBlock
		for _, b := range template {
			if b.Weekday == wd {
				blocks = append(blocks, b)
			}
		}
		if student {
			if s.rnd.IntN(2) == 0 {
				av.Weekly = append(av.Weekly, konullu.AvailabilityWindow{Weekday: wd, Start: "09:00", End: "12:00"})
			} else {
				av.Weekly = append(av.Weekly, konullu.AvailabilityWindow{Weekday: wd, Start: "15:00", End: "18:00"})
			}
			continue
		}
		switch pick := s.rnd.IntN(5); {
		case len(blocks) == 1 || pick < 2: // every block of the day
		case pick < 4:
			blocks = blocks[:1] // mornings
		default:
			blocks = blocks[1:] // afternoons
		}
		for _, b := range blocks {
			av.Weekly = append(av.Weekly, konullu.AvailabilityWindow{Weekday: wd, Start: b.Start, End: b.End})
		}
	}
	today := konullu.DateOf(s.opts.Now.In(s.loc))
	if s.rnd.IntN(5) == 0 {
		av.Exceptions = append(av.Exceptions, konullu.AvailabilityException{Date: today.AddDate(0, 0, 1+s.rnd.IntN(14))})
	}
	if s.rnd.IntN(20) == 0 {
		sunday := today.AddDate(0, 0, 7-konullu.ISOWeekday(today)+7*s.rnd.IntN(2))
		if sunday.Equal(today) {
			sunday = sunday.AddDate(0, 0, 7)
		}
		av.Exceptions = append(av.Exceptions, konullu.AvailabilityException{Date: sunday, Available: true, Start: "10:00", End: "14:00"})
	}
	return av
}

// cityWeights lists cities as often as volunteers should come from them:
// about two in five from Baku, the rest spread over the regions.
func (s *seeder) cityWeights() []string {
	var out []string
	seen := map[string]bool{}
	for _, c := range centres {
		if seen[c.city] {
			continue
		}
		seen[c.city] = true
		w := 2
		if c.city == "Bakı" {
			w = 20
		} else if c.large {
			w = 4
		}
		for range w {
			out = append(out, c.city)
		}
	}
	return out
}

func (s *seeder) newVolunteer(i int, cities []string) konullu.NewAccount {
	r := s.rnd
	var first, last string
	female := r.IntN(2) == 0
	if female {
		first = femaleNames[r.IntN(len(femaleNames))]
	} else {
		first = maleNames[r.IntN(len(maleNames))]
	}
	if r.IntN(8) == 0 {
		last = unisexSurnames[r.IntN(len(unisexSurnames))]
	} else {
		last = surnames[r.IntN(len(surnames))]
		if female {
			last += "a"
		}
	}
	// Mostly students: ages 16–30, most of them 18–24.
	age := 18 + r.IntN(7)
	switch r.IntN(10) {
	case 0:
		age = 16 + r.IntN(2)
	case 1, 2:
		age = 25 + r.IntN(6)
	}
	langs := []string{"az"}
	var skills []string
	if r.IntN(100) < 55 {
		langs = append(langs, "en")
		if r.IntN(100) < 70 {
			skills = append(skills, "English B2")
		}
	}
	if r.IntN(100) < 45 {
		langs = append(langs, "ru")
	}
	for _, sk := range []struct {
		name    string
		percent int
	}{{"ASAN School basic course", 60}, {"e-services", 30}, {"First aid", 15}, {"customer service", 20}, {"sign language", 3}} {
		if r.IntN(100) < sk.percent {
			skills = append(skills, sk.name)
		}
	}
	return konullu.NewAccount{
		Email:     fmt.Sprintf("%s.%s.%d@%s", emailLocal(first), emailLocal(last), i+1, Domain),
		FullName:  first + " " + last,
		BirthDate: s.birthDate(age),
		Phone: fmt.Sprintf("+994 %s %03d %02d %02d", phonePrefixes[r.IntN(len(phonePrefixes))],
			r.IntN(1000), r.IntN(100), r.IntN(100)),
		City:      cities[r.IntN(len(cities))],
		Status:    konullu.VolunteerActive,
		Skills:    skills,
		Languages: langs,
	}
}

// createShifts lays out Options.Weeks weeks of published shifts around Now:
// on weekdays a morning and an afternoon shift, on Saturdays one, for every
// position of every centre, each with 2–6 places.
func (s *seeder) createShifts(ctx context.Context) error {
	now := s.opts.Now.In(s.loc)
	past := s.opts.Weeks / 2
	first := time.Date(now.Year(), now.Month(), now.Day()-7*past, 0, 0, 0, 0, s.loc)
	days := 7 * s.opts.Weeks

	type batch struct {
		centre, position int64
		capacity         int
		periods          []konullu.Period
	}
	var batches []*batch
	for ci, c := range s.centres {
		for pi, p := range s.positions {
			if !positions[pi].basic && !centres[ci].large {
				continue
			}
			byCapacity := map[int]*batch{}
			for d := range days {
				day := first.AddDate(0, 0, d)
				for _, per := range shiftsOn(day) {
					capacity := 2 + s.rnd.IntN(5)
					b := byCapacity[capacity]
					if b == nil || len(b.periods) == 200 {
						b = &batch{centre: c.ID, position: p.ID, capacity: capacity}
						byCapacity[capacity] = b
						batches = append(batches, b)
					}
					b.periods = append(b.periods, per)
				}
			}
		}
	}
	total := 0
	for _, b := range batches {
		total += len(b.periods)
	}
	step := s.prog.start("shifts", total)
	created := make([][]*konullu.Shift, len(batches))
	err := s.parallel(ctx, len(batches), func(ctx context.Context, i int) error {
		b := batches[i]
		sh, err := s.st.CreateShifts(ctx, konullu.NewShifts{
			CentreID: b.centre, PositionID: b.position, Periods: b.periods, Capacity: b.capacity, Publish: true,
		})
		if err != nil {
			return fmt.Errorf("shifts: %w", err)
		}
		created[i] = sh
		step.add(len(sh))
		return nil
	})
	if err != nil {
		return err
	}
	step.finish()
	for _, sh := range created {
		s.shifts = append(s.shifts, sh...)
	}
	slices.SortFunc(s.shifts, func(a, b *konullu.Shift) int {
		return cmp.Or(a.StartsAt.Compare(b.StartsAt), cmp.Compare(a.ID, b.ID))
	})
	s.res.Shifts = len(s.shifts)
	return nil
}

// shiftsOn returns the shifts of a day at a centre, in the centre's time zone.
func shiftsOn(day time.Time) []konullu.Period {
	at := func(h, m int) time.Time {
		return time.Date(day.Year(), day.Month(), day.Day(), h, m, 0, 0, day.Location()).UTC()
	}
	switch day.Weekday() {
	case time.Sunday:
		return nil
	case time.Saturday:
		return []konullu.Period{{StartsAt: at(10, 0), EndsAt: at(15, 0)}}
	}
	return []konullu.Period{
		{StartsAt: at(9, 0), EndsAt: at(13, 30)},
		{StartsAt: at(13, 30), EndsAt: at(18, 0)},
	}
}

// signup is one planned signup and what happens to it afterwards.
type signup struct {
	vol     *volunteer
	attend  bool      // past shifts: attended (else a no-show)
	in, out time.Time // past shifts: attendance
	checkIn bool      // shifts under way: checked in
}

// plan is the signups of one shift, made in order so the waitlist is first come, first served.
type plan struct {
	shift   *konullu.Shift
	signups []signup
}

// fillShifts signs volunteers up: past shifts were assigned by the
// coordinator and attended (a few no-shows), shifts under way are partly
// checked in, future shifts are partly booked by volunteers themselves and
// some are full with a waitlist.
func (s *seeder) fillShifts(ctx context.Context) error {
	cityOf := map[int64]string{}
	for _, c := range s.centres {
		cityOf[c.ID] = c.City
	}
	posOf := map[int64]*konullu.Position{}
	for _, p := range s.positions {
		posOf[p.ID] = p
	}
	now := s.opts.Now
	var plans []*plan
	total := 0
	for _, sh := range s.shifts {
		want := s.wanted(sh, now)
		pl := &plan{shift: sh}
		pool := s.byCity[cityOf[sh.CentreID]]
		pos := posOf[sh.PositionID]
		if sh.CentreID == s.centres[0].ID && s.demoVol != nil && want > 0 && s.rnd.IntN(4) == 0 && s.free(s.demoVol, sh, pos) {
			pl.signups = append(pl.signups, s.take(s.demoVol, sh, now))
		}
		if len(pool) > 0 {
			start := s.rnd.IntN(len(pool))
			for i := 0; i < len(pool) && len(pl.signups) < want; i++ {
				if v := pool[(start+i)%len(pool)]; s.free(v, sh, pos) {
					pl.signups = append(pl.signups, s.take(v, sh, now))
				}
			}
		}
		if len(pl.signups) > 0 {
			plans = append(plans, pl)
			total += len(pl.signups)
		}
	}

	step := s.prog.start("signups", total)
	var confirmed, waitlisted, checkedIn, completed, noShows, rejected atomic.Int64
	err := s.parallel(ctx, len(plans), func(ctx context.Context, i int) error {
		pl := plans[i]
		sh := pl.shift
		byCoordinator := !sh.StartsAt.After(now)
		ended := !sh.EndsAt.After(now)
		for _, su := range pl.signups {
			var a *konullu.Assignment
			var err error
			if ended {
				// No place is given in an ended shift: the coordinator
				// credits the work done (a no-show: credited, then marked).
				in, out := su.in, su.out
				if !su.attend {
					in, out = sh.StartsAt, sh.EndsAt
				}
				a, err = s.past.RecordPastWork(ctx, konullu.PastWork{ShiftID: sh.ID, VolunteerID: su.vol.id, CheckedInAt: in, CheckedOutAt: out})
			} else {
				a, err = s.st.SignUp(ctx, sh.ID, su.vol.id, byCoordinator)
			}
			if err == nil {
				var next *konullu.Assignment
				switch {
				case byCoordinator && !ended && su.checkIn:
					next, err = s.st.CheckIn(ctx, a.ID)
				case ended && !su.attend:
					next, err = s.st.MarkNoShow(ctx, a.ID, "did not come and did not call")
				}
				if next != nil {
					a = next
				}
			}
			var domain *konullu.Error
			if err != nil && !errors.As(err, &domain) {
				return fmt.Errorf("signup to shift %d: %w", sh.ID, err)
			}
			if err != nil {
				rejected.Add(1)
			}
			if a != nil {
				switch a.Status {
				case konullu.AssignmentConfirmed:
					confirmed.Add(1)
				case konullu.AssignmentWaitlisted:
					waitlisted.Add(1)
				case konullu.AssignmentCheckedIn:
					checkedIn.Add(1)
				case konullu.AssignmentCompleted:
					completed.Add(1)
				case konullu.AssignmentNoShow:
					noShows.Add(1)
				}
			}
			step.add(1)
		}
		return nil
	})
	s.res.Confirmed, s.res.Waitlisted = int(confirmed.Load()), int(waitlisted.Load())
	s.res.CheckedIn, s.res.Completed = int(checkedIn.Load()), int(completed.Load())
	s.res.NoShows, s.res.Rejected = int(noShows.Load()), int(rejected.Load())
	if err != nil {
		return err
	}
	step.finish()
	return nil
}

// wanted is how many volunteers a shift gets: past and running shifts were
// mostly staffed; future ones fill up as they come closer, and some popular
// ones have a waitlist.
func (s *seeder) wanted(sh *konullu.Shift, now time.Time) int {
	frac := func(lo, hi float64) int {
		return int(float64(sh.Capacity)*(lo+(hi-lo)*s.rnd.Float64()) + 0.5)
	}
	if !sh.StartsAt.After(now) {
		return frac(0.6, 1.0)
	}
	soon := sh.StartsAt.Sub(now) < 7*24*time.Hour
	switch r := s.rnd.IntN(100); {
	case r < 20 && soon, r < 8:
		return sh.Capacity + 1 + s.rnd.IntN(3) // full, with a waitlist
	case r < 75:
		if soon {
			return frac(0.5, 1.0)
		}
		return frac(0.2, 0.8)
	default:
		return frac(0, 0.3) // understaffed
	}
}

// free reports whether v may and can take the shift: eligible for the
// position, no other shift that day and at most three shifts a week.
func (s *seeder) free(v *volunteer, sh *konullu.Shift, pos *konullu.Position) bool {
	if len(konullu.MissingSkills(pos.RequiredSkills, v.skills)) > 0 {
		return false
	}
	if !konullu.MeetsMinimumAge(v.birth, sh.StartsAt, s.loc, pos.MinimumAge) { // every demo centre is in Baku
		return false
	}
	day := sh.StartsAt.In(s.loc)
	y, w := day.ISOWeek()
	week := 0
	for _, b := range v.busy {
		bd := b.StartsAt.In(s.loc)
		if konullu.Overlaps(b.StartsAt, b.EndsAt, sh.StartsAt, sh.EndsAt) || bd.YearDay() == day.YearDay() && bd.Year() == day.Year() {
			return false
		}
		if by, bw := bd.ISOWeek(); by == y && bw == w {
			week++
		}
	}
	return week < 3
}

// take books v for the shift in the plan and decides what happens at the shift.
func (s *seeder) take(v *volunteer, sh *konullu.Shift, now time.Time) signup {
	v.busy = append(v.busy, konullu.Period{StartsAt: sh.StartsAt, EndsAt: sh.EndsAt})
	su := signup{vol: v}
	if !sh.EndsAt.After(now) {
		su.attend = s.rnd.IntN(100) >= 7
		su.in = sh.StartsAt.Add(time.Duration(s.rnd.IntN(15)-5) * time.Minute)
		su.out = sh.EndsAt.Add(-time.Duration(s.rnd.IntN(20)) * time.Minute)
		if s.rnd.IntN(10) == 0 { // left an hour or so early
			su.out = su.out.Add(-time.Duration(45+s.rnd.IntN(45)) * time.Minute)
		}
	} else if !sh.StartsAt.After(now) {
		su.checkIn = s.rnd.IntN(100) < 85
	}
	return su
}

// parallel calls fn for 0..n-1 with at most Options.Workers calls at once and
// returns the first error.
func (s *seeder) parallel(ctx context.Context, n int, fn func(ctx context.Context, i int) error) error {
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(s.opts.Workers)
	for i := range n {
		if gctx.Err() != nil {
			break
		}
		g.Go(func() error { return fn(gctx, i) })
	}
	if err := g.Wait(); err != nil {
		return err
	}
	return ctx.Err()
}

// guardianConsent records, as a coordinator would, the consent of a parent
// of a volunteer who is under 18 in some of the demo weeks: minors take
// shifts only with one.
func (s *seeder) guardianConsent(ctx context.Context, volunteerID int64, a konullu.NewAccount) error {
	ps, ok := s.st.(konullu.PrivacyStore)
	if !ok || konullu.AgeOn(a.BirthDate, s.opts.Now) > konullu.AdultAge {
		return nil
	}
	surname := a.FullName[strings.LastIndexByte(a.FullName, ' ')+1:]
	if strings.HasSuffix(surname, "v") {
		surname += "a" // the mother's form of the family name
	}
	// Workers run in parallel: the name comes from the id, not the shared random source.
	mother := femaleNames[int(volunteerID)%len(femaleNames)] + " " + surname
	_, err := ps.RecordGuardianConsent(ctx, konullu.GuardianConsent{VolunteerID: volunteerID,
		GuardianName: mother, Relationship: "ana (mother)", RecordedAt: s.opts.Now})
	if err != nil {
		return fmt.Errorf("guardian consent of %s: %w", a.Email, err)
	}
	return nil
}
