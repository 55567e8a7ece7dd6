package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/konullu/konullu/store"
)

// CPU accounting: where the two cores went during a phase. Each part's CPU
// time (user + system) is read from /proc before and after the phase, so
// the figures say how many milliseconds of CPU one signup costs in the
// servers, in PostgreSQL, in Redis and in the load generator itself.

// clockTick is the kernel's USER_HZ (100 on every Linux this runs on).
const clockTick = 10 * time.Millisecond

type cpuParts struct {
	servers, postgres, redis, bench time.Duration
}

func (c cpuParts) sub(o cpuParts) cpuParts {
	return cpuParts{c.servers - o.servers, c.postgres - o.postgres, c.redis - o.redis, c.bench - o.bench}
}

func (c cpuParts) total() time.Duration { return c.servers + c.postgres + c.redis + c.bench }

// procCPU returns a process's CPU time; with children, also that of its
// children that have exited (PostgreSQL backends of closed connections).
func procCPU(pid int, children bool) time.Duration {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	// The command name is in parentheses and may hold spaces: fields
	// start after the last ')'.
	s := string(raw)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	if len(f) < 15 {
		return 0
	}
	// f[0] is the state (field 3): utime is field 14, stime 15, cutime 16, cstime 17.
	n := 0
	last := 13
	if children {
		last = 15
	}
	for i := 11; i <= last; i++ {
		v, _ := strconv.Atoi(f[i])
		n += v
	}
	return time.Duration(n) * clockTick
}

// parentOf returns a process's parent pid.
func parentOf(pid int) int {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	s := string(raw)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	if len(f) < 2 {
		return 0
	}
	p, _ := strconv.Atoi(f[1])
	return p
}

// postmasterPID reads the PostgreSQL cluster's main process id.
func (pg *postgres) postmasterPID() int {
	raw, err := os.ReadFile(filepath.Join(pg.dir, "postmaster.pid"))
	if err != nil {
		return 0
	}
	line, _, _ := strings.Cut(string(raw), "\n")
	pid, _ := strconv.Atoi(strings.TrimSpace(line))
	return pid
}

// sampleCPU reads every part's CPU time now.
func sampleCPU(instances []*instance, pg *postgres, rds *redisServer) cpuParts {
	var c cpuParts
	for _, in := range instances {
		if in.cmd != nil && in.cmd.Process != nil && !in.dead {
			c.servers += procCPU(in.cmd.Process.Pid, false)
		}
	}
	if pm := pg.postmasterPID(); pm != 0 {
		c.postgres += procCPU(pm, true)
		entries, _ := os.ReadDir("/proc")
		for _, e := range entries {
			if pid, err := strconv.Atoi(e.Name()); err == nil && parentOf(pid) == pm {
				c.postgres += procCPU(pid, false)
			}
		}
	}
	if rds.cmd != nil && rds.cmd.Process != nil {
		c.redis += procCPU(rds.cmd.Process.Pid, false)
	}
	c.bench = procCPU(os.Getpid(), false)
	return c
}

// cpuLine describes a phase's CPU use per request.
func cpuLine(name string, used cpuParts, wall time.Duration, requests int) string {
	if requests == 0 || wall <= 0 {
		return ""
	}
	per := func(d time.Duration) string {
		return fmt.Sprintf("%.2f", float64(d.Microseconds())/1000/float64(requests))
	}
	return fmt.Sprintf("%-12s CPU ms per request: servers %s, PostgreSQL %s, Redis %s, load generator %s; total %s (%.0f%% of %d cores over %.0f s)",
		name, per(used.servers), per(used.postgres), per(used.redis), per(used.bench), per(used.total()),
		100*used.total().Seconds()/(float64(runtime.NumCPU())*wall.Seconds()), runtime.NumCPU(), wall.Seconds())
}

// pgSessions is the number of connections PostgreSQL has accepted to the
// run's database so far: a pool that keeps closing and reopening
// connections shows here (each costs a backend process).
func pgSessions(ctx context.Context, db *store.DB) int64 {
	var n int64
	db.SQL().QueryRowContext(ctx, `SELECT sessions FROM pg_stat_database WHERE datname = current_database()`).Scan(&n)
	return n
}
