package schema

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	gqlerrors "github.com/graph-gophers/graphql-go/errors"
	"github.com/graph-gophers/graphql-go/introspection"
	"github.com/vektah/gqlparser/v2"
	gqlast "github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	gqlparse "github.com/vektah/gqlparser/v2/parser"

	"github.com/konullu/konullu"
)

// Abuse limits of one request, checked before anything runs so that a hostile
// document is refused with QUERY_TOO_COMPLEX at once instead of costing
// time. graphql-go has no cost analysis, so the document is read here with
// gqlparser against the same SDL.
const (
	maxFields        = 1_000  // field selections, fragments expanded
	maxAliases       = 50     // fields asked for under another name
	maxCost          = 25_000 // estimated objects resolved (see cost)
	maxTokens        = 5_000  // lexical tokens of the document
	defaultListCost  = 10     // assumed length of a list without first
	maxExpansionWork = 20_000 // fields and fragment spreads visited while expanding
)

// analysis is what the limits learn of a request's document.
type analysis struct {
	opType        string // query, mutation or subscription; "" when unparsable
	label         string // operation for metrics: type:first root field
	depth         int
	fields        int
	aliases       int
	cost          float64
	rootFields    int // top-level fields: the mutations one request makes
	introspection bool

	opName    string          // the operation's name, "" when anonymous
	roots     map[string]int  // top-level fields by name (fragments expanded), meta fields left out
	vars      []string        // the operation's variables, sorted
	coords    map[string]bool // fields selected, as Type.field (the parent's name, "?" when unknown)
	locations []gqlerrors.Location
}

// limits reads documents with the schema's types.
type limits struct {
	schema *gqlast.Schema // nil: lists are only known by their first argument
}

func newLimits(sdl string) (*limits, error) {
	s, err := gqlparser.LoadSchema(&gqlast.Source{Name: "schema.graphql", Input: sdl})
	if err != nil {
		return &limits{}, err
	}
	return &limits{schema: s}, nil
}

func tooComplex(format string, args ...any) *konullu.Error {
	return &konullu.Error{Code: konullu.ETOOCOMPLEX, Message: fmt.Sprintf(format, args...)}
}

