// Command rostering runs the roster engine on the Curtois–Qu shift
// scheduling benchmark (README "Rostering engine"): it reads an instance,
// maps it onto roster.Problem, solves it within a time budget, checks the
// roster against the benchmark's own rules with an independent checker and
// prints objective=N with the gap to the best known value.
//
//	go run ./bench/rostering -instance ../shared/rostering/Instance1.txt -time 60s -seed 1 -out roster.csv
//	go run ./bench/rostering -all ../shared/rostering -time 60s
//	go run ./bench/rostering -synthetic
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"runtime/pprof"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/konullu/konullu/roster"
)

// bestKnown are the published best objectives (../shared/rostering/README.md).
var bestKnown = map[int]int{1: 607, 2: 828, 3: 1001, 4: 1716, 5: 1143, 6: 1950, 7: 1056, 8: 1308, 9: 439, 10: 4631}

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "rostering:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("rostering", flag.ContinueOnError)
	instance := fs.String("instance", "", "one instance file (InstanceN.txt)")
	all := fs.String("all", "", "a folder: run every InstanceN.txt in it, in order")
	limit := fs.Int("max", 0, "with -all: only instances 1..max (0: all)")
	budget := fs.Duration("time", 60*time.Second, "time budget per instance (wall clock)")
	cpuBudget := fs.Duration("cputime", 0, "CPU time budget per run and core: stop when the process has used this much CPU per run (a loaded machine then takes longer, not fewer moves)")
	seed := fs.Int64("seed", 1, "random seed")
	iterations := fs.Int("iterations", 0, "move budget (0: until -time is up); with it a seed always gives the same roster")
	cycle := fs.Int("cycle", 0, "moves per annealing cycle (0: the engine's default)")
	lineOdds := fs.Int("line", 0, "one move in N re-plans whole lines (0: the engine's default, -1: never)")
	cores := fs.Int("cores", 1, "run seeds seed..seed+cores-1 at once, one per core, and keep the best roster")
	out := fs.String("out", "", "write the roster (EmployeeID,Day,ShiftID) to this file")
	verbose := fs.Bool("v", false, "print the engine's score breakdown")
	synthetic := fs.Bool("synthetic", false, "time a synthetic centre week (150 shifts, 2,000 volunteers) instead")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile to this file")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			return err
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	if *synthetic {
		return runSynthetic(ctx, stdout, *seed)
	}
	var files []string
	switch {
	case *instance != "":
		file, err := find(*instance)
		if err != nil {
			return err
		}
		files = []string{file}
	case *all != "":
		dir, err := FindDir(*all)
		if err != nil {
			return err
		}
		files, err = instanceFiles(dir)
		if err != nil {
			return err
		}
		if *limit > 0 {
			var keep []string
			for _, f := range files {
				if n := instanceNumber(f); n >= 1 && n <= *limit {
					keep = append(keep, f)
				}
			}
			files = keep
		}
	default:
		return errors.New("give -instance FILE, -all DIR or -synthetic")
	}
	failed := false
	for _, f := range files {
		opt := roster.Options{Seed: *seed, Iterations: *iterations, Cycle: *cycle, LineOdds: *lineOdds}
		res, err := solveFile(ctx, f, *budget, *cpuBudget, opt, max(*cores, 1), *out)
		if err != nil {
			return err
		}
		if *verbose {
			for _, c := range res.breakdown {
				fmt.Fprintf(stdout, "  %s: %d, cost %g\n", c.Name, c.Matches, c.Cost)
			}
		}
		n := instanceNumber(f)
		line := fmt.Sprintf("%s: feasible=%t time=%s cpu=%s seed=%d iterations=%d moves/cpu_s=%.0f", filepath.Base(f), res.feasible,
			res.elapsed.Round(time.Millisecond), res.cpu.Round(time.Millisecond), res.seed, res.iterations, float64(res.iterations)/res.cpu.Seconds())
		if *cores > 1 {
			line += fmt.Sprintf(" cores=%d seeds=%v", *cores, res.all)
		}
		if best, ok := bestKnown[n]; ok {
			line += fmt.Sprintf(" best_known=%d gap=%.1f%%", best, 100*float64(res.objective-best)/float64(best))
		}
		fmt.Fprintln(stdout, line)
		for _, v := range res.violations {
			fmt.Fprintln(stdout, "  violation:", v)
		}
		if !res.feasible {
			failed = true
		}
		fmt.Fprintf(stdout, "objective=%d\n", res.objective)
	}
	if failed {
		return errors.New("a roster broke a hard rule")
	}
	return nil
}

type result struct {
	seed       int64
	cpu        time.Duration // of the whole process during the solve
	all        []int         // each seed's objective, with -cores
	objective  int
	feasible   bool
	violations []string
	elapsed    time.Duration
	iterations int
	breakdown  []roster.ConstraintScore
}

