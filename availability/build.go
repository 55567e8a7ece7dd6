package availability

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/konullu/konullu"
	"github.com/konullu/konullu/redisconn/lease"
)

// Status is the state of the index in Redis.
type Status struct {
	Ready      bool   // a generation is current: matches come from Redis
	Generation string // the current generation
	Rebuilding bool   // some instance holds the rebuild lock
}

// Status reads the state of the index; an error means Redis does not answer.
func (ix *Index) Status(ctx context.Context) (Status, error) {
	pipe := ix.rdb.Pipeline()
	gen := pipe.Get(ctx, ix.genKey())
	lock := pipe.Exists(ctx, ix.lockKey())
	if _, err := pipe.Exec(ctx); err != nil && !errors.Is(err, redis.Nil) {
		return Status{}, fmt.Errorf("availability: status: %w", err)
	}
	g := gen.Val()
	return Status{Ready: g != "", Generation: g, Rebuilding: lock.Val() == 1}, nil
}

// Trigger asks the background goroutine to rebuild the index if it is
// missing or an update failed; it returns at once.
func (ix *Index) Trigger() {
	select {
	case ix.auto <- struct{}{}:
	default:
	}
}

// autoRebuild rebuilds when asked (Trigger) and every CheckEvery when the
// index is found missing: a flushed or replaced Redis heals itself without
// a restart and without anyone asking.
func (ix *Index) autoRebuild() {
	defer ix.wg.Done()
	tick := time.NewTicker(ix.opts.CheckEvery)
	defer tick.Stop()
	for {
		select {
		case <-ix.ctx.Done():
			return
		case <-ix.auto:
		case <-tick.C:
		}
		if wait := ix.opts.RetryAfter - time.Since(ix.lastAttempt); wait > 0 {
			select {
			case <-ix.ctx.Done():
				return
			case <-time.After(wait):
			}
		}
		ix.maybeRebuild(ix.ctx)
	}
}

func (ix *Index) maybeRebuild(ctx context.Context) {
	sctx, cancel := ix.bounded(ctx)
	st, err := ix.Status(sctx)
	cancel()
	if err != nil {
		return // Redis is away; staleness is remembered and looked at again
	}
	ix.stale.Lock()
	stale := !ix.staleSince.IsZero()
	ix.stale.Unlock()
	if st.Rebuilding || st.Ready && !stale {
		return
	}
	ix.lastAttempt = time.Now()
	ix.log.Info("rebuilding the availability index", "missing", !st.Ready, "stale", stale)
	if err := ix.Rebuild(ctx, nil); err != nil && !errors.Is(err, ErrRebuildRunning) && ctx.Err() == nil {
		ix.log.Error("availability index rebuild failed", "err", err)
	}
}

// Rebuild builds the index afresh from the database into a new generation
// and switches to it; progress, when not nil, is called after each page of
// volunteers. It returns ErrRebuildRunning when another rebuild holds the lock.
func (ix *Index) Rebuild(ctx context.Context, progress func(done, total int)) error {
	_, err := ix.build(ctx, progress, false)
	return err
}

// CheckAndRepair builds a fresh generation from the database, compares it
// with the current one and switches to it. drift is the number of
// volunteers whose entries differed (all of them when there was no index),
// leaving out those changed while it ran. The jobs schedule it nightly.
func (ix *Index) CheckAndRepair(ctx context.Context) (drift int, err error) {
	return ix.build(ctx, nil, true)
}

// switchScript makes the new generation current if this rebuild still
// holds the lock (the lease's token), releases it and returns the old
// generation.
var (
	switchScript = redis.NewScript(`
if redis.call('GET', KEYS[2]) ~= ARGV[1] then return {0} end
local old = redis.call('GET', KEYS[1]) or ''
redis.call('SET', KEYS[1], ARGV[2])
redis.call('DEL', KEYS[2])
return {1, old}`)
)

var errLockLost = errors.New("availability: the rebuild lost its lock (Redis flushed or the lease ran out)")

