// Command screens measures the API paths behind the two busiest screens
// against the server's own floor, over three `konullu serve` processes that
// share one PostgreSQL database (and one redis-server of this program's own),
// with the demo data of 20,000 volunteers:
//
//   - floor: `{ __typename }` with the coordinator's token (the same HTTP,
//     authentication and GraphQL path as the others, no data);
//   - week calendar: CentreShifts, the calendar's operation, for the
//     coordinator's centre over a week (about 50 shifts with centre,
//     position and counts);
//   - week with names: LiveBoard over the same week, the same shifts with
//     their volunteers' names;
//   - free volunteers: AvailableVolunteers (`availableVolunteers(first: 20)`)
//     for an understaffed shift of next week.
//
// The operations are read from frontend/src/operations, as the web app sends
// them. Requests go one at a time, in turns over the three instances and the
// four operations, so that the machine's load weighs on all alike; it prints
// the p50 and p90 of each, the ratio of each p50 to the floor's, and the
// database round trips per request, counted by a proxy between the
// instances and PostgreSQL (each Sync or simple Query message the server
// waits on is one).
//
//	go run ./bench/screens -db postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable
//
// It creates (and drops afterwards) a database konullu_bench_screens_….
package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/formatter"
	"github.com/vektah/gqlparser/v2/parser"

	"github.com/konullu/konullu"
	"github.com/konullu/konullu/demo"
	"github.com/konullu/konullu/store"
)

// The aims: p50 of each screen's query over the floor's p50.
const (
	aimCalendar  = 5.0
	aimAvailable = 3.0
)

