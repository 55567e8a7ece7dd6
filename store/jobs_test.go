package store_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/konullu/konullu"
	"github.com/konullu/konullu/store"
	"github.com/konullu/konullu/store/storetest"
)

// outboxRows returns "KIND/CHANNEL/user" for every outbox row, in id order.
func outboxRows(t *testing.T, db *store.DB) []string {
	t.Helper()
	rows, err := db.SQL().Query(`SELECT kind, channel, user_id FROM outbox ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var k, c string
		var u int64
		if err := rows.Scan(&k, &c, &u); err != nil {
			t.Fatal(err)
		}
		out = append(out, fmt.Sprintf("%s/%s/%d", k, c, u))
	}
	return out
}

func countKind(rows []string, kind konullu.NotificationKind, ch konullu.Channel) int {
	n := 0
	prefix := string(kind) + "/" + string(ch) + "/"
	for _, r := range rows {
		if len(r) > len(prefix) && r[:len(prefix)] == prefix {
			n++
		}
	}
	return n
}

func userOf(t *testing.T, db *store.DB, volunteerID int64) int64 {
	t.Helper()
	m, err := db.VolunteersByIDs(context.Background(), []int64{volunteerID})
	if err != nil || m[volunteerID] == nil {
		t.Fatal(err)
	}
	return m[volunteerID].UserID
}

func TestOutboxWrittenWithTheEvent(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	s := f.shift(48*time.Hour, 4*time.Hour, 1)
	a, b, c := f.volunteer(), f.volunteer(), f.volunteer()
	if _, err := f.db.SetNotificationSettings(ctx, userOf(t, f.db, c), konullu.NotificationSettings{
		Language: konullu.LanguageRu, Channels: []konullu.Channel{konullu.ChannelWebhook}}); err != nil {
		t.Fatal(err)
	}

	first, err := f.db.SignUp(ctx, s.ID, a, false)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.SignUp(ctx, s.ID, b, false); err != nil { // waitlisted: nothing to announce
		t.Fatal(err)
	}
	if _, err := f.db.SignUp(ctx, s.ID, a, false); err != nil { // repeated: nothing new
		t.Fatal(err)
	}
	rows := outboxRows(t, f.db)
	if want := []string{
		fmt.Sprintf("SIGNUP_CONFIRMED/IN_APP/%d", userOf(t, f.db, a)),
		fmt.Sprintf("SIGNUP_CONFIRMED/EMAIL/%d", userOf(t, f.db, a)),
	}; !slices.Equal(rows, want) {
		t.Fatalf("after signups: %v, want %v", rows, want)
	}

	t.Run("PromotedOnWithdraw", func(t *testing.T) {
		if _, err := f.db.Withdraw(ctx, first.ID, false); err != nil {
			t.Fatal(err)
		}
		rows := outboxRows(t, f.db)
		if countKind(rows, konullu.NotifyPromoted, konullu.ChannelInApp) != 1 || countKind(rows, konullu.NotifyPromoted, konullu.ChannelEmail) != 1 {
			t.Fatalf("no promotion message: %v", rows)
		}
	})
	t.Run("AssignedByCoordinatorHonoursChannels", func(t *testing.T) {
		s2 := f.shift(72*time.Hour, 2*time.Hour, 3)
		if _, err := f.db.SignUp(ctx, s2.ID, c, true); err != nil {
			t.Fatal(err)
		}
		rows := outboxRows(t, f.db)
		if countKind(rows, konullu.NotifyAssigned, konullu.ChannelInApp) != 1 || countKind(rows, konullu.NotifyAssigned, konullu.ChannelWebhook) != 1 ||
			countKind(rows, konullu.NotifyAssigned, konullu.ChannelEmail) != 0 {
			t.Fatalf("assigned: %v", rows)
		}
	})
	t.Run("CancelTellsEveryActiveVolunteer", func(t *testing.T) {
		before := countKind(outboxRows(t, f.db), konullu.NotifyShiftCancelled, konullu.ChannelInApp)
		if _, err := f.db.CancelShift(ctx, s.ID, "the centre is closed"); err != nil {
			t.Fatal(err)
		}
		if _, err := f.db.CancelShift(ctx, s.ID, "again"); err != nil { // already cancelled: nothing new
			t.Fatal(err)
		}
		if got := countKind(outboxRows(t, f.db), konullu.NotifyShiftCancelled, konullu.ChannelInApp) - before; got != 1 {
			t.Fatalf("cancellation messages: %d, want 1 (b held the place; a had withdrawn)", got)
		}
	})
	t.Run("RolledBackWithTheEvent", func(t *testing.T) {
		// Without an outbox the signup's transaction fails as a whole: no
		// assignment exists that was never announced.
		s3 := f.shift(96*time.Hour, 2*time.Hour, 3)
		v := f.volunteer()
		if err := f.db.Exec(`ALTER TABLE outbox RENAME TO outbox_gone`); err != nil {
			t.Fatal(err)
		}
		_, err := f.db.SignUp(ctx, s3.ID, v, false)
		if err2 := f.db.Exec(`ALTER TABLE outbox_gone RENAME TO outbox`); err2 != nil {
			t.Fatal(err2)
		}
		if err == nil {
			t.Fatal("signup succeeded without its outbox")
		}
		list, _ := f.db.AssignmentsOfShifts(ctx, []int64{s3.ID}, nil)
		if len(list[s3.ID]) != 0 {
			t.Fatalf("the failed signup left %d assignments", len(list[s3.ID]))
		}
	})
}

func TestReminders(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	leads := konullu.DefaultReminderLeads
	in23 := f.shift(23*time.Hour, 4*time.Hour, 5)  // 24h reminder due now
	in30 := f.shift(30*time.Hour, 4*time.Hour, 5)  // none yet
	in90m := f.shift(90*time.Minute, time.Hour, 5) // only the 2h one, never the 24h one
	vol := map[int64]int64{}
	for _, s := range []*konullu.Shift{in23, in30, in90m} {
		v := f.volunteer()
		vol[s.ID] = v
		if _, err := f.db.SignUp(ctx, s.ID, v, false); err != nil {
			t.Fatal(err)
		}
	}
	waiting := f.volunteer() // a waitlisted volunteer is not reminded
	full := f.shift(5*time.Hour+30*time.Minute, time.Hour, 1)
	if _, err := f.db.SignUp(ctx, full.ID, f.volunteer(), false); err != nil {
		t.Fatal(err)
	}
	if a, err := f.db.SignUp(ctx, full.ID, waiting, false); err != nil || a.Status != konullu.AssignmentWaitlisted {
		t.Fatal(a, err)
	}
	reminders := func() map[string]int {
		rows, err := f.db.SQL().Query(`SELECT a.shift_id, r.kind FROM reminders r JOIN assignments a ON a.id = r.assignment_id`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		out := map[string]int{}
		for rows.Next() {
			var s int64
			var k string
			rows.Scan(&s, &k)
			out[fmt.Sprintf("%d/%s", s, k)]++
		}
		return out
	}
	now := f.clock.Now()
	n, err := f.db.EnqueueReminders(ctx, now, leads)
	if err != nil || n != 3 {
		t.Fatalf("first run: %d %v", n, err)
	}
	want := map[string]int{fmt.Sprintf("%d/24h", in23.ID): 1, fmt.Sprintf("%d/2h", in90m.ID): 1, fmt.Sprintf("%d/24h", full.ID): 1}
	if got := reminders(); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("reminders %v, want %v", got, want)
	}
	if n, err := f.db.EnqueueReminders(ctx, now.Add(time.Minute), leads); err != nil || n != 0 {
		t.Fatalf("second run sent %d more (%v)", n, err)
	}
	// 2 hours before in23 and in30's 24h mark: the 2h one for in23 is due, in30's 24h one is.
	later := in23.StartsAt.Add(-2 * time.Hour)
	if n, err := f.db.EnqueueReminders(ctx, later, leads); err != nil || n != 2 {
		t.Fatalf("later run: %d %v", n, err)
	}
	// After every start nothing is sent, however late the job runs.
	if n, err := f.db.EnqueueReminders(ctx, in30.StartsAt.Add(time.Minute), leads); err != nil || n != 0 {
		t.Fatalf("after the start: %d %v", n, err)
	}
	got := reminders()
	for _, k := range []string{fmt.Sprintf("%d/2h", in23.ID), fmt.Sprintf("%d/24h", in30.ID)} {
		if got[k] != 1 {
			t.Fatalf("missing %s in %v", k, got)
		}
	}
	if got[fmt.Sprintf("%d/24h", in90m.ID)] != 0 {
		t.Fatal("a 24h reminder was sent for a shift starting in 90 minutes")
	}
	if c := countKind(outboxRows(t, f.db), konullu.NotifyReminder, konullu.ChannelInApp); c != 5 {
		t.Fatalf("%d reminder messages, want 5", c)
	}
}

// TestRemindersAcrossInstances: several instances, each with its own
// connection pool on one database, run the reminders at the same moment;
// every reminder is written once (the unique key decides), with its messages.
func TestRemindersAcrossInstances(t *testing.T) {
	ctx := context.Background()
	c := storetest.NewClock(monday)
	url := storetest.MigratedURL(t)
	var dbs []*store.DB
	for i := 0; i < 4; i++ {
		db, err := store.Open(ctx, url, store.Options{Now: c.Now})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		dbs = append(dbs, db)
	}
	if err := dbs[0].Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	f := &fixture{t: t, db: dbs[0], clock: c}
	f.centre = &konullu.Centre{Name: "ASAN xidmət №2", City: "Gəncə", Timezone: "Asia/Baku"}
	f.db.CreateCentre(ctx, f.centre)
	f.position = &konullu.Position{Name: "Guide"}
	f.db.CreatePosition(ctx, f.position)
	const shifts, perShift = 30, 10
	for i := 0; i < shifts; i++ {
		s := f.shift(time.Duration(60+i)*time.Minute, time.Hour, perShift)
		for j := 0; j < perShift; j++ {
			if _, err := f.db.SignUp(ctx, s.ID, f.volunteer(), false); err != nil {
				t.Fatal(err)
			}
		}
	}
	var wg sync.WaitGroup
	total := make([]int, len(dbs)*2)
	for i := range total {
		wg.Add(1)
		go func() {
			defer wg.Done()
			n, err := dbs[i%len(dbs)].EnqueueReminders(ctx, monday, konullu.DefaultReminderLeads)
			if err != nil {
				t.Error(err)
			}
			total[i] = n
		}()
	}
	wg.Wait()
	sum := 0
	for _, n := range total {
		sum += n
	}
	rows := outboxRows(t, f.db)
	if sum != shifts*perShift || countKind(rows, konullu.NotifyReminder, konullu.ChannelInApp) != shifts*perShift ||
		countKind(rows, konullu.NotifyReminder, konullu.ChannelEmail) != shifts*perShift {
		t.Fatalf("sent %d (%v), in-app %d, want %d each", sum, total, countKind(rows, konullu.NotifyReminder, konullu.ChannelInApp), shifts*perShift)
	}
}

func TestSettleAttendance(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	s := f.shift(time.Hour, 3*time.Hour, 5)
	absent, present, corrected := f.volunteer(), f.volunteer(), f.volunteer()
	aAbsent, _ := f.db.SignUp(ctx, s.ID, absent, false)
	aPresent, _ := f.db.SignUp(ctx, s.ID, present, false)
	aCorrected, _ := f.db.SignUp(ctx, s.ID, corrected, false)
	f.clock.Set(s.StartsAt.Add(30 * time.Minute))
	if _, err := f.db.CheckIn(ctx, aPresent.ID); err != nil {
		t.Fatal(err)
	}
	grace, after := 30*time.Minute, time.Hour
	// Before end+grace nothing changes.
	if n, c, err := f.db.SettleAttendance(ctx, s.EndsAt.Add(10*time.Minute), grace, after); err != nil || n+c != 0 {
		t.Fatal(n, c, err)
	}
	f.clock.Set(s.EndsAt.Add(5 * time.Minute))
	if _, err := f.db.RecordAttendance(ctx, aCorrected.ID, s.StartsAt, s.EndsAt); err != nil {
		t.Fatal(err)
	}
	n, c, err := f.db.SettleAttendance(ctx, s.EndsAt.Add(31*time.Minute), grace, after)
	if err != nil || n != 1 || c != 0 {
		t.Fatalf("no-shows %d, completed %d, %v", n, c, err)
	}
	n, c, err = f.db.SettleAttendance(ctx, s.EndsAt.Add(61*time.Minute), grace, after)
	if err != nil || n != 0 || c != 1 {
		t.Fatalf("no-shows %d, completed %d, %v", n, c, err)
	}
	got, _ := f.db.AssignmentsByIDs(ctx, []int64{aAbsent.ID, aPresent.ID, aCorrected.ID})
	if got[aAbsent.ID].Status != konullu.AssignmentNoShow || got[aCorrected.ID].Status != konullu.AssignmentCompleted {
		t.Fatalf("absent %s, corrected %s", got[aAbsent.ID].Status, got[aCorrected.ID].Status)
	}
	p := got[aPresent.ID]
	if p.Status != konullu.AssignmentCompleted || p.CreditedMinutes != 150 || p.CheckedOutAt == nil || !p.CheckedOutAt.Equal(s.EndsAt) {
		t.Fatalf("present: %+v", p)
	}
	if n, c, _ := f.db.SettleAttendance(ctx, s.EndsAt.Add(48*time.Hour), grace, after); n+c != 0 {
		t.Fatal("a second run changed", n+c)
	}
}

// expectedTallies recomputes the tallies from assignments through the
// store's ordinary reads, independently of the tally code.
func expectedTallies(t *testing.T, db *store.DB, vols []int64) []konullu.HourTally {
	t.Helper()
	ctx := context.Background()
	centres, _ := db.Centres(ctx)
	locs := map[int64]*time.Location{}
	for _, c := range centres {
		locs[c.ID], _ = time.LoadLocation(c.Timezone)
	}
	cells := map[string]*konullu.HourTally{}
	for _, v := range vols {
		list, err := db.AssignmentsOfVolunteer(ctx, v, time.Time{}, time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range list {
			if a.Status != konullu.AssignmentCompleted || a.CreditedMinutes == 0 {
				continue
			}
			s, _ := db.ShiftsByIDs(ctx, []int64{a.ShiftID})
			sh := s[a.ShiftID]
			month := sh.StartsAt.In(locs[sh.CentreID]).Format("2006-01")
			k := fmt.Sprintf("%d/%s/%d", v, month, sh.CentreID)
			if cells[k] == nil {
				cells[k] = &konullu.HourTally{VolunteerID: v, Month: month, CentreID: sh.CentreID}
			}
			cells[k].Minutes += a.CreditedMinutes
			cells[k].Assignments++
		}
	}
	var out []konullu.HourTally
	for _, c := range cells {
		out = append(out, *c)
	}
	slices.SortFunc(out, func(a, b konullu.HourTally) int {
		if a.VolunteerID != b.VolunteerID {
			return int(a.VolunteerID - b.VolunteerID)
		}
		if a.Month != b.Month {
			if a.Month < b.Month {
				return -1
			}
			return 1
		}
		return int(a.CentreID - b.CentreID)
	})
	return out
}

// TestTallyEqualsRecomputation drives random signups, attendance, no-shows,
// corrections and cancellations through the store, runs the incremental
// tally at random moments, and checks after each run that the tallies equal
// a recomputation from the assignments.
func TestTallyEqualsRecomputation(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	rng := rand.New(rand.NewPCG(4, 2030))
	// A second centre in a zone whose month boundary differs from Baku's.
	berlin := &konullu.Centre{Name: "Berlin desk", City: "Berlin", Timezone: "Europe/Berlin"}
	if err := f.db.CreateCentre(ctx, berlin); err != nil {
		t.Fatal(err)
	}
	vols := make([]int64, 12)
	for i := range vols {
		vols[i] = f.volunteer()
	}
	start := time.Date(2030, 1, 31, 20, 0, 0, 0, time.UTC) // month ends: Baku is already in February
	f.clock.Set(start.Add(-24 * time.Hour))
	var shifts []*konullu.Shift
	for i := 0; i < 40; i++ {
		centre := f.centre.ID
		if i%3 == 0 {
			centre = berlin.ID
		}
		st := start.Add(time.Duration(i*7) * time.Hour)
		s, err := f.db.CreateShifts(ctx, konullu.NewShifts{CentreID: centre, PositionID: f.position.ID, Capacity: 1 + rng.IntN(4), Publish: true,
			Periods: []konullu.Period{{StartsAt: st, EndsAt: st.Add(time.Duration(1+rng.IntN(5)) * time.Hour)}}})
		if err != nil {
			t.Fatal(err)
		}
		shifts = append(shifts, s[0])
	}
	now := f.clock.Now()
	for round := 0; round < 12; round++ {
		for op := 0; op < 40; op++ {
			s := shifts[rng.IntN(len(shifts))]
			v := vols[rng.IntN(len(vols))]
			switch rng.IntN(5) {
			case 0, 1:
				f.db.SignUp(ctx, s.ID, v, rng.IntN(2) == 0)
			default:
				list, _ := f.db.AssignmentsOfShifts(ctx, []int64{s.ID}, nil)
				if len(list[s.ID]) == 0 {
					continue
				}
				a := list[s.ID][rng.IntN(len(list[s.ID]))]
				f.clock.Set(s.EndsAt.Add(6 * time.Hour))
				switch rng.IntN(5) {
				case 0, 4:
					in := s.StartsAt.Add(time.Duration(rng.IntN(90)-30) * time.Minute)
					f.db.RecordAttendance(ctx, a.ID, in, in.Add(time.Duration(30+rng.IntN(300))*time.Minute))
				case 1:
					f.db.MarkNoShow(ctx, a.ID, "absent")
				case 2:
					f.db.Withdraw(ctx, a.ID, true)
				case 3:
					if rng.IntN(6) == 0 {
						f.db.CancelShift(ctx, s.ID, "random")
					}
				}
				f.clock.Set(now)
			}
		}
		now = now.Add(time.Duration(1+rng.IntN(3)) * time.Hour)
		f.clock.Set(now)
		res, err := f.db.TallyHours(ctx, now, konullu.TallyOptions{})
		if err != nil {
			t.Fatal(err)
		}
		got, err := f.db.HourTallies(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		if want := expectedTallies(t, f.db, vols); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("round %d (%+v): tallies\n%v\nwant\n%v", round, res, got, want)
		}
	}
	// A full run gives the same.
	before, _ := f.db.HourTallies(ctx, nil)
	if _, err := f.db.TallyHours(ctx, now, konullu.TallyOptions{Full: true}); err != nil {
		t.Fatal(err)
	}
	after, _ := f.db.HourTallies(ctx, nil)
	t.Logf("%d tally rows, e.g. %v", len(after), after[:min(3, len(after))])
	if fmt.Sprint(before) != fmt.Sprint(after) || len(after) == 0 {
		t.Fatalf("full run differs:\n%v\n%v", before, after)
	}
}

func TestAwards(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	young := f.volunteer() // born 2004: 25 in March 2030
	older := f.volunteer(func(a *konullu.NewAccount) { a.BirthDate = time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC) })
	// 26 on 4 March 2030: at the run below, already so in Baku, still 25 in UTC.
	turning := f.volunteer(func(a *konullu.NewAccount) { a.BirthDate = time.Date(2004, 3, 4, 0, 0, 0, 0, time.UTC) })
	// 180 hours each within the last year: 15-25 reaches 100 and 175, 26+ only 100.
	day := monday.AddDate(0, -6, 0)
	f.clock.Set(day.Add(-48 * time.Hour))
	for i := 0; i < 18; i++ {
		st := day.Add(time.Duration(i*24) * time.Hour)
		s, err := f.db.CreateShifts(ctx, konullu.NewShifts{CentreID: f.centre.ID, PositionID: f.position.ID, Capacity: 3, Publish: true,
			Periods: []konullu.Period{{StartsAt: st, EndsAt: st.Add(10 * time.Hour)}}})
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range []int64{young, older, turning} {
			a, err := f.db.SignUp(ctx, s[0].ID, v, true)
			if err != nil {
				t.Fatal(err)
			}
			f.clock.Set(st.Add(11 * time.Hour))
			if _, err := f.db.RecordAttendance(ctx, a.ID, st, st.Add(10*time.Hour)); err != nil {
				t.Fatal(err)
			}
			f.clock.Set(day.Add(-48 * time.Hour))
		}
	}
	// 02:00 on Monday 4 March in Baku, the deployment's zone; 22:00 on the 3rd in UTC.
	run := time.Date(2030, 3, 3, 22, 0, 0, 0, time.UTC)
	f.clock.Set(run)
	res, err := f.db.TallyHours(ctx, run, konullu.TallyOptions{Location: konullu.ZoneLocation("Asia/Baku")})
	if err != nil || res.Awards != 4 {
		t.Fatalf("%+v %v", res, err)
	}
	if ta, _ := f.db.Awards(ctx, turning); len(ta) != 1 || ta[0].Band != "26+" {
		t.Fatalf("26 on the day of the run in Baku: %+v", ta)
	}
	f.clock.Set(monday)
	if res, _ := f.db.TallyHours(ctx, monday.Add(time.Hour), konullu.TallyOptions{Full: true}); res.Awards != 0 {
		t.Fatal("awards granted twice")
	}
	ya, _ := f.db.Awards(ctx, young)
	oa, _ := f.db.Awards(ctx, older)
	if len(ya) != 2 || ya[0].ThresholdHours != 100 || ya[1].ThresholdHours != 175 || ya[0].Band != "15-25" || len(oa) != 1 || oa[0].Band != "26+" {
		t.Fatalf("young %+v, older %+v", ya, oa)
	}
	if c := countKind(outboxRows(t, f.db), konullu.NotifyAward, konullu.ChannelInApp); c != 4 {
		t.Fatalf("%d award messages", c)
	}
	// A year later the hours have left the window: nothing; more hours would award again.
	if res, _ := f.db.TallyHours(ctx, monday.AddDate(1, 1, 0), konullu.TallyOptions{Full: true}); res.Awards != 0 {
		t.Fatalf("awards after the window: %+v", res)
	}
}

func TestDigests(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	coord, _ := f.db.CreateAccount(ctx, konullu.NewAccount{Email: "coord@example.az", FullName: "Koordinator"})
	if _, err := f.db.GrantRole(ctx, coord.ID, konullu.RoleCoordinator, []int64{f.centre.ID}); err != nil {
		t.Fatal(err)
	}
	staff, _ := f.db.CreateAccount(ctx, konullu.NewAccount{Email: "staff@example.az", FullName: "Staff"})
	f.db.GrantRole(ctx, staff.ID, konullu.RoleStaff, nil)
	f.shift(24*time.Hour, 2*time.Hour, 3) // understaffed, this week
	baku, _ := time.LoadLocation("Asia/Baku")
	w := konullu.WeekOf(monday, baku)
	for i, want := range []int{2, 0, 0} {
		if n, err := f.db.EnqueueDigests(ctx, w); err != nil || n != want {
			t.Fatalf("run %d: %d digests, want %d (%v)", i, n, want, err)
		}
	}
	rows, err := f.db.SQL().Query(`SELECT payload FROM outbox WHERE kind = 'DIGEST_COORDINATOR' AND channel = 'IN_APP'`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var payloads []string
	for rows.Next() {
		var p string
		rows.Scan(&p)
		payloads = append(payloads, p)
	}
	if len(payloads) != 1 || !strings.Contains(payloads[0], `"understaffed":1`) {
		t.Fatalf("coordinator digest %v", payloads)
	}
}

func TestOutboxClaims(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	for i := 0; i < 30; i++ {
		s := f.shift(time.Duration(48+i*5)*time.Hour, 2*time.Hour, 2)
		if _, err := f.db.SignUp(ctx, s.ID, f.volunteer(), false); err != nil {
			t.Fatal(err)
		}
	}
	now := f.clock.Now()
	// Concurrent claimers never share a message.
	var mu sync.Mutex
	seen := map[int64]string{}
	var wg sync.WaitGroup
	for i := 0; i < 6; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			tok := fmt.Sprintf("claimer-%d", i)
			for {
				msgs, err := f.db.ClaimOutbox(ctx, konullu.OutboxClaim{Token: tok, Now: now, Lease: time.Minute, Limit: 7})
				if err != nil {
					t.Error(err)
					return
				}
				if len(msgs) == 0 {
					return
				}
				mu.Lock()
				for _, m := range msgs {
					if prev, dup := seen[m.ID]; dup {
						t.Errorf("message %d claimed by %s and %s", m.ID, prev, tok)
					}
					seen[m.ID] = tok
					if m.Shift == nil || m.Shift.CentreName == "" || m.Recipient.Email == "" || m.Attempts != 1 {
						t.Errorf("incomplete message %+v", m)
					}
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if len(seen) != 60 {
		t.Fatalf("claimed %d messages, want 60", len(seen))
	}
	// Until the lease ends nothing is due; then everything is, and a late
	// finish by the first claimer is ignored.
	if msgs, _ := f.db.ClaimOutbox(ctx, konullu.OutboxClaim{Token: "x", Now: now.Add(59 * time.Second), Lease: time.Minute, Limit: 100}); len(msgs) != 0 {
		t.Fatalf("%d messages claimed during the lease", len(msgs))
	}
	msgs, err := f.db.ClaimOutbox(ctx, konullu.OutboxClaim{Token: "second", Now: now.Add(time.Minute), Lease: time.Minute, Limit: 100})
	if err != nil || len(msgs) != 60 || msgs[0].Attempts != 2 {
		t.Fatalf("reclaimed %d, %v", len(msgs), err)
	}
	var stale, results []konullu.DeliveryResult
	for _, m := range msgs {
		r := konullu.DeliveryResult{ID: m.ID, Status: konullu.OutboxSent}
		if m.Channel == konullu.ChannelInApp {
			r.InApp = &konullu.Notification{UserID: m.Recipient.UserID, Kind: m.Kind, Title: "t", Body: "b", ShiftID: m.Shift.ShiftID}
		}
		results = append(results, r)
		stale = append(stale, konullu.DeliveryResult{ID: m.ID, Status: konullu.OutboxDead, Error: "late"})
	}
	// The first claimer delivers its in-app messages too, late: stored once.
	if err := f.db.FinishOutbox(ctx, seen[msgs[0].ID], append(stale, results[0])); err != nil {
		t.Fatal(err)
	}
	if err := f.db.FinishOutbox(ctx, "second", results); err != nil {
		t.Fatal(err)
	}
	counts, _ := f.db.OutboxCounts(ctx)
	if counts[konullu.OutboxSent] != 60 || counts[konullu.OutboxDead] != 0 {
		t.Fatalf("counts %v", counts)
	}
	var stored int
	f.db.SQL().QueryRow(`SELECT COUNT(*) FROM notifications`).Scan(&stored)
	if stored != 30 {
		t.Fatalf("%d notifications stored, want 30", stored)
	}
}

func TestNotificationsReadAndSettings(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	v := f.volunteer()
	u := userOf(t, f.db, v)
	got, err := f.db.NotificationSettings(ctx, []int64{u})
	if err != nil || got[u].Language != konullu.LanguageAz || !slices.Equal(got[u].Channels, []konullu.Channel{konullu.ChannelInApp, konullu.ChannelEmail}) {
		t.Fatalf("defaults %+v %v", got, err)
	}
	set, err := f.db.SetNotificationSettings(ctx, u, konullu.NotificationSettings{Language: "EN", Channels: []konullu.Channel{konullu.ChannelWebhook}})
	if err != nil || set.Language != konullu.LanguageEn || !slices.Equal(set.Channels, []konullu.Channel{konullu.ChannelInApp, konullu.ChannelWebhook}) {
		t.Fatalf("set %+v %v", set, err)
	}
	_, err = f.db.SetNotificationSettings(ctx, u, konullu.NotificationSettings{Language: "de"})
	wantCode(t, err, konullu.EINVALID)
	_, err = f.db.SetNotificationSettings(ctx, 9999, konullu.NotificationSettings{Language: "az"})
	wantCode(t, err, konullu.ENOTFOUND)

	for i := 0; i < 3; i++ {
		s := f.shift(time.Duration(48+i*5)*time.Hour, 2*time.Hour, 2)
		f.db.SignUp(ctx, s.ID, v, false)
	}
	msgs, _ := f.db.ClaimOutbox(ctx, konullu.OutboxClaim{Token: "t", Now: f.clock.Now(), Lease: time.Minute, Limit: 100})
	var results []konullu.DeliveryResult
	for _, m := range msgs {
		r := konullu.DeliveryResult{ID: m.ID, Status: konullu.OutboxSkipped}
		if m.Channel == konullu.ChannelInApp {
			r.Status, r.InApp = konullu.OutboxSent, &konullu.Notification{UserID: u, Kind: m.Kind, Title: "t", Body: "b"}
		}
		results = append(results, r)
	}
	f.db.FinishOutbox(ctx, "t", results)
	list, err := f.db.Notifications(ctx, u, 10, false)
	if err != nil || len(list) != 3 || list[0].ID < list[2].ID {
		t.Fatalf("notifications %v %v", list, err)
	}
	if n, _ := f.db.MarkNotificationsRead(ctx, u, []int64{list[0].ID, 99999}); n != 1 {
		t.Fatalf("marked %d", n)
	}
	if n, _ := f.db.UnreadNotifications(ctx, u); n != 2 {
		t.Fatalf("unread %d", n)
	}
	other := userOf(t, f.db, f.volunteer())
	if n, _ := f.db.MarkNotificationsRead(ctx, other, nil); n != 0 {
		t.Fatal("marked someone else's notifications")
	}
	if n, _ := f.db.MarkNotificationsRead(ctx, u, nil); n != 2 {
		t.Fatalf("marked %d", n)
	}
	if unread, _ := f.db.Notifications(ctx, u, 10, true); len(unread) != 0 {
		t.Fatal(unread)
	}
}
