package schema

import (
	"context"
	"sync/atomic"

	gqlerrors "github.com/graph-gophers/graphql-go/errors"
	"github.com/graph-gophers/graphql-go/trace/noop"
	"github.com/graph-gophers/graphql-go/trace/tracer"
)

// operationType returns "query", "mutation" or "subscription" for the
// operation a request selects, or "" when it cannot tell (the executor then
// reports what is wrong with the document). graphql-go does not export its
// query parser, and a GET request must be refused before it executes a
// mutation, so this reads just enough of the document: the keywords and
// names between top-level definitions, skipping strings, comments and
// everything inside brackets.
func operationType(doc, operationName string) string {
	type operation struct{ typ, name string }
	var (
		ops      []operation
		depth    int
		inDef    bool // between a definition's keyword and the end of its selection set
		inBody   bool // inside the definition's selection set
		isOp     bool // the definition is an operation, not a fragment
		wantName bool // the next name, if any, names the operation
		cur      operation
	)
	endDef := func() {
		if isOp {
			ops = append(ops, cur)
		}
		inDef, inBody, isOp, wantName = false, false, false, false
	}
	for i := 0; i < len(doc); {
		c := doc[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == ',':
			i++
		case c == 0xEF && i+2 < len(doc) && doc[i+1] == 0xBB && doc[i+2] == 0xBF: // byte order mark
			i += 3
		case c == '#':
			for i < len(doc) && doc[i] != '\n' && doc[i] != '\r' {
				i++
			}
		case c == '"':
			end := skipString(doc, i)
			if end < 0 {
				return ""
			}
			i = end
			wantName = false
		case c == '{' || c == '(' || c == '[':
			if depth == 0 {
				if !inDef {
					if c != '{' {
						return ""
					}
					// A bare selection set is an anonymous query.
					inDef, isOp, cur = true, true, operation{typ: "query"}
				}
				if c == '{' {
					inBody = true
				}
			}
			depth++
			wantName = false
			i++
		case c == '}' || c == ')' || c == ']':
			depth--
			if depth < 0 {
				return ""
			}
			if depth == 0 && inBody {
				endDef()
			}
			i++
		case c == '_' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z':
			start := i
			for i < len(doc) && (doc[i] == '_' || doc[i] >= 'A' && doc[i] <= 'Z' || doc[i] >= 'a' && doc[i] <= 'z' || doc[i] >= '0' && doc[i] <= '9') {
				i++
			}
			if depth > 0 {
				continue
			}
			name := doc[start:i]
			switch {
			case !inDef:
				switch name {
				case "query", "mutation", "subscription":
					inDef, isOp, wantName, cur = true, true, true, operation{typ: name}
				case "fragment":
					inDef = true
				default:
					return "" // not an executable definition
				}
			case wantName:
				cur.name, wantName = name, false
			}
		default:
			// Punctuation ($ : ! = @ & | ...) and numbers, which only matter
			// inside brackets; they do end the place where a name may follow.
			wantName = false
			i++
		}
	}
	if depth != 0 || inDef {
		return ""
	}
	if operationName == "" {
		if len(ops) == 1 {
			return ops[0].typ
		}
		return ""
	}
	for _, op := range ops {
		if op.name == operationName {
			return op.typ
		}
	}
	return ""
}

// skipString returns the index after the string starting at doc[i], or -1
// when it does not end.
func skipString(doc string, i int) int {
	if len(doc) >= i+3 && doc[i:i+3] == `"""` {
		for j := i + 3; j+3 <= len(doc); j++ {
			if doc[j] == '\\' && len(doc) >= j+4 && doc[j+1:j+4] == `"""` {
				j += 3
				continue
			}
			if doc[j:j+3] == `"""` {
				return j + 3
			}
		}
		return -1
	}
	for j := i + 1; j < len(doc); j++ {
		switch doc[j] {
		case '\\':
			j++
		case '"':
			return j + 1
		case '\n', '\r':
			return -1
		}
	}
	return -1
}

// readOnlyGuard is a tracer that refuses to run mutation fields in a
// read-only (GET) request. It backs up operationType: graphql-go calls it
// before every resolver and skips the resolver when the returned context is
// cancelled.
type readOnlyGuard struct{ noop.Tracer }

type readOnlyState struct{ refused atomic.Bool }

func (readOnlyGuard) TraceField(ctx context.Context, label, typeName, fieldName string, trivial bool, args map[string]any) (context.Context, tracer.FieldFinishFunc) {
	if ro, ok := ctx.Value(readOnlyKey).(*readOnlyState); ok && typeName == "Mutation" {
		ro.refused.Store(true)
		ctx, cancel := context.WithCancel(ctx)
		cancel()
		return ctx, func(*gqlerrors.QueryError) {}
	}
	return ctx, func(*gqlerrors.QueryError) {}
}