func main() {
	if err := run(context.Background(), os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "screens:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, out io.Writer) error {
	began := time.Now()
	dbBase := os.Getenv("KONULLU_TEST_DATABASE_URL")
	if dbBase == "" {
		dbBase = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"
	}
	server := flag.String("db", dbBase, "PostgreSQL server to create the benchmark database on")
	volunteers := flag.Int("volunteers", 20_000, "demo volunteers to seed")
	rounds := flag.Int("rounds", 150, "timed rounds (each operation once per round, instances in turn)")
	keep := flag.Bool("keep", false, "keep the database (and print its URL)")
	reuse := flag.String("reuse", "", "a database kept by -keep: skip seeding")
	trace := flag.Bool("trace", false, "print the statements of one request of each operation")
	flag.Parse()

	root, err := os.MkdirTemp("", "konullu-screens-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(root)

	ops, err := loadOperations(filepath.Join(moduleRoot(), "frontend", "src", "operations"))
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "building the server…\n")
	bin, err := buildServer(ctx, root)
	if err != nil {
		return err
	}

	dbURL := *reuse
	if dbURL == "" {
		var drop func()
		dbURL, drop, err = createDatabase(ctx, *server)
		if err != nil {
			return err
		}
		if *keep {
			fmt.Fprintf(out, "keeping the database: -reuse '%s'\n", dbURL)
		} else {
			defer drop()
		}
		t0 := time.Now()
		if err := seed(ctx, dbURL, *volunteers); err != nil {
			return err
		}
		fmt.Fprintf(out, "seeded the demo with %d volunteers in %s\n", *volunteers, time.Since(t0).Round(time.Second))
	}

	red, err := startRedis(root)
	if err != nil {
		return err
	}
	defer red.stop()
	env := []string{"KONULLU_DATABASE_URL=" + dbURL, "KONULLU_REDIS_URL=" + red.url(), "KONULLU_JOBS=off", "KONULLU_LOG_LEVEL=warn",
		"KONULLU_RATE_LIMITS=off"}
	// The index of who is free, built before the instances serve.
	cmd := exec.CommandContext(ctx, bin, "reindex")
	cmd.Env = append(os.Environ(), env...)
	if b, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("reindex: %v\n%s", err, b)
	}

	// Three instances, each through a counting proxy of its own.
	var instances []*instance
	defer func() {
		for _, in := range instances {
			in.stop()
		}
	}()
	for i := range 3 {
		px, err := startProxy(dbURL)
		if err != nil {
			return err
		}
		defer px.close()
		in, err := startInstance(bin, root, i+1, append(slices.Clone(env), "KONULLU_DATABASE_URL="+px.url(dbURL)), px)
		if err != nil {
			return err
		}
		instances = append(instances, in)
	}

	c := &client{http: &http.Client{Timeout: 30 * time.Second}}
	token, err := c.login(instances[0].url)
	if err != nil {
		return err
	}
	c.token = token
	centreID, timezone, err := c.coordinatedCentre(instances[0].url)
	if err != nil {
		return err
	}
	loc, err := time.LoadLocation(timezone)
	if err != nil {
		return err
	}
	// This week, Monday to Monday in the centre's time zone, as the calendar asks.
	now := time.Now().In(loc)
	monday := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, loc).AddDate(0, 0, -(konullu.ISOWeekday(now) - 1))
	week := map[string]any{"centreId": centreID, "from": monday.UTC().Format(time.RFC3339), "to": monday.AddDate(0, 0, 7).UTC().Format(time.RFC3339)}
	shiftID, shifts, names, err := c.pickShift(instances[0].url, ops, centreID, monday.AddDate(0, 0, 7))
	if err != nil {
		return err
	}
	calendar := c.count(instances[0].url, ops.text("CentreShifts"), week)
	fmt.Fprintf(out, "centre %s, week of %s: %d shifts (%d names on the live board); free volunteers for shift %s\n",
		centreID, monday.Format("2006-01-02"), calendar, names, shiftID)
	_ = shifts

	type op struct {
		name   string
		query  string
		vars   map[string]any
		aim    float64
		times  []time.Duration
		trips  []int64
		answer int
	}
	list := []*op{
		{name: "{ __typename } (the floor)", query: "{ __typename }"},
		{name: "week calendar (CentreShifts)", query: ops.text("CentreShifts"), vars: week, aim: aimCalendar},
		{name: "week with names (LiveBoard)", query: ops.text("LiveBoard"), vars: week, aim: aimCalendar},
		{name: "availableVolunteers(first: 20)", query: ops.text("AvailableVolunteers"), vars: map[string]any{"shiftId": shiftID}, aim: aimAvailable},
	}
	// Warm up: connection pools, prepared statements, the page cache.
	for range 10 {
		for _, in := range instances {
			for _, o := range list {
				if _, err := c.do(in.url, o.query, o.vars); err != nil {
					return fmt.Errorf("%s: %w", o.name, err)
				}
			}
		}
	}
	for r := range *rounds {
		in := instances[r%len(instances)]
		for _, o := range list {
			before := in.proxy.trips.Load()
			t0 := time.Now()
			n, err := c.do(in.url, o.query, o.vars)
			d := time.Since(t0)
			if err != nil {
				return fmt.Errorf("%s: %w", o.name, err)
			}
			o.times = append(o.times, d)
			o.trips = append(o.trips, in.proxy.trips.Load()-before)
			o.answer = n
		}
	}
	if *trace {
		// One more request of each, with the statements it ran.
		in := instances[0]
		for _, o := range list {
			in.proxy.traced()
			in.proxy.tracing.Store(true)
			_, err := c.do(in.url, o.query, o.vars)
			in.proxy.tracing.Store(false)
			if err != nil {
				return fmt.Errorf("%s: %w", o.name, err)
			}
			stmts := in.proxy.traced()
			fmt.Fprintf(out, "\n%s: %d round trips\n", o.name, len(stmts))
			for i, s := range stmts {
				fmt.Fprintf(out, "  %2d. %s\n", i+1, oneLine(s, 220))
			}
		}
	}
	floor := percentile(list[0].times, 50)
	fmt.Fprintf(out, "\n%d rounds over 3 instances on PostgreSQL, %d volunteers (load average %s)\n", *rounds, *volunteers, loadAverage())
	fmt.Fprintf(out, "%-32s %10s %10s %8s %12s %12s %7s\n", "operation", "p50", "p90", "× floor", "round trips", "answer", "aim")
	for _, o := range list {
		p50 := percentile(o.times, 50)
		ratio := float64(p50) / float64(floor)
		aim := ""
		if o.aim > 0 {
			verdict := "met"
			if ratio > o.aim {
				verdict = "MISSED"
			}
			aim = fmt.Sprintf("≤ %.0f× %s", o.aim, verdict)
		}
		fmt.Fprintf(out, "%-32s %10s %10s %7.1f× %12d %10d B %s\n", o.name, ms(p50), ms(percentile(o.times, 90)), ratio, median(o.trips), o.answer, aim)
	}
	fmt.Fprintf(out, "wall time %s\n", time.Since(began).Round(time.Second))
	return nil
}

