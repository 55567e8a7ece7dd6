# Könüllü. Quick start: `make run` serves http://localhost:8080 with demo data,
# `make test` runs every check and test.

GO  ?= go
BIN := konullu
# The PostgreSQL server of `make test-pg` (.ci/run starts one there).
PG_URL ?= postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable

.DEFAULT_GOAL := run
.PHONY: run build frontend frontend-deps test test-go test-frontend test-pg fmt-check vet clean
.PHONY: fuzz bench-storm bench-kill bench-redis bench-postgres bench-rostering

## run: build everything and serve http://localhost:8080 on the embedded defaults with demo data
run: build
	KONULLU_DEMO=1 ./$(BIN) serve

## build: build the web app (when frontend/package.json exists) and the konullu binary
build: frontend
	$(GO) build -o $(BIN) ./server

frontend: frontend-deps
ifneq ($(wildcard frontend/package.json),)
	cd frontend && npm run build
endif

# npm ci runs only when the lock file changed since the last install.
frontend-deps:
ifneq ($(wildcard frontend/package.json),)
	@if [ ! -f frontend/node_modules/.package-lock.json ] || \
	    [ frontend/package-lock.json -nt frontend/node_modules/.package-lock.json ]; then \
		echo "cd frontend && npm ci"; cd frontend && npm ci; fi
endif

## test: gofmt check, go vet, the Go tests (test-go: SQLite, then PostgreSQL
## when KONULLU_TEST_DATABASE_URL is set), a short fuzz run, then test-frontend
## The short fuzz run goes beside the web app's tests (npm ci and the build
## mostly wait on the disk and the network); its output follows theirs.
test: fmt-check vet test-go
	@fuzzlog=$$(mktemp); echo "fuzz (beside the web app's tests): make fuzz FUZZTIME=300x"; \
	$(MAKE) --no-print-directory fuzz FUZZTIME=300x >$$fuzzlog 2>&1 & fuzzpid=$$!; \
	$(MAKE) test-frontend; webstatus=$$?; \
	wait $$fuzzpid; fuzzstatus=$$?; echo "fuzz:"; cat $$fuzzlog; rm -f $$fuzzlog; \
	[ $$webstatus -eq 0 ] && [ $$fuzzstatus -eq 0 ]

# The packages whose tests open a database: those that import store, in
# their code or their tests (storetest does). A new one is found by itself.
DB_PACKAGES = $(GO) list -test -f '{{if .ForTest}}{{.ForTest}}{{range .Deps}} {{.}}{{end}}{{end}}' ./... | \
	awk '{for (i = 2; i <= NF; i++) if ($$i == "github.com/konullu/konullu/store") { print $$1; break }}' | sort -u

## test-go: every Go test with the race detector on SQLite (the default
## database) and, at the same time, the packages that use a database again
## on the PostgreSQL server of KONULLU_TEST_DATABASE_URL when it is set.
## The PostgreSQL pass mostly waits on the server (each test makes its own
## database), so it runs beside the CPU-bound race pass, without -race: the
## race detector already ran over the same code in the first pass.
test-go:
	@pglog=$$(mktemp); pgstatus=0; pgpid=; \
	if [ -n "$$KONULLU_TEST_DATABASE_URL" ]; then \
		pkgs=$$($(DB_PACKAGES)) || exit 1; \
		echo "PostgreSQL (beside the SQLite pass): go test -count=1" $$pkgs; \
		$(GO) test -count=1 $$pkgs >$$pglog 2>&1 & pgpid=$$!; \
	else echo "KONULLU_TEST_DATABASE_URL is not set: the PostgreSQL pass is skipped"; fi; \
	echo "SQLite: go test -race -count=1 ./..."; \
	env -u KONULLU_TEST_DATABASE_URL $(GO) test -race -count=1 ./...; sqlitestatus=$$?; \
	if [ -n "$$pgpid" ]; then wait $$pgpid; pgstatus=$$?; echo "PostgreSQL pass:"; cat $$pglog; fi; \
	rm -f $$pglog; \
	[ $$sqlitestatus -eq 0 ] && [ $$pgstatus -eq 0 ]

