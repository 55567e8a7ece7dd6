// Command instances measures the jobs across real server processes: three
// `konullu serve` processes share one PostgreSQL database and one Redis (a
// redis-server of its own, so that it can be stopped), all scheduling, with
// email going to an SMTP server this program runs.
//
//  1. 500 assignments due: exactly 500 reminders, each delivered once in-app;
//     a volunteer who signed up for a shift in 23 hours gets one reminder
//     in-app and one by email.
//  2. One instance is killed (SIGKILL) while it runs the reminders job:
//     the next 500 still give exactly 500.
//  3. Redis is stopped: the instances run the job without the lease, still
//     500 reminders for 500 assignments, no duplicates; when Redis returns
//     they take the lease again (one run per tick).
//  4. A coordinator cancels a shift: its volunteers are told (in-app and by
//     email), once; `konullu jobs run no-shows` turns yesterday's unattended
//     assignment into NO_SHOW.
//
// It takes a few minutes: the jobs run on the minute, in real time.
//
//	go run ./bench/instances -db postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable
package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net"
	"net/http"
	"net/mail"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/emersion/go-smtp"

	"github.com/konullu/konullu"
	"github.com/konullu/konullu/store"
)

var cheap = konullu.Argon2Params{Time: 1, Memory: 64, Threads: 1}

const password = "instances benchmark"

func main() {
	began := time.Now()
	defer func() { fmt.Printf("wall time %s\n", time.Since(began).Round(time.Second)) }()
	server := flag.String("db", "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable", "PostgreSQL server to create the database on")
	n := flag.Int("n", 500, "assignments due per scenario")
	flag.Parse()
	h := &harness{n: *n}
	err := h.run(context.Background(), *server)
	h.cleanup()
	if err != nil {
		fmt.Fprintln(os.Stderr, "instances:", err)
		os.Exit(1)
	}
}

type harness struct {
	n         int
	dir       string
	bin       string
	dbURL     string
	db        *store.DB
	sqlDB     *sql.DB
	redisCmd  *exec.Cmd
	redisURL  string
	redisPort int
	mail      *mailbox
	smtpURL   string
	procs     []*proc
	cleanups  []func()
	centre    *konullu.Centre
	position  *konullu.Position
	people    int
}

func (h *harness) cleanup() {
	for _, p := range h.procs {
		p.cmd.Process.Kill()
		p.cmd.Wait()
	}
	for i := len(h.cleanups) - 1; i >= 0; i-- {
		h.cleanups[i]()
	}
}