// --- the operations of the web app ---

type operations struct {
	doc *ast.QueryDocument
}

// loadOperations parses every .graphql file of the web app's operations.
func loadOperations(dir string) (*operations, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.graphql"))
	if err != nil || len(files) == 0 {
		return nil, fmt.Errorf("no operations in %s", dir)
	}
	var src strings.Builder
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		src.Write(b)
		src.WriteString("\n")
	}
	doc, gerr := parser.ParseQuery(&ast.Source{Input: src.String()})
	if gerr != nil {
		return nil, gerr
	}
	return &operations{doc: doc}, nil
}

// text is the operation with the fragments it uses, as one document.
func (o *operations) text(name string) string {
	op := o.doc.Operations.ForName(name)
	if op == nil {
		panic("no operation " + name)
	}
	out := &ast.QueryDocument{Operations: ast.OperationList{op}}
	seen := map[string]bool{}
	var walk func(ast.SelectionSet)
	walk = func(set ast.SelectionSet) {
		for _, s := range set {
			switch s := s.(type) {
			case *ast.Field:
				walk(s.SelectionSet)
			case *ast.InlineFragment:
				walk(s.SelectionSet)
			case *ast.FragmentSpread:
				if seen[s.Name] {
					continue
				}
				seen[s.Name] = true
				f := o.doc.Fragments.ForName(s.Name)
				out.Fragments = append(out.Fragments, f)
				walk(f.SelectionSet)
			}
		}
	}
	walk(op.SelectionSet)
	var b bytes.Buffer
	formatter.NewFormatter(&b).FormatQueryDocument(out)
	return b.String()
}

// --- the HTTP client ---

type client struct {
	http  *http.Client
	token string
}

// do sends one request and returns the size of the answer's body.
func (c *client) do(base, query string, vars map[string]any) (int, error) {
	_, n, err := c.decode(base, query, vars, nil)
	return n, err
}

func (c *client) decode(base, query string, vars map[string]any, into any) (json.RawMessage, int, error) {
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, _ := http.NewRequest(http.MethodPost, base+"/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	res, err := c.http.Do(req)
	if err != nil {
		return nil, 0, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		return nil, 0, err
	}
	var r struct {
		Data   json.RawMessage `json:"data"`
		Errors []struct {
			Message string `json:"message"`
		} `json:"errors"`
	}
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, 0, fmt.Errorf("status %d: %s", res.StatusCode, b)
	}
	if len(r.Errors) > 0 {
		return nil, 0, fmt.Errorf("%s", r.Errors[0].Message)
	}
	if into != nil {
		if err := json.Unmarshal(r.Data, into); err != nil {
			return nil, 0, err
		}
	}
	return r.Data, len(b), nil
}

func (c *client) login(base string) (string, error) {
	var d struct {
		Login struct{ Token string } `json:"login"`
	}
	_, _, err := c.decode(base, `mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }`,
		map[string]any{"e": "coordinator@" + demo.Domain, "p": demo.Password}, &d)
	return d.Login.Token, err
}

func (c *client) coordinatedCentre(base string) (string, string, error) {
	var d struct {
		Me struct {
			CoordinatedCentres []struct{ ID, Timezone string } `json:"coordinatedCentres"`
		} `json:"me"`
	}
	if _, _, err := c.decode(base, `{ me { coordinatedCentres { id timezone } } }`, nil, &d); err != nil {
		return "", "", err
	}
	if len(d.Me.CoordinatedCentres) == 0 {
		return "", "", errors.New("the demo coordinator coordinates no centre")
	}
	cc := d.Me.CoordinatedCentres[0]
	return cc.ID, cc.Timezone, nil
}

// pickShift returns an understaffed published shift of the week from, and
// how many shifts and volunteers' names the week's live board has.
func (c *client) pickShift(base string, ops *operations, centreID string, from time.Time) (string, int, int, error) {
	var d struct {
		Shifts struct {
			Edges []struct {
				Node struct {
					ID             string
					Capacity       int
					ConfirmedCount int
					Assignments    []struct{ Volunteer struct{ FullName string } }
				}
			}
		}
	}
	vars := map[string]any{"centreId": centreID, "from": from.UTC().Format(time.RFC3339), "to": from.AddDate(0, 0, 7).UTC().Format(time.RFC3339)}
	if _, _, err := c.decode(base, ops.text("LiveBoard"), vars, &d); err != nil {
		return "", 0, 0, err
	}
	names := 0
	pick := ""
	for _, e := range d.Shifts.Edges {
		names += len(e.Node.Assignments)
		if pick == "" && e.Node.ConfirmedCount < e.Node.Capacity {
			pick = e.Node.ID
		}
	}
	if pick == "" {
		return "", 0, 0, errors.New("no understaffed shift next week")
	}
	return pick, len(d.Shifts.Edges), names, nil
}

