package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/jackc/pgx/v5"
)

// dataset describes the generated data: sizes and the period it covers.
type dataset struct {
	Volunteers  int
	Assignments int
	Centres     int
	Positions   int
	First, Last time.Time // local dates (00:00 in loc) of the first and last day with shifts
	Loc         *time.Location
}

var (
	firstNames = []string{"Aysel", "Leyla", "Günel", "Nərmin", "Aytən", "Səbinə", "Ülviyyə", "Xədicə", "Zəhra", "Şəbnəm",
		"Tural", "Rəşad", "Orxan", "Vüqar", "Fərid", "Əli", "Hüseyn", "İlkin", "Səməd", "Toğrul", "Kənan", "Ülvi", "Şahin", "Cəlal"}
	surnames = []string{"Məmmədova", "Əliyeva", "Hüseynova", "Həsənov", "Quliyev", "İsmayılov", "Rəhimov", "Cəfərov",
		"Süleymanova", "Qasımov", "Sadıqova", "Hacıyev", "Şükürov", "Qəhrəmanov", "Əlizadə", "Bağırlı"}
	centreNames = []string{"Bakı 1 saylı ASAN xidmət mərkəzi", "Bakı 2 saylı ASAN xidmət mərkəzi", "Bakı 3 saylı ASAN xidmət mərkəzi",
		"Bakı 4 saylı ASAN xidmət mərkəzi", "Bakı 5 saylı ASAN xidmət mərkəzi", "Bakı 6 saylı ASAN xidmət mərkəzi",
		"Sumqayıt ASAN xidmət mərkəzi", "Gəncə ASAN xidmət mərkəzi", "Mingəçevir ASAN xidmət mərkəzi", "Şəki ASAN xidmət mərkəzi",
		"Quba ASAN xidmət mərkəzi", "Lənkəran ASAN xidmət mərkəzi", "Şamaxı ASAN xidmət mərkəzi", "Şirvan ASAN xidmət mərkəzi",
		"Naxçıvan ASAN xidmət mərkəzi", "Qəbələ ASAN xidmət mərkəzi", "Zaqatala ASAN xidmət mərkəzi", "Yevlax ASAN xidmət mərkəzi",
		"Bərdə ASAN xidmət mərkəzi", "Masallı ASAN xidmət mərkəzi"}
	positionNames = []string{"Reception guide", "Queue assistant", "Language support", "Elderly and disabled assistance", "E-services helper"}
)

// slots are the local start hour and length in hours of the day's shifts at
// every centre and position.
var slots = [][2]int{{9, 4}, {13, 4}, {17, 3}}

