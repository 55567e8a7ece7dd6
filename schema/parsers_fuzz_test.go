package schema

import (
	"context"
	"encoding/json"
	"log/slog"
	"slices"
	"sync"
	"testing"

	gqlerrors "github.com/graph-gophers/graphql-go/errors"
	"github.com/graph-gophers/graphql-go/introspection"
	"github.com/graph-gophers/graphql-go/trace/noop"
	"github.com/graph-gophers/graphql-go/trace/tracer"
)

// executed is what graphql-go set out to run for one document: the
// operation it chose and the top-level fields it called resolvers for.
type executed struct {
	mu       sync.Mutex
	ran      bool
	name     string
	varTypes map[string]*introspection.Type
	fields   [][2]string // type, field
}

type executedKey struct{}

// recordingTracer records what graphql-go executes and then stops every
// field before its resolver runs: the fuzz target runs nothing for real.
type recordingTracer struct{ noop.Tracer }

func (recordingTracer) TraceQuery(ctx context.Context, _, name string, _ map[string]any, varTypes map[string]*introspection.Type) (context.Context, tracer.QueryFinishFunc) {
	x := ctx.Value(executedKey{}).(*executed)
	x.mu.Lock()
	x.ran, x.name, x.varTypes = true, name, varTypes
	x.mu.Unlock()
	return ctx, func([]*gqlerrors.QueryError) {}
}

func (recordingTracer) TraceField(ctx context.Context, _, typeName, fieldName string, _ bool, _ map[string]any) (context.Context, tracer.FieldFinishFunc) {
	x := ctx.Value(executedKey{}).(*executed)
	x.mu.Lock()
	x.fields = append(x.fields, [2]string{typeName, fieldName})
	x.mu.Unlock()
	stopped, cancel := context.WithCancel(ctx)
	cancel()
	return stopped, func(*gqlerrors.QueryError) {}
}

// FuzzParsersAgree feeds the same document to both parsers: the limits
// reader (gqlparser) and graphql-go, the executor. Either the reader refuses
// it, and the handler runs nothing, or every decision taken from what the
// reader saw (cost, aliases, the mutation budget, which operation runs) holds
// for what graphql-go executes: the same operation with the same variables,
// and no top-level field the reader did not count. The tracer enforces the
// same at run time (checkedOperation); here a disagreement fails the test so
// that the reader is made to refuse such documents up front. The seed
// corpus (testdata/fuzz/FuzzParsersAgree) holds the documents the two
// parsers are known to read differently: non-ASCII names and aliases,
// fragments on Mutation, byte order marks, escapes, block strings, comments,
// several operations.
func FuzzParsersAgree(f *testing.F) {
	lim, err := newLimits(SDL())
	if err != nil {
		f.Fatal(err)
	}
	r := &root{log: slog.New(slog.DiscardHandler)}
	s, err := parseSchemaTraced(r, recordingTracer{})
	if err != nil {
		f.Fatal(err)
	}
	f.Add("mutation { ş: logout }", "", "")
	f.Add("mutation { ...M } fragment M on Mutation { logout }", "", "")
	f.Fuzz(func(t *testing.T, doc, operationName, vars string) {
		var v map[string]any
		json.Unmarshal([]byte(vars), &v)
		a, refused := lim.check(doc, operationName, v)
		x := &executed{}
		s.Exec(context.WithValue(context.Background(), executedKey{}, x), doc, operationName, v)
		if refused != nil || !x.ran {
			return // refused before execution, or graphql-go runs nothing
		}
		c := a.checked()
		if !c.admitOperation(x.name, x.varTypes) {
			vs := make([]string, 0, len(x.varTypes))
			for k := range x.varTypes {
				vs = append(vs, k)
			}
			slices.Sort(vs)
			t.Fatalf("%q (operationName %q): graphql-go runs operation %q with variables %v; the limits read %q with %v",
				doc, operationName, x.name, vs, a.opName, a.vars)
		}
		for _, fl := range x.fields {
			if !c.admitField(fl[0], fl[1]) {
				t.Fatalf("%q (operationName %q): graphql-go runs %s.%s, which the limits did not count (%s %v)",
					doc, operationName, fl[0], fl[1], a.opType, a.roots)
			}
		}
	})
}