func (ix *Index) build(ctx context.Context, progress func(done, total int), compare bool) (drift int, err error) {
	ix.rebuildMu.Lock()
	defer ix.rebuildMu.Unlock()
	began := time.Now()
	gen := strconv.FormatInt(time.Now().UnixNano(), 36)
	lock, ok, err := lease.Acquire(ctx, ix.rdb, ix.lockKey(), ix.opts.LockTTL)
	if err != nil {
		return 0, fmt.Errorf("availability: rebuild lock: %w", err)
	}
	if !ok {
		return 0, ErrRebuildRunning
	}
	ctx, cancel := context.WithCancelCause(ctx)
	stopKeeping := lock.Keep(ctx, ix.opts.LockTTL, func(error) { cancel(errLockLost) })
	switched := false
	defer func() {
		cancel(nil)
		stopKeeping()
		if !switched {
			// Best effort, on a fresh context: the build's may be cancelled.
			bg, stop := context.WithTimeout(context.Background(), 30*time.Second)
			defer stop()
			lock.Release(bg)
			ix.deleteGeneration(bg, gen)
		}
		if err != nil && context.Cause(ctx) == errLockLost {
			err = errLockLost
		}
	}()

	// Updates from here on are recorded in the dirty set; the ones before
	// committed before the reads below, which therefore see them.
	if err := ix.rdb.Del(ctx, ix.dirtyKey()).Err(); err != nil {
		return 0, fmt.Errorf("availability: rebuild: %w", err)
	}
	if err := ix.rdb.SAdd(ctx, ix.gensKey(), gen).Err(); err != nil {
		return 0, fmt.Errorf("availability: rebuild: %w", err)
	}
	cur, err := ix.rdb.Get(ctx, ix.genKey()).Result()
	if err != nil && !errors.Is(err, redis.Nil) {
		return 0, fmt.Errorf("availability: rebuild: %w", err)
	}
	if err := ix.dropGenerations(ctx, cur, gen); err != nil {
		return 0, err
	}

	b := newBuilder(ix)
	total, err := ix.store.CountVolunteers(ctx)
	if err != nil {
		return 0, err
	}
	var after int64
	for done := 0; ; {
		page, err := ix.store.VolunteersForIndex(ctx, konullu.IndexFilter{AfterID: after, Limit: ix.opts.PageSize, Since: ix.since()})
		if err != nil {
			return 0, err
		}
		if len(page) == 0 {
			break
		}
		for _, v := range page {
			b.add(v)
		}
		after = page[len(page)-1].ID
		done += len(page)
		if progress != nil {
			progress(done, max(total, done))
		}
	}
	if err := b.write(ctx, gen); err != nil {
		return 0, err
	}
	if compare {
		if cur == "" {
			drift = b.volunteers
		} else if drift, err = ix.compare(ctx, cur, gen); err != nil {
			return 0, err
		}
	}

	res, err := switchScript.Run(ctx, ix.rdb, []string{ix.genKey(), ix.lockKey()}, lock.Token(), gen).Slice()
	if err != nil {
		return 0, fmt.Errorf("availability: switch generation: %w", err)
	}
	if n, _ := res[0].(int64); n != 1 {
		return 0, errLockLost
	}
	switched = true
	old, _ := res[1].(string)
	ix.mu.Lock()
	ix.zones = b.zones
	ix.mu.Unlock()

	// Replay what changed while we read. The lock is released, so these
	// updates write to the new generation without being recorded again.
	if err := ix.drain(ctx); err != nil {
		return drift, err
	}
	if old != "" && old != gen {
		if err := ix.deleteGeneration(ctx, old); err != nil {
			ix.log.Warn("could not delete the old availability generation", "generation", old, "err", err)
		}
	}
	ix.stale.Lock()
	if !ix.staleSince.IsZero() && ix.staleSince.Before(began) {
		ix.staleSince = time.Time{}
	}
	ix.stale.Unlock()
	ix.log.Info("availability index built", "generation", gen, "volunteers", b.volunteers,
		"keys", b.keys, "took", time.Since(began).Round(time.Millisecond).String(), "drift", drift)
	return drift, nil
}

// drain applies the updates recorded during a rebuild.
func (ix *Index) drain(ctx context.Context) error {
	for {
		items, err := ix.rdb.SPopN(ctx, ix.dirtyKey(), 100).Result()
		if err != nil && !errors.Is(err, redis.Nil) {
			return fmt.Errorf("availability: replay updates: %w", err)
		}
		if len(items) == 0 {
			return nil
		}
		for _, it := range items {
			id, err := strconv.ParseInt(it[1:], 10, 64)
			if err != nil {
				continue
			}
			switch it[0] {
			case 'v':
				err = ix.UpdateVolunteer(ctx, id)
			case 's':
				err = ix.UpdateShift(ctx, id)
			}
			if err != nil {
				return err
			}
		}
	}
}

