package schema

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	gqlast "github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/formatter"
	gqlparse "github.com/vektah/gqlparser/v2/parser"
)

// TestAppQueriesWithinCost: every operation of the web app, with what
// @include(if: $signedIn) adds, is within the cost limit (a volunteer's list
// of a day's shifts with their places and obstacles was refused as too
// complex). Read from the app's operation files, fragments and all, so a
// field added there is counted here.
func TestAppQueriesWithinCost(t *testing.T) {
	lim, err := newLimits(SDL())
	if err != nil {
		t.Fatal(err)
	}
	files, err := filepath.Glob("../frontend/src/operations/*.graphql")
	if err != nil || len(files) == 0 {
		t.Fatalf("the app's operations: %v (%d files)", err, len(files))
	}
	var doc strings.Builder
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		doc.Write(b)
		doc.WriteString("\n")
	}
	all, err := gqlparse.ParseQuery(&gqlast.Source{Input: doc.String()})
	if err != nil {
		t.Fatal(err)
	}
	vars := map[string]any{"signedIn": true, "from": "2026-01-01T00:00:00Z", "to": "2026-01-02T00:00:00Z", "id": "x"}
	for _, o := range all.Operations {
		op := o.Name
		a, lerr := lim.check(operationDocument(t, all, op), op, vars)
		if lerr != nil {
			t.Errorf("%s (signed in): %v", op, lerr)
			continue
		}
		if a.cost > maxCost/2 {
			t.Logf("%s (signed in): cost %.0f of %d", op, a.cost, maxCost)
		}
	}
}

// operationDocument prints the operation named and the fragments it reaches,
// as the app's generated documents send them.
func operationDocument(t *testing.T, all *gqlast.QueryDocument, name string) string {
	t.Helper()
	op := all.Operations.ForName(name)
	if op == nil {
		t.Fatalf("the app has no operation %s", name)
	}
	out := &gqlast.QueryDocument{Operations: gqlast.OperationList{op}}
	seen := map[string]bool{}
	var walk func(gqlast.SelectionSet)
	walk = func(set gqlast.SelectionSet) {
		for _, sel := range set {
			switch s := sel.(type) {
			case *gqlast.Field:
				walk(s.SelectionSet)
			case *gqlast.InlineFragment:
				walk(s.SelectionSet)
			case *gqlast.FragmentSpread:
				if seen[s.Name] {
					continue
				}
				seen[s.Name] = true
				f := all.Fragments.ForName(s.Name)
				if f == nil {
					t.Fatalf("%s spreads the unknown fragment %s", name, s.Name)
				}
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