func (h *harness) run(ctx context.Context, server string) error {
	var err error
	if h.dir, err = os.MkdirTemp("", "konullu-instances-"); err != nil {
		return err
	}
	h.cleanups = append(h.cleanups, func() { os.RemoveAll(h.dir) })
	h.bin = filepath.Join(h.dir, "konullu")
	fmt.Println("building the server…")
	if out, err := exec.Command("go", "build", "-o", h.bin, "./server").CombinedOutput(); err != nil {
		return fmt.Errorf("go build (run from the repository root): %v\n%s", err, out)
	}
	if err := h.createDatabase(ctx, server); err != nil {
		return err
	}
	if err := h.startRedis(); err != nil {
		return err
	}
	if err := h.startSMTP(); err != nil {
		return err
	}
	if h.db, err = store.Open(ctx, h.dbURL, store.Options{Logger: slog.New(slog.DiscardHandler)}); err != nil {
		return err
	}
	h.cleanups = append(h.cleanups, func() { h.db.Close() })
	h.sqlDB = h.db.SQL()
	if err := h.db.Migrate(ctx); err != nil {
		return err
	}
	h.centre = &konullu.Centre{Name: "Bakı 1 saylı ASAN xidmət mərkəzi", City: "Bakı", Timezone: "Asia/Baku"}
	h.position = &konullu.Position{Name: "Bələdçi"}
	if err := h.db.CreateCentre(ctx, h.centre); err != nil {
		return err
	}
	if err := h.db.CreatePosition(ctx, h.position); err != nil {
		return err
	}
	hash, _ := konullu.HashPassword(password, cheap)
	if _, err := h.db.EnsureAdmin(ctx, "admin@bench.konullu.az", hash); err != nil {
		return err
	}

	// Scenario 1.
	aysel, ayselShift, err := h.ayselIn23Hours(ctx)
	if err != nil {
		return err
	}
	first, err := h.due(ctx, h.n)
	if err != nil {
		return err
	}
	for i := 0; i < 3; i++ {
		if err := h.startInstance(); err != nil {
			return err
		}
	}
	fmt.Printf("3 instances up; %d assignments due; waiting for the minute…\n", h.n)
	took1, err := h.waitReminders(first, time.Now(), 3*time.Minute)
	if err != nil {
		return err
	}
	if err := h.waitFor("aysel's emails", 2*time.Minute, func() bool { return h.mail.count(aysel) >= 2 }); err != nil {
		return err
	}
	time.Sleep(5 * time.Second) // a duplicate would arrive meanwhile
	runs, _ := h.runsPerTick()
	fmt.Printf("1. %s, all delivered %s after the tick; aysel: %d in-app reminder, emails %v; reminders runs per tick %v\n",
		h.report(first), took1, h.inApp(aysel, "REMINDER"), h.mail.subjects(aysel), runs)

	// Scenario 2: kill the instance running the job.
	second, err := h.due(ctx, h.n)
	if err != nil {
		return err
	}
	seeded := time.Now()
	killed, midRun, err := h.killRunner(3 * time.Minute)
	if err != nil {
		return err
	}
	took2, err := h.waitReminders(second, seeded, 5*time.Minute)
	if err != nil {
		return err
	}
	fmt.Printf("2. killed %s (SIGKILL) %s; %s, all delivered %s after the tick (the dead instance's lease had to expire)\n",
		killed, map[bool]string{true: "while its run was in progress", false: "after its run committed"}[midRun], h.report(second), took2)

	// Scenario 3: Redis stops.
	if err := h.startInstance(); err != nil { // back to three, while Redis is up
		return err
	}
	h.stopRedis()
	stoppedAt := time.Now()
	third, err := h.due(ctx, h.n)
	if err != nil {
		return err
	}
	seeded = time.Now()
	took3, err := h.waitReminders(third, seeded, 3*time.Minute)
	if err != nil {
		return err
	}
	without, _ := h.runsSince(stoppedAt)
	fmt.Printf("3. Redis stopped: %s, all delivered %s after the tick; reminders runs per tick without the lease %v\n", h.report(third), took3, without)
	if err := h.startRedisAgain(); err != nil {
		return err
	}
	back := time.Now()
	if err := h.waitFor("one run per tick after Redis returned", 4*time.Minute, func() bool {
		r, _ := h.runsSince(back)
		return len(r) >= 2 && r[len(r)-1] == 1
	}); err != nil {
		return err
	}
	with, _ := h.runsSince(back)
	fmt.Printf("   Redis back: runs per tick %v (the lease is used again)\n", with)

	// Scenario 4: a cancellation and a no-show.
	cancelled, err := h.cancelShift(ayselShift)
	if err != nil {
		return err
	}
	if err := h.waitFor("cancellation emails", 2*time.Minute, func() bool { return h.mail.count(aysel) >= 3 }); err != nil {
		return err
	}
	time.Sleep(3 * time.Second)
	fmt.Printf("4. cancelShift by the coordinator (%s): aysel in-app %d, emails %v\n", cancelled, h.inApp(aysel, "SHIFT_CANCELLED"), h.mail.subjects(aysel))
	status, out, err := h.noShow(ctx)
	if err != nil {
		return err
	}
	fmt.Printf("   yesterday's unattended assignment after `konullu jobs run no-shows`: %s (%s)\n", status, strings.TrimSpace(out))
	return nil
}

func (h *harness) createDatabase(ctx context.Context, server string) error {
	admin, err := sql.Open("pgx", server)
	if err != nil {
		return err
	}
	b := make([]byte, 5)
	rand.Read(b)
	name := "konullu_instances_" + hex.EncodeToString(b)
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		return fmt.Errorf("create database: %w", err)
	}
	h.cleanups = append(h.cleanups, func() {
		admin.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)")
		admin.Close()
	})
	u, _ := url.Parse(server)
	u.Path = "/" + name
	h.dbURL = u.String()
	return nil
}

func freePort() int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

func (h *harness) startRedis() error {
	h.redisPort = freePort()
	h.redisURL = fmt.Sprintf("redis://127.0.0.1:%d/0", h.redisPort)
	h.cleanups = append(h.cleanups, h.stopRedis)
	return h.startRedisAgain()
}