// load bulk-loads the dataset with COPY into a migrated, empty database:
// centres, positions, users and volunteers, a year of shifts and exactly
// d.Assignments assignments. Rows go in directly (not through the store),
// so no signup rule is checked; the data is shaped like real use: each
// volunteer has a home centre where most of their shifts are, shifts are
// mostly full, about 9% of places end in a no-show and 4% of signups were
// withdrawn.
func load(ctx context.Context, conn *pgx.Conn, d dataset, now time.Time, logf func(string, ...any)) error {
	rng := rand.New(rand.NewPCG(1, 2))
	created := now.Add(-400 * 24 * time.Hour)
	for i := 0; i < d.Centres; i++ {
		if _, err := conn.Exec(ctx, `INSERT INTO centres (id, name, city, address, timezone, created_at) VALUES ($1, $2, $3, '', $4, $5)`,
			i+1, centreNames[i%len(centreNames)], "Bakı", d.Loc.String(), created); err != nil {
			return fmt.Errorf("centres: %w", err)
		}
	}
	for i := 0; i < d.Positions; i++ {
		if _, err := conn.Exec(ctx, `INSERT INTO positions (id, name, created_at) VALUES ($1, $2, $3)`,
			i+1, positionNames[i%len(positionNames)], created); err != nil {
			return fmt.Errorf("positions: %w", err)
		}
	}

	t0 := time.Now()
	n := 0
	if _, err := conn.CopyFrom(ctx, pgx.Identifier{"users"}, []string{"id", "email", "password_hash", "created_at"},
		pgx.CopyFromFunc(func() ([]any, error) {
			if n == d.Volunteers {
				return nil, nil
			}
			n++
			return []any{int64(n), fmt.Sprintf("v%d@bench.konullu.az", n), "", created}, nil
		})); err != nil {
		return fmt.Errorf("users: %w", err)
	}
	n = 0
	if _, err := conn.CopyFrom(ctx, pgx.Identifier{"user_roles"}, []string{"user_id", "role"},
		pgx.CopyFromFunc(func() ([]any, error) {
			if n == d.Volunteers {
				return nil, nil
			}
			n++
			return []any{int64(n), "VOLUNTEER"}, nil
		})); err != nil {
		return fmt.Errorf("user_roles: %w", err)
	}
	n = 0
	if _, err := conn.CopyFrom(ctx, pgx.Identifier{"volunteers"},
		[]string{"id", "user_id", "full_name", "phone", "city", "birth_date", "status", "created_at"},
		pgx.CopyFromFunc(func() ([]any, error) {
			if n == d.Volunteers {
				return nil, nil
			}
			n++
			name := firstNames[rng.IntN(len(firstNames))] + " " + surnames[rng.IntN(len(surnames))]
			var birth any
			if rng.IntN(50) != 0 { // 2% never gave a birth date
				// Ages 15 to 34 at the end of the data, most of them 18 to 25.
				age := 15 + rng.IntN(20)
				if rng.IntN(2) == 0 {
					age = 18 + rng.IntN(8)
				}
				birth = now.AddDate(-age, 0, -rng.IntN(365)).Format(time.DateOnly)
			}
			return []any{int64(n), int64(n), name, "+994 50 000 00 00", "Bakı", birth, "ACTIVE", created}, nil
		})); err != nil {
		return fmt.Errorf("volunteers: %w", err)
	}
	logf("loaded %d users and volunteers in %s", d.Volunteers, time.Since(t0).Round(time.Millisecond))

	// Shifts: every day of the period, at every centre, for every position, in every slot.
	t0 = time.Now()
	type shift struct {
		id, centre int64
		start, end time.Time
		capacity   int
	}
	var shifts []shift
	for day := d.First; !day.After(d.Last); day = day.AddDate(0, 0, 1) {
		for c := 1; c <= d.Centres; c++ {
			for p := 1; p <= d.Positions; p++ {
				for _, sl := range slots {
					start := time.Date(day.Year(), day.Month(), day.Day(), sl[0], 0, 0, 0, d.Loc)
					shifts = append(shifts, shift{id: int64(len(shifts) + 1), centre: int64(c),
						start: start.UTC(), end: start.Add(time.Duration(sl[1]) * time.Hour).UTC(), capacity: 7 + rng.IntN(6)})
				}
			}
		}
	}
	i := 0
	if _, err := conn.CopyFrom(ctx, pgx.Identifier{"shifts"},
		[]string{"id", "centre_id", "position_id", "starts_at", "ends_at", "capacity", "status", "queue_seq", "created_at", "updated_at"},
		pgx.CopyFromFunc(func() ([]any, error) {
			if i == len(shifts) {
				return nil, nil
			}
			s := shifts[i]
			i++
			status := "PUBLISHED"
			if rng.IntN(200) == 0 {
				status = "CANCELLED"
			}
			pos := int64((i-1)/len(slots)%d.Positions + 1)
			return []any{s.id, s.centre, pos, s.start, s.end, int32(s.capacity), status, int64(20), created, created}, nil
		})); err != nil {
		return fmt.Errorf("shifts: %w", err)
	}
	logf("loaded %d shifts in %s", len(shifts), time.Since(t0).Round(time.Millisecond))

	// Assignments: spread evenly over the shifts so that exactly
	// d.Assignments rows cover the whole period.
	t0 = time.Now()
	perCentre := d.Volunteers / d.Centres
	total := 0
	si, inShift := 0, 0
	var want int
	var picked map[int64]bool
	nextShift := func() {
		s := shifts[si]
		// Rows still to write over shifts still to fill, with some spread.
		avg := float64(d.Assignments-total) / float64(len(shifts)-si)
		want = int(avg + rng.Float64()*3 - 1.5 + 0.5)
		if want > s.capacity+2 {
			want = s.capacity + 2
		}
		if want < 1 {
			want = 1
		}
		if si == len(shifts)-1 || d.Assignments-total < want {
			want = d.Assignments - total
		}
		inShift = 0
		picked = map[int64]bool{}
	}
	nextShift()
	if _, err := conn.CopyFrom(ctx, pgx.Identifier{"assignments"},
		[]string{"id", "shift_id", "volunteer_id", "status", "queue_seq", "checked_in_at", "checked_out_at", "credited_minutes", "created_at", "updated_at"},
		pgx.CopyFromFunc(func() ([]any, error) {
			if total == d.Assignments {
				return nil, nil
			}
			for inShift == want {
				si++
				nextShift()
			}
			s := shifts[si]
			var v int64
			for {
				if rng.IntN(100) < 85 { // most shifts at the home centre
					v = int64(rng.IntN(perCentre)*d.Centres) + s.centre
				} else {
					v = int64(rng.IntN(d.Volunteers)) + 1
				}
				if v <= int64(d.Volunteers) && !picked[v] {
					break
				}
			}
			picked[v] = true
			inShift++
			total++
			status, credited := "COMPLETED", 0
			var in, out any
			switch {
			case inShift > s.capacity || rng.IntN(25) == 0:
				status = "CANCELLED"
			case rng.IntN(100) < 9:
				status = "NO_SHOW"
			default:
				late := time.Duration(rng.IntN(20)) * time.Minute
				in, out = s.start.Add(late), s.end
				credited = int(s.end.Sub(s.start.Add(late)) / time.Minute)
			}
			signed := s.start.Add(-time.Duration(24+rng.IntN(400)) * time.Hour)
			return []any{int64(total), s.id, v, status, int64(inShift), in, out, int32(credited), signed, s.end}, nil
		})); err != nil {
		return fmt.Errorf("assignments: %w", err)
	}
	logf("loaded %d assignments in %s", total, time.Since(t0).Round(time.Millisecond))

	for _, t := range []string{"users", "volunteers", "centres", "positions", "shifts", "assignments"} {
		if _, err := conn.Exec(ctx, fmt.Sprintf(`SELECT setval(pg_get_serial_sequence('%s', 'id'), (SELECT max(id) FROM %s))`, t, t)); err != nil {
			return fmt.Errorf("sequence of %s: %w", t, err)
		}
	}
	t0 = time.Now()
	if _, err := conn.Exec(ctx, `VACUUM ANALYZE`); err != nil {
		return fmt.Errorf("analyze: %w", err)
	}
	logf("vacuumed and analysed in %s", time.Since(t0).Round(time.Millisecond))
	return nil
}