// count is the number of shifts a CentreShifts answer holds.
func (c *client) count(base, query string, vars map[string]any) int {
	var d struct {
		Shifts struct{ TotalCount int } `json:"shifts"`
	}
	c.decode(base, query, vars, &d)
	return d.Shifts.TotalCount
}

// --- the database ---

func createDatabase(ctx context.Context, base string) (string, func(), error) {
	u, err := url.Parse(base)
	if err != nil {
		return "", nil, err
	}
	admin, err := sql.Open("pgx", base)
	if err != nil {
		return "", nil, err
	}
	name := "konullu_bench_screens_" + randomHex()
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		admin.Close()
		return "", nil, fmt.Errorf("create database: %w", err)
	}
	u.Path = "/" + name
	return u.String(), func() {
		admin.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)")
		admin.Close()
	}, nil
}

func seed(ctx context.Context, dbURL string, volunteers int) error {
	db, err := store.Open(ctx, dbURL, store.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.Migrate(ctx); err != nil {
		return err
	}
	if _, err := demo.Seed(ctx, db, demo.Options{Volunteers: volunteers, Workers: 4,
		Argon2: konullu.Argon2Params{Time: 1, Memory: 64, Threads: 1}}); err != nil {
		return err
	}
	_, err = db.SQL().ExecContext(ctx, "ANALYZE")
	return err
}

// --- the counting proxy ---

// proxy relays the PostgreSQL wire protocol and counts round trips: every
// Sync (extended protocol) and Query (simple protocol) message a client
// sends is one exchange it waits on.
type proxy struct {
	ln     net.Listener
	target string
	trips  atomic.Int64
	wg     sync.WaitGroup

	// With tracing on, the statement each round trip ran (the SQL of its
	// Bind's prepared statement, or of a simple Query) is noted in order.
	tracing atomic.Bool
	mu      sync.Mutex
	trace   []string
}

// traced returns the statements noted since the last call, and forgets them.
func (p *proxy) traced() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	t := p.trace
	p.trace = nil
	return t
}

func (p *proxy) note(sql string) {
	if !p.tracing.Load() {
		return
	}
	p.mu.Lock()
	p.trace = append(p.trace, sql)
	p.mu.Unlock()
}

func startProxy(dbURL string) (*proxy, error) {
	u, err := url.Parse(dbURL)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	p := &proxy{ln: ln, target: u.Host}
	go p.accept()
	return p, nil
}

// url is dbURL with the proxy's address instead of PostgreSQL's.
func (p *proxy) url(dbURL string) string {
	u, _ := url.Parse(dbURL)
	u.Host = p.ln.Addr().String()
	return u.String()
}

func (p *proxy) close() { p.ln.Close() }

func (p *proxy) accept() {
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		go p.relay(c)
	}
}

func (p *proxy) relay(client net.Conn) {
	defer client.Close()
	server, err := net.Dial("tcp", p.target)
	if err != nil {
		return
	}
	defer server.Close()
	go func() {
		io.Copy(client, server)
		client.Close()
	}()
	// The startup message has no type byte: a length, then the rest.
	var head [4]byte
	if _, err := io.ReadFull(client, head[:]); err != nil {
		return
	}
	n := int(binary.BigEndian.Uint32(head[:]))
	rest := make([]byte, n-4)
	if _, err := io.ReadFull(client, rest); err != nil {
		return
	}
	server.Write(append(head[:], rest...))
	var msg [5]byte
	prepared := map[string]string{} // this connection's statements by name
	var pending []string            // statements bound since the last Sync
	for {
		if _, err := io.ReadFull(client, msg[:]); err != nil {
			return
		}
		size := int(binary.BigEndian.Uint32(msg[1:])) - 4
		if _, err := server.Write(msg[:]); err != nil {
			return
		}
		switch msg[0] {
		case 'P', 'B', 'Q': // Parse, Bind, Query: read the body to learn the SQL
			body := make([]byte, size)
			if _, err := io.ReadFull(client, body); err != nil {
				return
			}
			if _, err := server.Write(body); err != nil {
				return
			}
			fields := bytes.SplitN(body, []byte{0}, 3)
			switch msg[0] {
			case 'P':
				if len(fields) >= 2 {
					prepared[string(fields[0])] = string(fields[1])
				}
			case 'B':
				if len(fields) >= 2 {
					pending = append(pending, prepared[string(fields[1])])
				}
			case 'Q':
				p.trips.Add(1)
				p.note(string(fields[0]))
			}
			continue
		case 'S':
			p.trips.Add(1)
			p.note(strings.Join(pending, " ;; "))
			pending = pending[:0]
		}
		if _, err := io.CopyN(server, client, int64(size)); err != nil {
			return
		}
	}
}