// solveFile solves file with seeds opt.Seed … opt.Seed+cores-1 at once and
// keeps the best roster (the lowest objective, then the lowest seed), so
// the answer depends only on the seed, the cores and where time stops.
func solveFile(ctx context.Context, file string, budget, cpuBudget time.Duration, opt roster.Options, cores int, out string) (*result, error) {
	fh, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	in, err := ReadInstance(filepath.Base(file), fh)
	if err != nil {
		return nil, err
	}
	type run struct {
		res    *result
		roster []RosterEntry
		err    error
	}
	runs := make([]run, cores)
	cpu0 := cpuTime()
	if cpuBudget > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithCancel(ctx)
		defer cancel()
		go func() {
			for ctx.Err() == nil && cpuTime()-cpu0 < cpuBudget*time.Duration(cores) {
				time.Sleep(20 * time.Millisecond)
			}
			cancel()
		}()
		budget = max(budget, 100*cpuBudget) // the CPU decides
	}
	var wg sync.WaitGroup
	for i := range runs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			o := opt
			o.Seed = opt.Seed + int64(i)
			start := time.Now()
			rs, plan, err := Solve(ctx, in, budget, o)
			if err != nil {
				runs[i].err = err
				return
			}
			res := &result{seed: o.Seed, elapsed: time.Since(start), iterations: plan.Iterations, breakdown: plan.Breakdown}
			res.objective, res.violations = Evaluate(in, rs)
			res.feasible = len(res.violations) == 0
			if engine := int(plan.Cost + 0.5); res.feasible && engine != res.objective {
				runs[i].err = fmt.Errorf("%s: the engine scores %d, the checker %d", file, engine, res.objective)
				return
			}
			runs[i] = run{res: res, roster: rs}
		}()
	}
	wg.Wait()
	cpu := cpuTime() - cpu0
	best := -1
	for i, r := range runs {
		if r.err != nil {
			return nil, r.err
		}
		if best < 0 || (r.res.feasible && !runs[best].res.feasible) ||
			(r.res.feasible == runs[best].res.feasible && r.res.objective < runs[best].res.objective) {
			best = i
		}
	}
	res := runs[best].res
	res.cpu = cpu
	for _, r := range runs {
		res.all = append(res.all, r.res.objective)
	}
	if cores > 1 {
		// The moves of all runs; the time is the wall time of the longest.
		res.iterations = 0
		for _, r := range runs {
			res.iterations += r.res.iterations
			res.elapsed = max(res.elapsed, r.res.elapsed)
		}
	}
	if out != "" {
		var b strings.Builder
		b.WriteString("# EmployeeID,Day,ShiftID\n")
		for _, e := range runs[best].roster {
			fmt.Fprintf(&b, "%s,%d,%s\n", e.Employee, e.Day, e.Shift)
		}
		if err := os.WriteFile(out, []byte(b.String()), 0o644); err != nil {
			return nil, err
		}
	}
	return res, nil
}

var numberRE = regexp.MustCompile(`Instance(\d+)\.txt$`)

func instanceNumber(file string) int {
	m := numberRE.FindStringSubmatch(filepath.Base(file))
	if m == nil {
		return 0
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

func instanceFiles(dir string) ([]string, error) {
	matches, err := filepath.Glob(filepath.Join(dir, "Instance*.txt"))
	if err != nil {
		return nil, err
	}
	sort.Slice(matches, func(i, j int) bool { return instanceNumber(matches[i]) < instanceNumber(matches[j]) })
	if len(matches) == 0 {
		return nil, fmt.Errorf("no Instance*.txt in %s", dir)
	}
	return matches, nil
}

// FindDir returns dir when it holds the instances (an Instance1.txt); a
// relative dir not found is looked for beside each parent of the working
// directory too, so "../shared/rostering" works from the repository and
// from a git worktree.
func FindDir(dir string) (string, error) {
	found, err := find(filepath.Join(dir, "Instance1.txt"))
	if err != nil {
		return "", fmt.Errorf("no benchmark instances in %s", dir)
	}
	return filepath.Dir(found), nil
}

// find returns path if it exists, else the first existing join of a parent
// of the working directory with a relative path (without its leading ../).
func find(path string) (string, error) {
	if _, err := os.Stat(path); err == nil || filepath.IsAbs(path) {
		return path, err
	}
	rel := filepath.Clean(path)
	for strings.HasPrefix(rel, "../") {
		rel = rel[3:]
	}
	wd, err := os.Getwd()
	for err == nil {
		if c := filepath.Join(wd, rel); fileExists(c) {
			return c, nil
		}
		parent := filepath.Dir(wd)
		if parent == wd {
			break
		}
		wd = parent
	}
	_, err = os.Stat(path)
	return path, err
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// cpuTime is the CPU time (user and system) the process has used: on a
// shared machine the moves per CPU second say what a core gives, whatever
// share of one the run got.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
