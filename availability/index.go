// Package availability is the availability index of Könüllü: Redis bitmaps
// that answer "which volunteers may take this shift?" over a hundred
// thousand volunteers in about a millisecond, with the database as the only
// truth behind them.
//
// # Layout
//
// Each volunteer's bit is their numeric id (ids are dense). Every key starts
// with the prefix, "{konullu}" by default, whose braces are a Redis Cluster
// hash tag: all keys live in one hash slot, so one Lua script may touch them
// all. Under the prefix, "gen" names the current generation G, and the
// generation's keys are:
//
//	G:u:<slot of week>        bitmap: free then, weekly, for zones with one offset all year
//	                          (slot 0 is Monday 00:00–00:15 UTC; see zones.go)
//	G:w:<tz>:<weekday>:<slot> bitmap: free in that local slot, weekly, for a zone with summer time
//	G:xo:<tz>:<day>           bitmap: volunteers with an exception on that local day (day
//	                          number since 1970); it replaces their weekly bits that day
//	G:x:<tz>:<day>            hash: volunteer id → free slots that day, only for exceptions
//	                          that leave some (a whole day off is in the bitmap alone)
//	G:active                  bitmap: volunteers with status ACTIVE
//	G:s:<skill>               bitmap: volunteers holding the skill (lower case)
//	G:z                       sorted set: "<shift id>:<end>" scored by start (unix seconds),
//	                          the shifts with active assignments
//	G:a:<shift id>            set: volunteers holding an active assignment in the shift
//	G:bd:<UTC day>            bitmap: volunteers with such a shift that day (a superset)
//	G:v:<id/100>              hash: volunteer id → what an update must clear ("tz|slots|days")
//	G:zones, G:skills, G:xkeys, G:vmax, G:maxlen   what is in use, for updates and deletion
//
// Memory is what decided this shape. A bitmap costs 12.5 KB at 100,000
// volunteers however few bits it holds, so weekly bitmaps are shared by all
// zones without summer time (in UTC), exceptions are bitmaps per day only
// for "who has one" and hashes for the few partial ones, and busy
// volunteers are small per-shift sets. The benchmark (bench/availability)
// measures about 20 MB for 100,000 volunteers.
//
// # Matching
//
// A match is one EVALSHA (match.lua): AND the weekly bitmaps of the slots
// the period touches, clear the volunteers with an exception on its dates
// and put back those the exception leaves free, OR the zone groups
// together, AND active and the skills, clear the volunteers of overlapping
// shifts and return the bitmap. Times are matched in 15-minute slots;
// availability times are quarter hours, so this is exact (see
// konullu.Availability), as the randomized test against konullu.FreeFor
// checks.
//
// # Staying right
//
// Callers report changes after their transaction commits (UpdateVolunteer,
// UpdateShift); each update re-reads the database and rewrites that
// volunteer's or shift's entries in one script. When the "gen" key is
// missing (Redis flushed, restarted or replaced), the index says so, the
// caller answers from SQL (Store.FreeVolunteersSQL), and a rebuild starts:
// one instance at a time (a lock key with a lease), into a new generation,
// switched in atomically. Updates made during a rebuild are recorded and
// replayed after the switch. CheckAndRepair builds a fresh generation,
// counts the volunteers whose entries differ from the current one, and
// switches to it; the jobs run it nightly.
//
// Two updates of one volunteer racing from two instances could leave the
// older state in Redis (each writes what it read); the nightly check repairs
// such drift. Redis restored from a stale snapshot keeps its "gen" key and
// is likewise repaired by the check, not at once.
package availability

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"math/bits"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/konullu/konullu"
)

// Store is what the index reads from the system of record.
type Store interface {
	CountVolunteers(ctx context.Context) (int, error)
	VolunteersForIndex(ctx context.Context, f konullu.IndexFilter) ([]*konullu.IndexedVolunteer, error)
	FreeVolunteersSQL(ctx context.Context, q konullu.FreeQuery) ([]int64, error)
	ShiftBusy(ctx context.Context, id int64) (*konullu.ShiftBusy, error)
}