// check analyses the operation a request selects and refuses it when it is
// over a limit. It also refuses, as INVALID_INPUT, a document it cannot read
// and a request whose operation it cannot tell (operationName unknown, or
// missing among several operations): every limit, the mutation budget and
// the audit trail hold for what this reader saw, so nothing it did not see
// may run. The tracer (audit.go) checks that what graphql-go executes is
// what was read here.
func (l *limits) check(query, operationName string, vars map[string]any) (*analysis, *konullu.Error) {
	a := &analysis{label: "invalid"}
	if len(query) > maxQueryLength {
		return a, tooComplex("the query is %d bytes long; at most %d are allowed", len(query), maxQueryLength)
	}
	doc, err := gqlparse.ParseQueryWithTokenLimit(&gqlast.Source{Input: query}, maxTokens)
	if err != nil {
		if strings.Contains(err.Error(), "token limit") {
			return a, tooComplex("the query has more than %d tokens", maxTokens)
		}
		msg := err.Error()
		var ge *gqlerror.Error
		if errors.As(err, &ge) {
			msg = ge.Message
			for _, loc := range ge.Locations {
				a.locations = append(a.locations, gqlerrors.Location{Line: loc.Line, Column: loc.Column})
			}
		}
		return a, konullu.Invalid("query", "syntax error: %s", msg)
	}
	// One operation runs per request: the only one, or the one named.
	var op *gqlast.OperationDefinition
	switch {
	case len(doc.Operations) == 0:
		return a, konullu.Invalid("query", "the document holds no operation")
	case operationName != "":
		if op = doc.Operations.ForName(operationName); op == nil {
			return a, konullu.Invalid("operationName", "the document holds no operation named %q", operationName)
		}
		named := 0
		for _, o := range doc.Operations {
			if o.Name == operationName {
				named++
			}
		}
		if named > 1 {
			return a, konullu.Invalid("operationName", "the document holds %d operations named %q", named, operationName)
		}
	case len(doc.Operations) == 1:
		op = doc.Operations[0]
	default:
		return a, konullu.Invalid("operationName", "the document holds %d operations; name the one to run with operationName", len(doc.Operations))
	}
	a.opName = op.Name
	a.roots = map[string]int{}
	a.coords = map[string]bool{}
	for _, v := range op.VariableDefinitions {
		a.vars = append(a.vars, v.Variable)
	}
	slices.Sort(a.vars)
	a.opType = string(op.Operation)
	w := walker{l: l, doc: doc, op: op, vars: vars, a: a}
	var root *gqlast.Definition
	if l.schema != nil {
		switch op.Operation {
		case gqlast.Query:
			root = l.schema.Query
		case gqlast.Mutation:
			root = l.schema.Mutation
		case gqlast.Subscription:
			root = l.schema.Subscription
		}
	}
	a.label = a.opType + ":unknown"
	for _, sel := range op.SelectionSet {
		if f, ok := sel.(*gqlast.Field); ok {
			// Only names of the schema, so that metrics labels stay a fixed set.
			if root != nil && root.Fields.ForName(f.Name) != nil || f.Name == "__typename" || f.Name == "__schema" || f.Name == "__type" {
				a.label = a.opType + ":" + f.Name
			}
			break
		}
	}
	if err := w.visit(op.SelectionSet, root, 1, 1, false, true); err != nil {
		return a, err
	}
	switch {
	case a.depth > maxDepth:
		return a, tooComplex("the query nests %d levels deep; at most %d are allowed", a.depth, maxDepth)
	case a.aliases > maxAliases:
		return a, tooComplex("the query uses %d aliases; at most %d are allowed", a.aliases, maxAliases)
	case a.cost > maxCost:
		return a, tooComplex("the query would resolve about %.0f objects (lists count by their first argument, else as %d); at most %d are allowed",
			a.cost, defaultListCost, maxCost)
	}
	return a, nil
}

// walker expands an operation's selections, counting as it goes.
type walker struct {
	l     *limits
	doc   *gqlast.QueryDocument
	op    *gqlast.OperationDefinition
	vars  map[string]any
	a     *analysis
	work  int
	stack []string // fragments being expanded, against cycles
}

// visit walks a selection set of objects of type parent, at a nesting depth,
// each selection costing mult. paged says that the field above was a
// connection paged by first, so its list (edges) costs nothing more.
func (w *walker) visit(set gqlast.SelectionSet, parent *gqlast.Definition, depth int, mult float64, paged, top bool) *konullu.Error {
	for _, sel := range set {
		w.work++
		if w.work > maxExpansionWork {
			return tooComplex("the query expands to more than %d selections", maxFields)
		}
		if w.excluded(sel) {
			continue // @skip(if: true) or @include(if: false): not resolved, so not counted
		}
		switch s := sel.(type) {
		case *gqlast.Field:
			if err := w.field(s, parent, depth, mult, paged, top); err != nil {
				return err
			}
		case *gqlast.InlineFragment:
			t := parent
			if s.TypeCondition != "" && w.l.schema != nil {
				t = w.l.schema.Types[s.TypeCondition]
			}
			if err := w.visit(s.SelectionSet, t, depth, mult, paged, top); err != nil {
				return err
			}
		case *gqlast.FragmentSpread:
			f := w.doc.Fragments.ForName(s.Name)
			if f == nil || containsString(w.stack, s.Name) {
				continue // the executor reports unknown and cyclic fragments
			}
			t := parent
			if w.l.schema != nil && w.l.schema.Types[f.TypeCondition] != nil {
				t = w.l.schema.Types[f.TypeCondition]
			}
			w.stack = append(w.stack, s.Name)
			err := w.visit(f.SelectionSet, t, depth, mult, paged, top)
			w.stack = w.stack[:len(w.stack)-1]
			if err != nil {
				return err
			}
		}
	}
	return nil
}