// --- processes ---

type instance struct {
	n     int
	url   string
	cmd   *exec.Cmd
	proxy *proxy
}

func startInstance(bin, root string, n int, env []string, px *proxy) (*instance, error) {
	port := freePort()
	in := &instance{n: n, url: fmt.Sprintf("http://127.0.0.1:%d", port), proxy: px}
	logf, err := os.Create(filepath.Join(root, fmt.Sprintf("instance-%d.log", n)))
	if err != nil {
		return nil, err
	}
	in.cmd = exec.Command(bin, "serve")
	in.cmd.Env = append(os.Environ(), append(env, fmt.Sprintf("KONULLU_ADDR=127.0.0.1:%d", port))...)
	in.cmd.Stdout, in.cmd.Stderr = logf, logf
	if err := in.cmd.Start(); err != nil {
		return nil, err
	}
	deadline := time.Now().Add(120 * time.Second)
	for {
		res, err := http.Get(in.url + "/readyz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return in, nil
			}
		}
		if time.Now().After(deadline) {
			in.stop()
			b, _ := os.ReadFile(logf.Name())
			return nil, fmt.Errorf("instance %d did not get ready:\n%s", n, b)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func (in *instance) stop() {
	if in.cmd.Process == nil {
		return
	}
	in.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan struct{})
	go func() { in.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		in.cmd.Process.Kill()
	}
}

type redisServer struct {
	port int
	cmd  *exec.Cmd
}

func startRedis(root string) (*redisServer, error) {
	path, err := exec.LookPath("redis-server")
	if err != nil {
		return nil, errors.New("no redis-server installed (apt-get install redis-server)")
	}
	r := &redisServer{port: freePort()}
	r.cmd = exec.Command(path, "--bind", "127.0.0.1", "--port", strconv.Itoa(r.port), "--save", "", "--appendonly", "no", "--dir", root)
	if err := r.cmd.Start(); err != nil {
		return nil, err
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", r.port), 200*time.Millisecond)
		if err == nil {
			c.Close()
			return r, nil
		}
		if time.Now().After(deadline) {
			r.stop()
			return nil, errors.New("redis-server did not start")
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func (r *redisServer) stop() {
	if r.cmd.Process != nil {
		r.cmd.Process.Signal(syscall.SIGTERM)
		r.cmd.Wait()
	}
}

func (r *redisServer) url() string { return fmt.Sprintf("redis://127.0.0.1:%d/0", r.port) }

func buildServer(ctx context.Context, root string) (string, error) {
	bin := filepath.Join(root, "konullu")
	cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, "./server")
	cmd.Dir = moduleRoot()
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build: %v\n%s", err, out)
	}
	return bin, nil
}

func moduleRoot() string {
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err == nil {
		if mod := strings.TrimSpace(string(out)); mod != "" && mod != os.DevNull {
			return filepath.Dir(mod)
		}
	}
	wd, _ := os.Getwd()
	return wd
}

func freePort() int {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// --- figures ---

func percentile(ds []time.Duration, p int) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[(len(s)-1)*p/100]
}

func median(xs []int64) int64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	return s[len(s)/2]
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2f ms", float64(d.Microseconds())/1000) }

func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	return strings.Join(strings.Fields(string(b))[:3], " ")
}

// oneLine is the statement on one line, cut to n characters.
func oneLine(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > n {
		s = s[:n] + "…"
	}
	return s
}

func randomHex() string {
	b := make([]byte, 4)
	rand.Read(b)
	return hex.EncodeToString(b)
}