// DefaultPrefix starts every key of the index. Its braces are a Redis
// Cluster hash tag.
const DefaultPrefix = "{konullu}"

// Options configure an index. Zero values select the defaults.
type Options struct {
	// Prefix starts every key; it must contain a hash tag ("{…}") for Redis
	// Cluster. Default DefaultPrefix. Tests use one per test.
	Prefix string
	Logger *slog.Logger
	Now    func() time.Time
	// LockTTL is the lease of the rebuild lock, renewed while a rebuild
	// runs; an instance that dies mid-rebuild holds it this long. Default 30s.
	LockTTL time.Duration
	// PageSize is the number of volunteers a rebuild reads per page. Default 2000.
	PageSize int
	// CheckEvery is how often the index looks for itself in Redis and
	// rebuilds when it is gone (or an update failed). Default 10s.
	CheckEvery time.Duration
	// RetryAfter is the least time between two automatic rebuilds. Default 5s.
	RetryAfter time.Duration
	// RedisTimeout bounds each match and each update in Redis (one round
	// trip, about a millisecond): a Redis that accepts and never answers
	// costs a match this long before it is answered from SQL, and a
	// mutation this long before its update is given up (and the index
	// rebuilt later). Default 500 ms.
	RedisTimeout time.Duration
}

// ErrNotReady is returned by Match while there is no index to answer from.
var ErrNotReady = errors.New("availability: the index is not built")

// ErrRebuildRunning is returned when another rebuild (here or in another
// instance) holds the lock.
var ErrRebuildRunning = errors.New("availability: another rebuild is running")

//go:embed match.lua
var matchLua string

//go:embed volunteer.lua
var volunteerLua string

//go:embed shift.lua
var shiftLua string

//go:embed busy.lua
var busyLua string

var (
	matchScript     = redis.NewScript(matchLua)
	volunteerScript = redis.NewScript(volunteerLua)
	shiftScript     = redis.NewScript(shiftLua)
	busyScript      = redis.NewScript(busyLua)
)

// Index is the availability index. It is safe for concurrent use.
type Index struct {
	rdb    redis.UniversalClient
	store  Store
	prefix string
	log    *slog.Logger
	now    func() time.Time
	opts   Options

	mu      sync.Mutex
	zones   map[string]string // the current generation's zones and their classes, as last seen
	classes map[string]classEntry

	rebuildMu   sync.Mutex // one rebuild per process at a time
	auto        chan struct{}
	ctx         context.Context
	cancel      context.CancelFunc
	wg          sync.WaitGroup
	stale       sync.Mutex // guards staleSince
	staleSince  time.Time  // an update failed: the index may be wrong
	lastAttempt time.Time

	periodsMu sync.Mutex
	periods   map[int64]period // shifts' times, which never change once created
}

// period is a shift's start and end.
type period struct{ start, end time.Time }

// maxPeriods bounds the cache of shift periods (a few MB at most).
const maxPeriods = 50_000

var _ konullu.AvailabilityIndex = (*Index)(nil)