// excluded reports whether a selection is left out by @skip(if: true) or
// @include(if: false), with the if argument a literal or a variable of the
// request (a missing variable takes its default; without one the selection
// counts).
func (w *walker) excluded(sel gqlast.Selection) bool {
	var dirs gqlast.DirectiveList
	switch s := sel.(type) {
	case *gqlast.Field:
		dirs = s.Directives
	case *gqlast.InlineFragment:
		dirs = s.Directives
	case *gqlast.FragmentSpread:
		dirs = s.Directives
	}
	for _, d := range dirs {
		if d.Name != "skip" && d.Name != "include" {
			continue
		}
		arg := d.Arguments.ForName("if")
		if arg == nil || arg.Value == nil {
			continue
		}
		var v any
		switch arg.Value.Kind {
		case gqlast.BooleanValue:
			v = arg.Value.Raw == "true"
		case gqlast.Variable:
			var ok bool
			if v, ok = w.vars[arg.Value.Raw]; !ok {
				if def := w.op.VariableDefinitions.ForName(arg.Value.Raw); def != nil && def.DefaultValue != nil {
					v = def.DefaultValue.Raw == "true"
				}
			}
		}
		if b, ok := v.(bool); ok && b == (d.Name == "skip") {
			return true
		}
	}
	return false
}

func (w *walker) field(f *gqlast.Field, parent *gqlast.Definition, depth int, mult float64, paged, top bool) *konullu.Error {
	a := w.a
	a.fields++
	if a.fields > maxFields {
		return tooComplex("the query selects more than %d fields", maxFields)
	}
	if f.Alias != "" && f.Alias != f.Name {
		a.aliases++
		if a.aliases > maxAliases {
			return tooComplex("the query uses more than %d aliases", maxAliases)
		}
	}
	if top {
		a.rootFields++
		if !strings.HasPrefix(f.Name, "__") {
			a.roots[f.Name]++
		}
	}
	a.depth = max(a.depth, depth)
	if f.Name == "__schema" || f.Name == "__type" {
		a.introspection = true
		return nil // introspection is small and, outside development, for admins only
	}
	if f.Name == "__typename" {
		return nil
	}
	if parent != nil {
		a.coords[parent.Name+"."+f.Name] = true
	} else {
		a.coords["?."+f.Name] = true
	}
	a.cost += mult
	if len(f.SelectionSet) == 0 {
		return nil
	}
	var def *gqlast.FieldDefinition
	if parent != nil {
		def = parent.Fields.ForName(f.Name)
	}
	var child *gqlast.Definition
	isList := false
	if def != nil && w.l.schema != nil {
		child = w.l.schema.Types[def.Type.Name()]
		isList = def.Type.Elem != nil
	}
	first, hasFirst := w.first(f)
	next, nextPaged := mult, false
	switch {
	case hasFirst && isList:
		next *= first
	case hasFirst:
		next *= first // a connection: its edges list is this page
		nextPaged = true
	case isList && !paged:
		next *= listLength(parent, f.Name)
	}
	next = math.Min(next, math.MaxFloat32)
	return w.visit(f.SelectionSet, child, depth+1, next, nextPaged, false)
}

// assumedLengths are the lists whose length the domain bounds well below
// defaultListCost (the idea of the cost directives' @listSize(assumedSize:)).
// Each holds leaves, not lists of objects that hold lists, so an
// assumption cannot be turned into a fan-out:
//   - Shift.myObstacles: the viewer's own obstacles to one shift, one per
//     rule (obstacles.go) and in practice none or one or two;
//   - SignupObstacle.qualifications: those the position requires and the
//     viewer lacks, a handful at most.
//
// Without them a volunteer's list of a day's 100 shifts with their obstacles
// was estimated at 76,000 objects and refused.
var assumedLengths = map[string]float64{
	"Shift.myObstacles":             2,
	"SignupObstacle.qualifications": 3,
}