// builder assembles a generation in memory; write stores it with whole-key
// writes (a few thousand SETs instead of millions of SETBITs).
type builder struct {
	ix         *Index
	bitmaps    map[string][]byte         // weekly, exception-day and skill bitmaps by key suffix
	active     []byte                    // ACTIVE volunteers
	partial    map[string]map[string]any // "tz:day" → id → free slots, for exceptions that leave some
	expire     map[string]int64          // "tz:day" → when its keys may expire
	shifts     map[int64]*shiftEntry
	zones      map[string]string // zone → class
	skills     map[string]bool
	records    map[int64]map[string]any // bucket → id → record
	volunteers int
	keys       int
}

type shiftEntry struct {
	busy
	ids []any
}

func newBuilder(ix *Index) *builder {
	return &builder{ix: ix, bitmaps: map[string][]byte{}, partial: map[string]map[string]any{}, expire: map[string]int64{},
		shifts: map[int64]*shiftEntry{}, zones: map[string]string{}, skills: map[string]bool{}, records: map[int64]map[string]any{}}
}

func (b *builder) set(key string, id int64) { b.bitmaps[key] = setBit(b.bitmaps[key], id) }

func (b *builder) add(v *konullu.IndexedVolunteer) {
	b.volunteers++
	e := b.ix.entryOf(v)
	if e.active {
		b.active = setBit(b.active, v.ID)
	}
	for _, s := range e.skills {
		b.skills[s] = true
		b.set("s:"+s, v.ID)
	}
	id := strconv.FormatInt(v.ID, 10)
	if r := e.record(); r != "" {
		b.zones[e.tz] = e.class
		bk := bucketOf(v.ID)
		if b.records[bk] == nil {
			b.records[bk] = map[string]any{}
		}
		b.records[bk][id] = r
	}
	for _, w := range e.weekly {
		for s := w.from; s < w.to; s++ {
			b.set(weeklyKey(e.class, e.tz, w.weekday, s), v.ID)
		}
	}
	for _, x := range e.exceptions {
		k := e.tz + ":" + strconv.FormatInt(x.day, 10)
		b.set("xo:"+k, v.ID)
		b.expire[k] = x.expireAt
		if x.free != "" {
			if b.partial[k] == nil {
				b.partial[k] = map[string]any{}
			}
			b.partial[k][id] = x.free
		}
	}
	since := b.ix.since()
	for _, s := range v.Busy {
		if !s.EndsAt.After(since) {
			continue
		}
		se := b.shifts[s.ShiftID]
		if se == nil {
			se = &shiftEntry{busy: busyOf(s.ShiftID, s.StartsAt, s.EndsAt)}
			b.shifts[s.ShiftID] = se
		}
		se.ids = append(se.ids, v.ID)
		for d := se.start / 86400; d <= (se.end-1)/86400; d++ {
			b.set("bd:"+strconv.FormatInt(d, 10), v.ID)
		}
	}
}