// New returns an index over the Redis client and the store. It starts one
// goroutine that rebuilds the index when it is found missing or stale (on
// Trigger, and every CheckEvery); Close stops it.
func New(rdb redis.UniversalClient, store Store, opts Options) *Index {
	if opts.Prefix == "" {
		opts.Prefix = DefaultPrefix
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.LockTTL <= 0 {
		opts.LockTTL = 30 * time.Second
	}
	if opts.PageSize <= 0 {
		opts.PageSize = 2000
	}
	if opts.CheckEvery <= 0 {
		opts.CheckEvery = 10 * time.Second
	}
	if opts.RetryAfter <= 0 {
		opts.RetryAfter = 5 * time.Second
	}
	if opts.RedisTimeout <= 0 {
		opts.RedisTimeout = 500 * time.Millisecond
	}
	ctx, cancel := context.WithCancel(context.Background())
	ix := &Index{
		rdb: rdb, store: store, prefix: opts.Prefix, log: opts.Logger.With("component", "availability"),
		now: opts.Now, opts: opts, auto: make(chan struct{}, 1), ctx: ctx, cancel: cancel,
		zones: map[string]string{}, classes: map[string]classEntry{},
	}
	ix.wg.Add(1)
	go ix.autoRebuild()
	return ix
}

// Close stops background rebuilds and waits for them to end. It does not
// close the Redis client.
func (ix *Index) Close() error {
	ix.cancel()
	ix.wg.Wait()
	return nil
}

// bounded gives one call to Redis at most RedisTimeout. The deadline
// reaches the socket only on a client with ContextTimeoutEnabled (as
// redisconn makes them); elsewhere it still bounds the pool wait and retries.
func (ix *Index) bounded(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, ix.opts.RedisTimeout)
}

func (ix *Index) key(parts ...string) string {
	return ix.prefix + ":" + strings.Join(parts, ":")
}

func (ix *Index) genKey() string         { return ix.key("gen") }
func (ix *Index) lockKey() string        { return ix.key("building") }
func (ix *Index) dirtyKey() string       { return ix.key("dirty") }
func (ix *Index) gensKey() string        { return ix.key("gens") }
func (ix *Index) base(gen string) string { return ix.prefix + ":" + gen + ":" }

// since is how far back the index keeps exceptions and busy shifts: a day
// more than the oldest period it answers for (older ones go to SQL).
func (ix *Index) since() time.Time { return ix.now().Add(-48 * time.Hour) }

// FreeVolunteers answers from the index, or from the database while the
// index is missing or Redis fails (a rebuild is then started), and for
// periods that started more than a day ago (the index forgets past shifts)
// or end more than 400 days ahead (beyond the horizon of its time zones).
func (ix *Index) FreeVolunteers(ctx context.Context, q konullu.FreeQuery) ([]int64, error) {
	if !q.Start.Before(q.End) {
		return []int64{}, nil
	}
	if now := ix.now(); q.Start.Before(now.Add(-24*time.Hour)) || q.End.After(now.Add(horizon)) {
		return ix.store.FreeVolunteersSQL(ctx, q)
	}
	ids, err := ix.Match(ctx, q)
	if err == nil {
		return ids, nil
	}
	if errors.Is(err, ErrNotReady) {
		ix.Trigger()
	} else if ctx.Err() == nil {
		ix.log.Warn("availability index failed; answering from the database", "err", err)
	}
	return ix.store.FreeVolunteersSQL(ctx, q)
}

// Match answers from the index alone in one round trip (two when the index
// gained a time zone since this process last looked). It returns ErrNotReady
// when there is no index.
func (ix *Index) Match(ctx context.Context, q konullu.FreeQuery) ([]int64, error) {
	ctx, cancel := ix.bounded(ctx)
	defer cancel()
	ix.mu.Lock()
	zones := ix.zones
	ix.mu.Unlock()
	for attempt := 0; ; attempt++ {
		res, err := matchScript.Run(ctx, ix.rdb, []string{ix.genKey()}, ix.matchArgs(q, zones)...).Slice()
		if err != nil {
			return nil, fmt.Errorf("availability: match: %w", err)
		}
		if len(res) == 0 {
			return nil, fmt.Errorf("availability: match: empty reply")
		}
		switch res[0] {
		case "ok":
			bitmap, _ := res[1].(string)
			return bitIDs(bitmap), nil
		case "notready":
			return nil, ErrNotReady
		case "zones":
			if attempt > 2 {
				return nil, fmt.Errorf("availability: match: the time zones keep changing")
			}
			zones = make(map[string]string, len(res)/2)
			for i := 1; i+1 < len(res); i += 2 {
				zones[fmt.Sprint(res[i])] = fmt.Sprint(res[i+1])
			}
			ix.mu.Lock()
			ix.zones = zones
			ix.mu.Unlock()
		default:
			return nil, fmt.Errorf("availability: match: unexpected reply %v", res[0])
		}
	}
}