// listLength is the assumed length of a list field without first.
func listLength(parent *gqlast.Definition, field string) float64 {
	if parent != nil {
		if n, ok := assumedLengths[parent.Name+"."+field]; ok {
			return n
		}
	}
	return defaultListCost
}

// first returns the page size a field asks for: its first argument, capped
// at the largest page a resolver serves (resolvers refuse more), or the
// default page size when the argument is absent but declared.
func (w *walker) first(f *gqlast.Field) (float64, bool) {
	arg := f.Arguments.ForName("first")
	if arg == nil {
		return 0, false
	}
	var v any
	switch arg.Value.Kind {
	case gqlast.Variable:
		var ok bool
		if v, ok = w.vars[arg.Value.Raw]; !ok {
			if d := w.op.VariableDefinitions.ForName(arg.Value.Raw); d != nil && d.DefaultValue != nil {
				v = d.DefaultValue.Raw
			}
		}
	case gqlast.IntValue:
		v = arg.Value.Raw
	}
	n := float64(defaultPageSize)
	switch x := v.(type) {
	case float64:
		n = x
	case int:
		n = float64(x)
	case string:
		if p, err := strconv.ParseFloat(x, 64); err == nil {
			n = p
		}
	}
	return math.Max(1, math.Min(n, maxPageSize)), true
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// introspectionAllowed says whether a request may read the schema through
// introspection: admins always, everyone in development (KONULLU_DEV=1).
func (r *root) introspectionAllowed(ctx context.Context) bool {
	return r.dev || konullu.ViewerFrom(ctx).IsAdmin()
}

// checkedOperation holds execution to what the limits read: the operation
// (its name and variables) and its top-level fields. graphql-go parses the
// document again, with its own parser; where the two parsers read a
// document differently, whatever graphql-go would run that the limits did
// not count is refused instead of running unchecked, unbudgeted or unaudited.
type checkedOperation struct {
	name     string
	rootType string   // Query or Mutation
	vars     []string // the operation's variables, sorted
	mu       sync.Mutex
	left     map[string]int // top-level fields counted and not yet run
	refused  atomic.Bool    // a disagreement was found
}

func (a *analysis) checked() *checkedOperation {
	c := &checkedOperation{name: a.opName, left: a.roots, vars: a.vars}
	switch a.opType {
	case "query":
		c.rootType = "Query"
	case "mutation":
		c.rootType = "Mutation"
	}
	return c
}

type checkedKey struct{}

// errNotAsChecked refuses what graphql-go was about to run but the limits
// did not read; the document must be written plainly to run.
var errNotAsChecked = konullu.Invalid("query",
	"the server's checks read this document differently from its executor; write names in ASCII and without unusual characters")

// admitOperation tells whether graphql-go runs the operation the limits
// read: the same name and the same variables.
func (c *checkedOperation) admitOperation(name string, varTypes map[string]*introspection.Type) bool {
	vars := make([]string, 0, len(varTypes))
	for v := range varTypes {
		vars = append(vars, v)
	}
	slices.Sort(vars)
	if name != c.name || !slices.Equal(vars, c.vars) {
		c.refused.Store(true)
	}
	return !c.refused.Load()
}

// admitField tells whether a top-level field graphql-go is about to run was
// counted by the limits, and takes it from what is left. Once anything
// disagreed, nothing more is admitted.
func (c *checkedOperation) admitField(typeName, fieldName string) bool {
	if typeName != "Query" && typeName != "Mutation" || strings.HasPrefix(fieldName, "__") {
		return true // not a top-level field (no field returns Query or Mutation), or a meta field
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.refused.Load() || typeName != c.rootType || c.left[fieldName] == 0 {
		c.refused.Store(true)
		return false
	}
	c.left[fieldName]--
	return true
}