func (h *harness) startRedisAgain() error {
	h.redisCmd = exec.Command("redis-server", "--port", strconv.Itoa(h.redisPort), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no")
	if err := h.redisCmd.Start(); err != nil {
		return fmt.Errorf("redis-server: %w", err)
	}
	return h.waitFor("redis", 10*time.Second, func() bool {
		c, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", h.redisPort))
		if err == nil {
			c.Close()
		}
		return err == nil
	})
}

func (h *harness) stopRedis() {
	if h.redisCmd != nil && h.redisCmd.Process != nil {
		h.redisCmd.Process.Signal(syscall.SIGTERM)
		h.redisCmd.Wait()
		h.redisCmd = nil
	}
}

// proc is one server process.
type proc struct {
	cmd  *exec.Cmd
	addr string
	pid  int
}

func (h *harness) startInstance() error {
	cmd := exec.Command(h.bin, "serve")
	cmd.Env = append(os.Environ(),
		"KONULLU_ADDR=127.0.0.1:0",
		"KONULLU_DATABASE_URL="+h.dbURL,
		"KONULLU_REDIS_URL="+h.redisURL,
		"KONULLU_SMTP_URL="+h.smtpURL,
		"KONULLU_LOG_LEVEL=info",
	)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		return err
	}
	p := &proc{cmd: cmd, pid: cmd.Process.Pid}
	addrc := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			var line struct{ Msg, Addr string }
			if json.Unmarshal(sc.Bytes(), &line) == nil && line.Msg == "listening" {
				addrc <- line.Addr
			}
		}
	}()
	select {
	case p.addr = <-addrc:
	case <-time.After(60 * time.Second):
		cmd.Process.Kill()
		return errors.New("an instance did not start listening within 60s")
	}
	h.procs = append(h.procs, p)
	return nil
}

// account creates a volunteer who can sign in with password.
func (h *harness) account(ctx context.Context) (*konullu.User, error) {
	h.people++
	hash, _ := konullu.HashPassword(password, cheap)
	return h.db.CreateAccount(ctx, konullu.NewAccount{Email: fmt.Sprintf("v%d@bench.konullu.az", h.people), PasswordHash: hash,
		FullName: fmt.Sprintf("Könüllü %d", h.people), BirthDate: time.Date(2004, 5, 6, 0, 0, 0, 0, time.UTC), Status: konullu.VolunteerActive})
}

func (h *harness) shift(ctx context.Context, start time.Time, capacity int) (*konullu.Shift, error) {
	s, err := h.db.CreateShifts(ctx, konullu.NewShifts{CentreID: h.centre.ID, PositionID: h.position.ID, Capacity: capacity, Publish: true,
		Periods: []konullu.Period{{StartsAt: start, EndsAt: start.Add(4 * time.Hour)}}})
	if err != nil {
		return nil, err
	}
	return s[0], nil
}

func (h *harness) ayselIn23Hours(ctx context.Context) (string, int64, error) {
	u, err := h.account(ctx)
	if err != nil {
		return "", 0, err
	}
	s, err := h.shift(ctx, time.Now().Add(23*time.Hour), 5)
	if err != nil {
		return "", 0, err
	}
	_, err = h.db.SignUp(ctx, s.ID, u.VolunteerID, false)
	return u.Email, s.ID, err
}

// due signs n new volunteers up for shifts starting in 100 to 110 minutes:
// their 2-hour reminders are due at the next tick. It returns the assignment ids.
func (h *harness) due(ctx context.Context, n int) ([]int64, error) {
	var ids []int64
	const perShift = 10
	var s *konullu.Shift
	for i := 0; i < n; i++ {
		if i%perShift == 0 {
			var err error
			if s, err = h.shift(ctx, time.Now().Add(100*time.Minute+time.Duration(i/perShift)*10*time.Second), perShift); err != nil {
				return nil, err
			}
		}
		u, err := h.account(ctx)
		if err != nil {
			return nil, err
		}
		a, err := h.db.SignUp(ctx, s.ID, u.VolunteerID, false)
		if err != nil {
			return nil, err
		}
		ids = append(ids, a.ID)
	}
	return ids, nil
}

func (h *harness) waitFor(what string, limit time.Duration, ok func() bool) error {
	for deadline := time.Now().Add(limit); !ok(); time.Sleep(200 * time.Millisecond) {
		if time.Now().After(deadline) {
			return fmt.Errorf("timed out waiting for %s", what)
		}
	}
	return nil
}