// skillKeys returns the skills as the index names them: lower case, trimmed,
// without duplicates.
func skillKeys(skills []string) []string {
	var out []string
	for _, s := range skills {
		s = strings.ToLower(strings.TrimSpace(s))
		if s != "" && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

// slotRanges writes the whole slots inside minute ranges as "a-b,c-d"
// (slot numbers, b exclusive).
func slotRanges(rs []konullu.MinuteRange) string {
	var b strings.Builder
	for _, r := range rs {
		from, to := wholeSlots(r)
		if from >= to {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.Itoa(from))
		b.WriteByte('-')
		b.WriteString(strconv.Itoa(to))
	}
	return b.String()
}

// wholeSlots returns the slots [from, to) that lie wholly inside r.
func wholeSlots(r konullu.MinuteRange) (from, to int) {
	return (r.Start + konullu.SlotMinutes - 1) / konullu.SlotMinutes, r.End / konullu.SlotMinutes
}

// bitIDs returns the numbers of the set bits of a Redis bitmap (bit 0 is
// the most significant bit of the first byte).
func bitIDs(bitmap string) []int64 {
	ids := []int64{}
	for i := 0; i < len(bitmap); i++ {
		for c := bitmap[i]; c != 0; {
			j := bits.LeadingZeros8(c)
			ids = append(ids, int64(i*8+j))
			c &^= 0x80 >> j
		}
	}
	return ids
}

// setBit sets bit n of a bitmap, growing it as Redis would.
func setBit(b []byte, n int64) []byte {
	i := int(n / 8)
	if i >= len(b) {
		b = append(b, make([]byte, i+1-len(b))...)
	}
	b[i] |= 0x80 >> (n % 8)
	return b
}

// UpdateVolunteer rewrites a volunteer's entries from the database: call it
// after their availability, profile (time zone), skills or status changed.
func (ix *Index) UpdateVolunteer(ctx context.Context, id int64) error {
	err := ix.updateVolunteer(ctx, id)
	if err != nil {
		ix.failed("volunteer", id, err)
	}
	return err
}

func (ix *Index) updateVolunteer(ctx context.Context, id int64) error {
	vs, err := ix.store.VolunteersForIndex(ctx, konullu.IndexFilter{IDs: []int64{id}, Since: ix.since()})
	if err != nil {
		return err
	}
	e := entry{id: id, tz: konullu.DefaultTimezone}
	if len(vs) == 1 {
		e = ix.entryOf(vs[0])
	}
	args := []any{ix.prefix, id, bucketOf(id), e.record(), e.class, 0, konullu.DefaultTimezone}
	if e.active {
		args[5] = 1
	}
	args = append(args, len(e.skills))
	for _, s := range e.skills {
		args = append(args, s)
	}
	args = append(args, len(e.exceptions))
	for _, x := range e.exceptions {
		args = append(args, x.day, x.free, x.expireAt)
	}
	rctx, cancel := ix.bounded(ctx)
	defer cancel()
	n, err := volunteerScript.Run(rctx, ix.rdb, []string{ix.genKey(), ix.lockKey(), ix.dirtyKey()}, args...).Int()
	if err != nil {
		return fmt.Errorf("availability: update volunteer %d: %w", id, err)
	}
	if n == 0 {
		ix.Trigger()
	}
	return nil
}

// UpdateShift rewrites who is busy in a shift from the database: call it
// after any of its assignments changed status or the shift was cancelled.
func (ix *Index) UpdateShift(ctx context.Context, id int64) error {
	err := ix.updateShift(ctx, id)
	if err != nil {
		ix.failed("shift", id, err)
	}
	return err
}

func (ix *Index) updateShift(ctx context.Context, id int64) error {
	s, err := ix.store.ShiftBusy(ctx, id)
	if err != nil {
		return err
	}
	if s == nil {
		return nil
	}
	ix.rememberPeriod(id, period{s.StartsAt, s.EndsAt})
	if !s.EndsAt.After(ix.since()) {
		return nil // the index keeps no past shifts
	}
	b := busyOf(s.ID, s.StartsAt, s.EndsAt)
	args := []any{ix.prefix, id, b.start, b.end, b.expireAt}
	for _, v := range s.Volunteers {
		args = append(args, v)
	}
	rctx, cancel := ix.bounded(ctx)
	defer cancel()
	n, err := shiftScript.Run(rctx, ix.rdb, []string{ix.genKey(), ix.lockKey(), ix.dirtyKey()}, args...).Int()
	if err != nil {
		return fmt.Errorf("availability: update shift %d: %w", id, err)
	}
	if n == 0 {
		ix.Trigger()
	}
	return nil
}

// AddBusy records that a volunteer signed up for a shift: they are busy
// then, whether confirmed or waitlisted. A signup only ever adds, so this
// adds the one volunteer and never rewrites the shift: concurrent signups on
// several instances each add their own, where a rewrite from a database
// read taken a moment earlier could drop another instance's newest one. The
// shift's period is read once per instance (times never change once a
// shift is created).
func (ix *Index) AddBusy(ctx context.Context, shiftID, volunteerID int64) error {
	p, ok := ix.period(shiftID)
	if !ok {
		s, err := ix.store.ShiftBusy(ctx, shiftID)
		if err != nil {
			ix.failed("shift", shiftID, err)
			return err
		}
		if s == nil {
			return nil
		}
		p = period{s.StartsAt, s.EndsAt}
		ix.rememberPeriod(shiftID, p)
	}
	if !p.end.After(ix.since()) {
		return nil
	}
	b := busyOf(shiftID, p.start, p.end)
	rctx, cancel := ix.bounded(ctx)
	defer cancel()
	n, err := busyScript.Run(rctx, ix.rdb, []string{ix.genKey(), ix.lockKey(), ix.dirtyKey()},
		ix.prefix, shiftID, b.start, b.end, b.expireAt, volunteerID).Int()
	if err != nil {
		err = fmt.Errorf("availability: add busy %d to shift %d: %w", volunteerID, shiftID, err)
		ix.failed("shift", shiftID, err)
		return err
	}
	if n == 0 {
		ix.Trigger()
	}
	return nil
}

func (ix *Index) period(id int64) (period, bool) {
	ix.periodsMu.Lock()
	defer ix.periodsMu.Unlock()
	p, ok := ix.periods[id]
	return p, ok
}

func (ix *Index) rememberPeriod(id int64, p period) {
	ix.periodsMu.Lock()
	defer ix.periodsMu.Unlock()
	if ix.periods == nil || len(ix.periods) >= maxPeriods {
		ix.periods = map[int64]period{}
	}
	ix.periods[id] = p
}

// failed records that an update did not reach Redis: the index may now be
// wrong, so the next check rebuilds it.
func (ix *Index) failed(kind string, id int64, err error) {
	ix.log.Error("availability index update failed; the index will be rebuilt", "kind", kind, "id", id, "err", err)
	ix.stale.Lock()
	if ix.staleSince.IsZero() {
		ix.staleSince = ix.now()
	}
	ix.stale.Unlock()
	ix.Trigger()
}

// busy is a shift as the index keeps it.
type busy struct {
	id                   int64
	start, end, expireAt int64
}

func busyOf(id int64, start, end time.Time) busy {
	e := int64(math.Ceil(float64(end.UnixNano()) / 1e9))
	return busy{id: id, start: start.Unix(), end: e, expireAt: e + 2*24*3600}
}
