# Könüllü. Quick start: `make run` serves http://localhost:8080 with demo data,
# `make test` runs every check and test.

GO  ?= go
BIN := konullu
# The PostgreSQL server of `make test-pg` (.ci/run starts one there).
PG_URL ?= postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable

.DEFAULT_GOAL := run
.PHONY: run build frontend test test-pg fmt-check vet clean

## run: build everything and serve http://localhost:8080 on the embedded defaults with demo data
run: build
	KONULLU_DEMO=1 ./$(BIN) serve

## build: build the web app (when frontend/package.json exists) and the konullu binary
build: frontend
	$(GO) build -o $(BIN) ./server

# npm ci runs only when the lock file changed since the last install.
frontend:
ifneq ($(wildcard frontend/package.json),)
	@if [ ! -f frontend/node_modules/.package-lock.json ] || \
	    [ frontend/package-lock.json -nt frontend/node_modules/.package-lock.json ]; then \
		echo "cd frontend && npm ci"; cd frontend && npm ci; fi
	cd frontend && npm run build
endif

## test: gofmt check, go vet and all Go tests with the race detector
## (SQLite; PostgreSQL too when KONULLU_TEST_DATABASE_URL is set)
test: fmt-check vet
	$(GO) test -race -count=1 ./...

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