## test-frontend: the web app's build (codegen, type check, bundle sizes) and
## unit tests (vitest), then its end-to-end tests: Debian's headless Chromium
## (apt-get install chromium) against the real server with demo data;
## screenshots go to the folder printed.
## The web app is built once for both (npm test and npm run test:e2e would
## each run codegen and the type check again). The demo data the e2e
## server needs takes a minute or more to seed on one core: it is seeded
## beside the build (`konullu seed --demo --seed 0`, what `serve` seeds),
## and the e2e servers get copies of it (KONULLU_E2E_DEMO_DB), as they get
## the server binary built once (KONULLU_E2E_SERVER).
test-frontend: frontend-deps
ifneq ($(wildcard frontend/package.json),)
	@e2e=$$(mktemp -d); trap 'rm -rf $$e2e' EXIT; \
	echo "e2e demo data (seeded beside the build): $$e2e/demo.db"; \
	( $(GO) build -o $$e2e/seed ./server && \
	  KONULLU_DATABASE_URL=sqlite:$$e2e/demo.db KONULLU_LOG_LEVEL=warn $$e2e/seed seed --demo --seed 0 ) \
	  >$$e2e/seed.log 2>&1 & seedpid=$$!; \
	(set -x; cd frontend && npm run build && npx vitest run); status=$$?; \
	wait $$seedpid; seedstatus=$$?; \
	if [ $$seedstatus -ne 0 ]; then cat $$e2e/seed.log; exit 1; fi; \
	[ $$status -eq 0 ] || exit $$status; \
	set -x; $(GO) build -o $$e2e/konullu ./server && \
	cd frontend && KONULLU_E2E_SERVER=$$e2e/konullu KONULLU_E2E_DEMO_DB=$$e2e/demo.db npm run e2e
endif

## test-pg: make test against the local PostgreSQL server (PG_URL)
test-pg:
	KONULLU_TEST_DATABASE_URL='$(PG_URL)' $(MAKE) test

fmt-check:
	@files=$$(gofmt -l $$(find . -name '*.go' -not -path '*/node_modules/*')); \
	if [ -n "$$files" ]; then echo "gofmt would change:"; echo "$$files"; exit 1; fi

vet:
	$(GO) vet ./...

clean:
	rm -f $(BIN)

# Fuzzing: every Fuzz* target of every *_fuzz_test.go, FUZZTIME each. A
# crash writes its input under the package's testdata/fuzz and fails; the
# exit status alone decides. FUZZTIME is a count of inputs (300x), not a
# duration: Go 1.26 can end a timed run with a bare "context deadline
# exceeded" and a non-zero status when the time is up (go.dev/issue/75804),
# while a counted run ends when its inputs are done.
FUZZTIME ?= 3000x

## fuzz: run each fuzz target for FUZZTIME inputs (default 3000x; make test runs 300x each)
fuzz:
	@set -e; for file in $$(find . -name '*_fuzz_test.go' -not -path './frontend/*' | sort); do \
		pkg=$$(dirname $$file); \
		for target in $$(sed -n 's/^func \(Fuzz[A-Za-z0-9_]*\)(.*/\1/p' $$file); do \
			echo "fuzz $$pkg $$target ($(FUZZTIME))"; \
			$(GO) test -run='^$$' -fuzz="^$$target\$$" -fuzztime=$(FUZZTIME) $$pkg; \
		done; \
	done

# Load and fault tests (README "Load and fault tests"): three server
# instances on loopback ports over a throwaway PostgreSQL cluster and
# redis-server started for the run; each stops by itself.

## bench-storm: the signup storm and the interactive storm, their two baselines, the invariant check
bench-storm:
	$(GO) run ./bench/storm

## bench-kill: the storm, with one instance killed (SIGKILL) halfway
bench-kill:
	$(GO) run ./bench/storm -fault kill-instance

## bench-redis: the storm, with Redis restarted halfway
bench-redis:
	$(GO) run ./bench/storm -fault restart-redis

## bench-postgres: the storm, with PostgreSQL restarted halfway
bench-postgres:
	$(GO) run ./bench/storm -fault restart-postgres

# The rostering engine on the Curtois–Qu benchmark (README "Rostering
# engine"). The instances stay outside the repository, in ../shared/rostering
# (looked for beside each parent folder too, so a git worktree finds them).
ROSTERING_DIR ?= ../shared/rostering
ROSTERING_TIME ?= 60s

## bench-rostering: instances 1–3, ROSTERING_TIME each: objective, best known and gap
bench-rostering:
	$(GO) run ./bench/rostering -all $(ROSTERING_DIR) -max 3 -time $(ROSTERING_TIME) -seed 1