// write stores the generation. The registries (zones, skills, exception
// days, shifts, record buckets) go first so that a half-written generation
// can still be found and deleted.
func (b *builder) write(ctx context.Context, gen string) error {
	ix := b.ix
	base := ix.base(gen)
	w := newBatcher(ctx, ix.rdb)
	if len(b.zones) > 0 {
		w.add(func(p redis.Pipeliner) { p.HSet(ctx, base+"zones", b.zones) })
	}
	if len(b.skills) > 0 {
		w.add(func(p redis.Pipeliner) { p.SAdd(ctx, base+"skills", anySlice(slices.Collect(maps.Keys(b.skills)))...) })
	}
	if len(b.expire) > 0 {
		w.add(func(p redis.Pipeliner) { p.SAdd(ctx, base+"xkeys", anySlice(slices.Collect(maps.Keys(b.expire)))...) })
	}
	vmax := int64(-1)
	for bk := range b.records {
		vmax = max(vmax, bk)
	}
	if vmax >= 0 {
		w.add(func(p redis.Pipeliner) { p.Set(ctx, base+"vmax", vmax, 0) })
	}
	var maxlen int64
	var members []redis.Z
	for _, s := range b.shifts {
		members = append(members, redis.Z{Score: float64(s.start), Member: strconv.FormatInt(s.id, 10) + ":" + strconv.FormatInt(s.end, 10)})
		maxlen = max(maxlen, s.end-s.start)
	}
	for len(members) > 0 {
		part := members[:min(len(members), 1000)]
		w.add(func(p redis.Pipeliner) { p.ZAdd(ctx, base+"z", part...) })
		members = members[len(part):]
	}
	if err := w.flush(); err != nil {
		return err
	}

	for k, bm := range b.bitmaps {
		w.add(func(p redis.Pipeliner) {
			p.Set(ctx, base+k, bm, 0)
			if day, ok := strings.CutPrefix(k, "xo:"); ok {
				p.ExpireAt(ctx, base+k, time.Unix(b.expire[day], 0))
			}
			if day, ok := strings.CutPrefix(k, "bd:"); ok {
				d, _ := strconv.ParseInt(day, 10, 64)
				p.ExpireAt(ctx, base+k, time.Unix((d+3)*86400, 0))
			}
		})
	}
	if len(b.active) > 0 {
		w.add(func(p redis.Pipeliner) { p.Set(ctx, base+"active", b.active, 0) })
	}
	for k, fields := range b.partial {
		w.add(func(p redis.Pipeliner) {
			p.HSet(ctx, base+"x:"+k, fields)
			p.ExpireAt(ctx, base+"x:"+k, time.Unix(b.expire[k], 0))
		})
	}
	for bk, fields := range b.records {
		w.add(func(p redis.Pipeliner) { p.HSet(ctx, base+"v:"+strconv.FormatInt(bk, 10), fields) })
	}
	for _, s := range b.shifts {
		key := base + "a:" + strconv.FormatInt(s.id, 10)
		w.add(func(p redis.Pipeliner) {
			p.SAdd(ctx, key, s.ids...)
			p.ExpireAt(ctx, key, time.Unix(s.expireAt, 0))
		})
	}
	if maxlen > 0 {
		w.add(func(p redis.Pipeliner) { p.Set(ctx, base+"maxlen", maxlen, 0) })
	}
	b.keys = len(b.bitmaps) + len(b.partial) + len(b.records) + len(b.shifts) + registryKeys
	return w.flush()
}

func anySlice[T any](in []T) []any {
	out := make([]any, len(in))
	for i, v := range in {
		out[i] = v
	}
	return out
}

// batcher sends commands in pipelines of bounded size.
type batcher struct {
	ctx  context.Context
	rdb  redis.UniversalClient
	pipe redis.Pipeliner
	n    int
	err  error
}

func newBatcher(ctx context.Context, rdb redis.UniversalClient) *batcher {
	return &batcher{ctx: ctx, rdb: rdb}
}

func (w *batcher) add(f func(redis.Pipeliner)) {
	if w.err != nil {
		return
	}
	if w.pipe == nil {
		w.pipe = w.rdb.Pipeline()
	}
	f(w.pipe)
	if w.n++; w.n >= 200 {
		w.flush()
	}
}

func (w *batcher) flush() error {
	if w.pipe != nil && w.err == nil {
		if _, err := w.pipe.Exec(w.ctx); err != nil {
			w.err = fmt.Errorf("availability: write index: %w", err)
		}
	}
	w.pipe, w.n = nil, 0
	return w.err
}

// generationKeys lists every key a generation may have, found through its
// registries (no SCAN: it would not work across a cluster's nodes).
func (ix *Index) generationKeys(ctx context.Context, gen string) ([]string, error) {
	base := ix.base(gen)
	pipe := ix.rdb.Pipeline()
	zones := pipe.HGetAll(ctx, base+"zones")
	skills := pipe.SMembers(ctx, base+"skills")
	xkeys := pipe.SMembers(ctx, base+"xkeys")
	shifts := pipe.ZRangeWithScores(ctx, base+"z", 0, -1)
	vmax := pipe.Get(ctx, base+"vmax")
	if _, err := pipe.Exec(ctx); err != nil && !errors.Is(err, redis.Nil) {
		return nil, fmt.Errorf("availability: generation keys: %w", err)
	}
	keys := []string{base + "zones", base + "skills", base + "xkeys", base + "z", base + "vmax", base + "active", base + "maxlen"}
	for _, k := range weeklyKeys(zones.Val()) {
		keys = append(keys, base+k)
	}
	for _, s := range skills.Val() {
		keys = append(keys, base+"s:"+s)
	}
	for _, x := range xkeys.Val() {
		keys = append(keys, base+"xo:"+x, base+"x:"+x)
	}
	days := map[int64]bool{}
	for _, z := range shifts.Val() {
		m, _ := z.Member.(string)
		id, end, _ := strings.Cut(m, ":")
		keys = append(keys, base+"a:"+id)
		e, _ := strconv.ParseInt(end, 10, 64)
		for d := int64(z.Score) / 86400; d <= (e-1)/86400; d++ {
			if !days[d] {
				days[d] = true
				keys = append(keys, base+"bd:"+strconv.FormatInt(d, 10))
			}
		}
	}
	if n, err := vmax.Int64(); err == nil {
		for bk := int64(0); bk <= n; bk++ {
			keys = append(keys, base+"v:"+strconv.FormatInt(bk, 10))
		}
	}
	return keys, nil
}

