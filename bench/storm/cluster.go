package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// The cluster of a run: a PostgreSQL server and a redis-server of its own
// (never the shared ones), and three konullu instances, all on loopback.

// freePort asks the kernel for a free loopback port.
func freePort() int {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// postgres is a throwaway PostgreSQL cluster in a temporary directory.
type postgres struct {
	bin, dir string
	port     int
	asUser   string // the server refuses to run as root: run it as this user
}

// pgBin finds the newest installed PostgreSQL's programs.
func pgBin() (string, error) {
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	if len(dirs) == 0 {
		if p, err := exec.LookPath("initdb"); err == nil {
			return filepath.Dir(p), nil
		}
		return "", errors.New("no PostgreSQL installed (apt-get install postgresql)")
	}
	sort.Slice(dirs, func(i, j int) bool {
		vi, _ := strconv.Atoi(filepath.Base(filepath.Dir(dirs[i])))
		vj, _ := strconv.Atoi(filepath.Base(filepath.Dir(dirs[j])))
		return vi < vj
	})
	return dirs[len(dirs)-1], nil
}

func startPostgres(root string) (*postgres, error) {
	bin, err := pgBin()
	if err != nil {
		return nil, err
	}
	pg := &postgres{bin: bin, dir: filepath.Join(root, "pg"), port: freePort()}
	if os.Geteuid() == 0 {
		pg.asUser = "postgres"
		if _, err := user.Lookup(pg.asUser); err != nil {
			return nil, fmt.Errorf("running as root needs a postgres user to run PostgreSQL: %w", err)
		}
	}
	if err := os.MkdirAll(pg.dir, 0o700); err != nil {
		return nil, err
	}
	if err := pg.chown(root); err != nil {
		return nil, err
	}
	if out, err := pg.run("initdb", "-D", pg.dir, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"); err != nil {
		return nil, fmt.Errorf("initdb: %v\n%s", err, out)
	}
	conf := fmt.Sprintf("listen_addresses = '127.0.0.1'\nport = %d\nunix_socket_directories = '%s'\nmax_connections = 300\nshared_buffers = 256MB\n", pg.port, pg.dir)
	f, err := os.OpenFile(filepath.Join(pg.dir, "postgresql.conf"), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		return nil, err
	}
	f.WriteString(conf)
	f.Close()
	return pg, pg.start()
}

func (pg *postgres) chown(root string) error {
	if pg.asUser == "" {
		return nil
	}
	u, _ := user.Lookup(pg.asUser)
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	os.Chmod(root, 0o755)
	return filepath.Walk(root, func(p string, _ os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		return os.Lchown(p, uid, gid)
	})
}

func (pg *postgres) run(prog string, args ...string) ([]byte, error) {
	cmd := exec.Command(filepath.Join(pg.bin, prog), args...)
	if pg.asUser != "" {
		cmd = exec.Command("runuser", append([]string{"-u", pg.asUser, "--", filepath.Join(pg.bin, prog)}, args...)...)
	}
	return cmd.CombinedOutput()
}

func (pg *postgres) start() error {
	out, err := pg.run("pg_ctl", "-D", pg.dir, "-l", filepath.Join(pg.dir, "server.log"), "-w", "-t", "60", "start")
	if err != nil {
		return fmt.Errorf("pg_ctl start: %v\n%s", err, out)
	}
	return nil
}

// stop shuts the server down fast: sessions are cut, nothing committed is lost.
func (pg *postgres) stop() error {
	out, err := pg.run("pg_ctl", "-D", pg.dir, "-m", "fast", "-w", "-t", "60", "stop")
	if err != nil {
		return fmt.Errorf("pg_ctl stop: %v\n%s", err, out)
	}
	return nil
}

func (pg *postgres) url(db string) string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/%s?sslmode=disable", pg.port, db)
}

// redisServer is a redis-server of the run, without persistence: a restart
// loses everything, which is what Könüllü must survive.
type redisServer struct {
	port int
	cmd  *exec.Cmd
	log  string
}

func startRedis(root string) (*redisServer, error) {
	r := &redisServer{port: freePort(), log: filepath.Join(root, "redis.log")}
	return r, r.start()
}

func (r *redisServer) start() error {
	path, err := exec.LookPath("redis-server")
	if err != nil {
		return errors.New("no redis-server installed (apt-get install redis-server)")
	}
	logf, err := os.OpenFile(r.log, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	r.cmd = exec.Command(path, "--bind", "127.0.0.1", "--port", strconv.Itoa(r.port), "--save", "", "--appendonly", "no")
	r.cmd.Stdout, r.cmd.Stderr = logf, logf
	if err := r.cmd.Start(); err != nil {
		return err
	}
	return waitTCP(fmt.Sprintf("127.0.0.1:%d", r.port), 10*time.Second)
}

func (r *redisServer) stop() {
	if r.cmd != nil && r.cmd.Process != nil {
		r.cmd.Process.Signal(syscall.SIGTERM)
		r.cmd.Wait()
	}
}

func (r *redisServer) url() string { return fmt.Sprintf("redis://127.0.0.1:%d/0", r.port) }

func waitTCP(addr string, within time.Duration) error {
	deadline := time.Now().Add(within)
	for {
		c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond)
		if err == nil {
			c.Close()
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s did not open within %s", addr, within)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// instance is one konullu server process.
type instance struct {
	n    int
	url  string
	cmd  *exec.Cmd
	dead bool
}

func startInstance(bin, root string, n int, env []string) (*instance, error) {
	port := freePort()
	in := &instance{n: n, url: fmt.Sprintf("http://127.0.0.1:%d", port)}
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
	deadline := time.Now().Add(90 * time.Second)
	for {
		res, err := http.Get(in.url + "/readyz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return in, nil
			}
		}
		if time.Now().After(deadline) {
			in.kill()
			return nil, fmt.Errorf("instance %d did not get ready; see %s", n, logf.Name())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// kill ends the process at once, as a crash would.
func (in *instance) kill() {
	if in.cmd.Process != nil {
		in.cmd.Process.Signal(syscall.SIGKILL)
		in.cmd.Wait()
	}
	in.dead = true
}

// stop asks the process to finish its requests and waits.
func (in *instance) stop() {
	if in.dead || in.cmd.Process == nil {
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

// buildServer builds the konullu binary of this checkout.
func buildServer(ctx context.Context, root string) (string, error) {
	bin := filepath.Join(root, "konullu")
	cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, "./server")
	cmd.Dir = moduleRoot()
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build: %v\n%s", err, out)
	}
	return bin, nil
}

// moduleRoot is the directory of go.mod, wherever the program is run from.
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