// counts returns, for the assignments, how many reminders rows and in-app
// reminder notifications each has.
func (h *harness) counts(ids []int64) (reminders, notifications map[int64]int) {
	reminders, notifications = map[int64]int{}, map[int64]int{}
	in := make([]string, len(ids))
	for i, id := range ids {
		in[i] = strconv.FormatInt(id, 10)
	}
	list := strings.Join(in, ",")
	rows, err := h.sqlDB.Query(`SELECT assignment_id, COUNT(*) FROM reminders WHERE assignment_id IN (` + list + `) GROUP BY assignment_id`)
	if err == nil {
		for rows.Next() {
			var a int64
			var c int
			rows.Scan(&a, &c)
			reminders[a] = c
		}
		rows.Close()
	}
	rows, err = h.sqlDB.Query(`SELECT assignment_id, COUNT(*) FROM notifications WHERE kind = 'REMINDER' AND assignment_id IN (` + list + `) GROUP BY assignment_id`)
	if err == nil {
		for rows.Next() {
			var a int64
			var c int
			rows.Scan(&a, &c)
			notifications[a] = c
		}
		rows.Close()
	}
	return reminders, notifications
}

// waitReminders waits until every assignment has its in-app reminder and
// says how long after the first minute tick that was.
func (h *harness) waitReminders(ids []int64, since time.Time, limit time.Duration) (time.Duration, error) {
	tick := since.Truncate(time.Minute).Add(time.Minute)
	err := h.waitFor(fmt.Sprintf("%d reminders", len(ids)), limit, func() bool {
		_, n := h.counts(ids)
		return len(n) == len(ids)
	})
	return time.Since(tick).Round(100 * time.Millisecond), err
}

// report says how many reminders and notifications the assignments got.
func (h *harness) report(ids []int64) string {
	time.Sleep(3 * time.Second) // let a duplicate, if any, land
	r, n := h.counts(ids)
	sumR, sumN, dup := 0, 0, 0
	for _, id := range ids {
		sumR += r[id]
		sumN += n[id]
		if n[id] > 1 {
			dup++
		}
	}
	return fmt.Sprintf("%d assignments due → %d reminders, %d in-app notifications, %d assignments with duplicates", len(ids), sumR, sumN, dup)
}

func (h *harness) inApp(email, kind string) int {
	var n int
	h.sqlDB.QueryRow(`SELECT COUNT(*) FROM notifications nt JOIN users u ON u.id = nt.user_id WHERE u.email = $1 AND nt.kind = $2`, email, kind).Scan(&n)
	return n
}

// runsPerTick counts the reminders runs per minute, oldest first.
func (h *harness) runsPerTick() ([]int, error) { return h.runsSince(time.Time{}) }

func (h *harness) runsSince(t time.Time) ([]int, error) {
	rows, err := h.sqlDB.Query(`SELECT date_trunc('minute', started_at), COUNT(*) FROM job_runs WHERE job = 'reminders' AND started_at >= $1
		GROUP BY 1 ORDER BY 1`, t)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int
	for rows.Next() {
		var m time.Time
		var c int
		rows.Scan(&m, &c)
		out = append(out, c)
	}
	return out, rows.Err()
}

// killRunner waits for a reminders run to start and kills its process.
func (h *harness) killRunner(limit time.Duration) (string, bool, error) {
	since := time.Now()
	deadline := since.Add(limit)
	for time.Now().Before(deadline) {
		var id int64
		var instance string
		err := h.sqlDB.QueryRow(`SELECT id, instance FROM job_runs WHERE job = 'reminders' AND status = 'RUNNING' AND started_at >= $1 ORDER BY id DESC LIMIT 1`, since).Scan(&id, &instance)
		if err != nil {
			time.Sleep(time.Millisecond)
			continue
		}
		f := strings.Split(instance, "-")
		pid, _ := strconv.Atoi(f[len(f)-2])
		for i, p := range h.procs {
			if p.pid == pid {
				p.cmd.Process.Kill() // SIGKILL
				p.cmd.Wait()
				h.procs = append(h.procs[:i], h.procs[i+1:]...)
				var status string
				h.sqlDB.QueryRow(`SELECT status FROM job_runs WHERE id = $1`, id).Scan(&status)
				return instance, status == "RUNNING", nil
			}
		}
		return "", false, fmt.Errorf("no process with pid %d", pid)
	}
	return "", false, errors.New("no reminders run started")
}