// registryKeys is the number of keys generationKeys lists first: those
// through which the others are found.
const registryKeys = 7

// weeklyKeys lists the weekly bitmaps the zones may have: the shared UTC
// ones and those of each zone with summer time.
func weeklyKeys(zones map[string]string) []string {
	keys := make([]string, 0, slotsPerWeek)
	for s := range slotsPerWeek {
		keys = append(keys, "u:"+strconv.Itoa(s))
	}
	for tz, class := range zones {
		if _, fixed := fixedOffset(class); fixed {
			continue
		}
		for wd := 1; wd <= 7; wd++ {
			for s := range konullu.SlotsPerDay {
				keys = append(keys, weeklyKey(class, tz, wd, s))
			}
		}
	}
	return keys
}

// deleteGeneration removes a generation's keys (UNLINK: freed in the
// background, so Redis does not pause on megabytes of bitmaps).
func (ix *Index) deleteGeneration(ctx context.Context, gen string) error {
	keys, err := ix.generationKeys(ctx, gen)
	if err != nil {
		return err
	}
	// The registries go last: they are how a half-deleted generation is found.
	rest, registries := keys[registryKeys:], keys[:registryKeys]
	w := newBatcher(ctx, ix.rdb)
	for len(rest) > 0 {
		part := rest[:min(len(rest), 500)]
		w.add(func(p redis.Pipeliner) { p.Unlink(ctx, part...) })
		rest = rest[len(part):]
	}
	if err := w.flush(); err != nil {
		return err
	}
	if err := ix.rdb.Unlink(ctx, registries...).Err(); err != nil {
		return fmt.Errorf("availability: delete generation: %w", err)
	}
	return ix.rdb.SRem(ctx, ix.gensKey(), gen).Err()
}

// dropGenerations deletes the generations left behind by rebuilds that died,
// keeping the current one and the one being built.
func (ix *Index) dropGenerations(ctx context.Context, keep ...string) error {
	gens, err := ix.rdb.SMembers(ctx, ix.gensKey()).Result()
	if err != nil {
		return fmt.Errorf("availability: generations: %w", err)
	}
	for _, g := range gens {
		if !slices.Contains(keep, g) {
			if err := ix.deleteGeneration(ctx, g); err != nil {
				return err
			}
		}
	}
	return nil
}