// graphql posts to the first instance.
func (h *harness) graphql(token, query string, vars map[string]any, out any) error {
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, _ := http.NewRequest(http.MethodPost, "http://"+h.procs[0].addr+"/graphql", strings.NewReader(string(body)))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	var r struct {
		Data   json.RawMessage
		Errors []struct{ Message string }
	}
	if err := json.NewDecoder(res.Body).Decode(&r); err != nil {
		return err
	}
	if len(r.Errors) > 0 {
		return fmt.Errorf("graphql: %s", r.Errors[0].Message)
	}
	return json.Unmarshal(r.Data, out)
}

func (h *harness) cancelShift(shiftID int64) (string, error) {
	ctx := context.Background()
	coord, err := h.account(ctx)
	if err != nil {
		return "", err
	}
	if _, err := h.db.GrantRole(ctx, coord.ID, konullu.RoleCoordinator, []int64{h.centre.ID}); err != nil {
		return "", err
	}
	var login struct{ Login struct{ Token string } }
	if err := h.graphql("", `mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }`,
		map[string]any{"e": coord.Email, "p": password}, &login); err != nil {
		return "", err
	}
	gid := base64URL("Shift:" + strconv.FormatInt(shiftID, 10))
	var out struct{ CancelShift struct{ Status string } }
	err = h.graphql(login.Login.Token, `mutation($id: ID!) { cancelShift(id: $id, reason: "texniki səbəb") { status } }`, map[string]any{"id": gid}, &out)
	return out.CancelShift.Status, err
}

func (h *harness) noShow(ctx context.Context) (string, string, error) {
	u, err := h.account(ctx)
	if err != nil {
		return "", "", err
	}
	s, err := h.shift(ctx, time.Now().Add(-26*time.Hour), 3)
	if err != nil {
		return "", "", err
	}
	a, err := h.db.SignUp(ctx, s.ID, u.VolunteerID, true) // a coordinator's record of a past shift
	if err != nil {
		return "", "", err
	}
	cmd := exec.Command(h.bin, "jobs", "run", "no-shows")
	cmd.Env = append(os.Environ(), "KONULLU_DATABASE_URL="+h.dbURL, "KONULLU_REDIS_URL="+h.redisURL, "KONULLU_LOG_LEVEL=warn")
	out, err := cmd.CombinedOutput()
	if err != nil {
		return "", string(out), fmt.Errorf("jobs run no-shows: %v\n%s", err, out)
	}
	m, err := h.db.AssignmentsByIDs(ctx, []int64{a.ID})
	if err != nil {
		return "", "", err
	}
	return string(m[a.ID].Status), string(out), nil
}

func base64URL(s string) string {
	const enc = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	var b strings.Builder
	data := []byte(s)
	for i := 0; i < len(data); i += 3 {
		var n uint32
		k := min(3, len(data)-i)
		for j := 0; j < 3; j++ {
			n <<= 8
			if j < k {
				n |= uint32(data[i+j])
			}
		}
		for j := 0; j < k+1; j++ {
			b.WriteByte(enc[(n>>(18-6*j))&63])
		}
	}
	return b.String()
}

// mailbox is an SMTP server (github.com/emersion/go-smtp) that keeps the
// subjects it received by recipient.
type mailbox struct {
	mu   sync.Mutex
	got  map[string][]string
	srv  *smtp.Server
	addr string
}

func (h *harness) startSMTP() error {
	m := &mailbox{got: map[string][]string{}}
	m.srv = smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &session{m: m}, nil }))
	m.srv.Domain = "localhost"
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	go m.srv.Serve(l)
	h.cleanups = append(h.cleanups, func() { m.srv.Close() })
	h.mail = m
	h.smtpURL = "smtp://" + l.Addr().String() + "?tls=none&from=no-reply@bench.konullu.az"
	return nil
}

func (m *mailbox) count(to string) int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.got[to])
}

func (m *mailbox) subjects(to string) []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]string(nil), m.got[to]...)
}

type session struct {
	m  *mailbox
	to []string
}

func (s *session) Mail(string, *smtp.MailOptions) error { return nil }
func (s *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.to = append(s.to, to)
	return nil
}
func (s *session) Data(r io.Reader) error {
	msg, err := mail.ReadMessage(r)
	if err != nil {
		return err
	}
	io.Copy(io.Discard, msg.Body)
	subject, _ := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	s.m.mu.Lock()
	for _, to := range s.to {
		s.m.got[to] = append(s.m.got[to], subject)
	}
	s.m.mu.Unlock()
	return nil
}
func (s *session) Reset()        { s.to = nil }
func (s *session) Logout() error { return nil }