// compare counts the volunteers whose entries differ between two
// generations: bitmaps by XOR (ORed into one bitmap of differing
// volunteers), hashes and sets field by field. Volunteers and shifts
// changed while the rebuild ran are left out: their difference is an update
// in flight, not drift.
func (ix *Index) compare(ctx context.Context, oldGen, newGen string) (int, error) {
	ob, nb := ix.base(oldGen), ix.base(newGen)
	pipe := ix.rdb.Pipeline()
	var zones [2]*redis.MapStringStringCmd
	var regs [2][3]*redis.StringSliceCmd
	var vmax [2]*redis.StringCmd
	for i, base := range []string{ob, nb} {
		zones[i] = pipe.HGetAll(ctx, base+"zones")
		regs[i] = [3]*redis.StringSliceCmd{pipe.SMembers(ctx, base+"skills"), pipe.SMembers(ctx, base+"xkeys"), pipe.ZRange(ctx, base+"z", 0, -1)}
		vmax[i] = pipe.Get(ctx, base+"vmax")
	}
	dirty := pipe.SMembers(ctx, ix.dirtyKey())
	if _, err := pipe.Exec(ctx); err != nil && !errors.Is(err, redis.Nil) {
		return 0, fmt.Errorf("availability: compare: %w", err)
	}
	union := func(r int) []string {
		out := slices.Concat(regs[0][r].Val(), regs[1][r].Val())
		slices.Sort(out)
		return slices.Compact(out)
	}
	allZones := maps.Clone(zones[0].Val())
	maps.Copy(allZones, zones[1].Val())

	// Bitmaps: XOR per key, ORed into one bitmap of differing volunteers.
	suffixes := append(weeklyKeys(allZones), "active")
	for _, s := range union(0) {
		suffixes = append(suffixes, "s:"+s)
	}
	for _, x := range union(1) {
		suffixes = append(suffixes, "xo:"+x)
	}
	xor, diff := ix.key("tmp", "cmpx"), ix.key("tmp", "cmpdiff")
	w := newBatcher(ctx, ix.rdb)
	w.add(func(p redis.Pipeliner) { p.Del(ctx, diff) })
	for _, s := range suffixes {
		w.add(func(p redis.Pipeliner) {
			p.BitOpXor(ctx, xor, ob+s, nb+s)
			p.BitOpOr(ctx, diff, diff, xor)
		})
	}
	if err := w.flush(); err != nil {
		return 0, err
	}
	bm, err := ix.rdb.Get(ctx, diff).Result()
	if err != nil && !errors.Is(err, redis.Nil) {
		return 0, fmt.Errorf("availability: compare: %w", err)
	}
	ix.rdb.Del(ctx, xor, diff)
	drifted := map[string]bool{}
	for _, id := range bitIDs(bm) {
		drifted[strconv.FormatInt(id, 10)] = true
	}

	// Hashes, field by field: volunteer records and partial exceptions.
	var hashes []string
	v1, _ := vmax[0].Int()
	v2, _ := vmax[1].Int()
	for bk := 0; bk <= max(v1, v2); bk++ {
		hashes = append(hashes, "v:"+strconv.Itoa(bk))
	}
	for _, x := range union(1) {
		hashes = append(hashes, "x:"+x)
	}
	for _, h := range hashes {
		a, err := ix.rdb.HGetAll(ctx, ob+h).Result()
		if err != nil {
			return 0, fmt.Errorf("availability: compare: %w", err)
		}
		b, err := ix.rdb.HGetAll(ctx, nb+h).Result()
		if err != nil {
			return 0, fmt.Errorf("availability: compare: %w", err)
		}
		for id, v := range a {
			if b[id] != v {
				drifted[id] = true
			}
		}
		for id := range b {
			if _, ok := a[id]; !ok {
				drifted[id] = true
			}
		}
	}

	// Busy sets, by shift.
	ignore := map[string]bool{}
	for _, d := range dirty.Val() {
		if strings.HasPrefix(d, "v") {
			ignore[d[1:]] = true
		}
	}
	shiftIDs := map[string]bool{}
	for _, m := range union(2) {
		id, _, _ := strings.Cut(m, ":")
		shiftIDs[id] = true
	}
	for id := range shiftIDs {
		a, err := ix.rdb.SMembers(ctx, ob+"a:"+id).Result()
		if err != nil {
			return 0, fmt.Errorf("availability: compare: %w", err)
		}
		b, err := ix.rdb.SMembers(ctx, nb+"a:"+id).Result()
		if err != nil {
			return 0, fmt.Errorf("availability: compare: %w", err)
		}
		inFlight := slices.Contains(dirty.Val(), "s"+id)
		for _, v := range symmetricDifference(a, b) {
			if inFlight {
				ignore[v] = true
			}
			drifted[v] = true
		}
	}
	n := 0
	for id := range drifted {
		if !ignore[id] {
			n++
		}
	}
	return n, nil
}

func symmetricDifference(a, b []string) []string {
	var out []string
	for _, x := range a {
		if !slices.Contains(b, x) {
			out = append(out, x)
		}
	}
	for _, x := range b {
		if !slices.Contains(a, x) {
			out = append(out, x)
		}
	}
	return out
}

// MemoryUsage sums MEMORY USAGE over the keys of the current generation.
func (ix *Index) MemoryUsage(ctx context.Context) (bytes int64, keys int, err error) {
	gen, err := ix.rdb.Get(ctx, ix.genKey()).Result()
	if errors.Is(err, redis.Nil) {
		return 0, 0, ErrNotReady
	}
	if err != nil {
		return 0, 0, fmt.Errorf("availability: memory usage: %w", err)
	}
	all, err := ix.generationKeys(ctx, gen)
	if err != nil {
		return 0, 0, err
	}
	pipe := ix.rdb.Pipeline()
	cmds := make([]*redis.IntCmd, len(all))
	for i, k := range all {
		cmds[i] = pipe.MemoryUsage(ctx, k)
	}
	if _, err := pipe.Exec(ctx); err != nil && !errors.Is(err, redis.Nil) {
		return 0, 0, fmt.Errorf("availability: memory usage: %w", err)
	}
	for _, c := range cmds {
		if n, err := c.Result(); err == nil && n > 0 {
			bytes += n
			keys++
		}
	}
	return bytes, keys, nil
}
