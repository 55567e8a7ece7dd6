package schema

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"slices"
	"strings"

	gqlerrors "github.com/graph-gophers/graphql-go/errors"

	"github.com/konullu/konullu"
)

// internalMessage is all a client learns of an internal error.
const internalMessage = "internal error"

// responseError is an error as it leaves the API: always with extensions.code.
type responseError struct {
	Message    string               `json:"message"`
	Locations  []gqlerrors.Location `json:"locations,omitempty"`
	Path       []any                `json:"path,omitempty"`
	Extensions map[string]any       `json:"extensions"`
}

func codeOnly(code, message string) responseError {
	return responseError{Message: message, Extensions: map[string]any{"code": code}}
}

// fromDomain renders a domain error; an INTERNAL one hides its message.
func fromDomain(e *konullu.Error) responseError {
	if e.Code == konullu.EINTERNAL || e.Code == "" {
		return codeOnly(konullu.EINTERNAL, internalMessage)
	}
	out := codeOnly(e.Code, e.Message)
	if e.Field != "" {
		out.Extensions["field"] = e.Field
	}
	for k, v := range e.Extensions {
		if _, taken := out.Extensions[k]; !taken {
			out.Extensions[k] = v
		}
	}
	if e.RetryAfter > 0 {
		out.Extensions["retryAfter"] = retrySeconds(e.RetryAfter) // seconds, as in the Retry-After header
	}
	return out
}

// convertErrors gives every error of a response its code, in one place:
//   - a resolver's *konullu.Error keeps its code, message and field;
//   - any other resolver error, and anything that went wrong while
//     executing, is INTERNAL and only the log learns why;
//   - errors about the request itself (syntax, validation, variables,
//     argument values such as a bad DateTime) are INVALID_INPUT, with the
//     variable or argument at fault as field when it can be told.
//
// requestOnly reports whether every error is of the last kind, which means
// nothing was executed.
func (h *handler) convertErrors(ctx context.Context, in []*gqlerrors.QueryError, p *params) (out []responseError, requestOnly bool) {
	requestOnly = len(in) > 0
	for _, qe := range in {
		var re responseError
		var de *konullu.Error
		switch {
		case qe.ResolverError != nil:
			requestOnly = false
			if ue := h.root.asUnavailable(qe.ResolverError); ue != nil {
				h.logInternal(ctx, qe.ResolverError, qe.Path) // the log says which part was out of reach
				re = fromDomain(ue)
			} else if errors.As(qe.ResolverError, &de) && de.Code != konullu.EINTERNAL {
				re = fromDomain(de)
				h.root.obstacleExtensions(ctx, de, re.Extensions)
				h.root.nameQualifications(ctx, re.Extensions)
			} else {
				h.logInternal(ctx, qe.ResolverError, qe.Path)
				re = codeOnly(konullu.EINTERNAL, internalMessage)
			}
			re.Path = qe.Path
		case qe.Extensions["code"] != nil: // made by panicHandler, already logged
			requestOnly = false
			re = responseError{Message: qe.Message, Path: qe.Path, Extensions: qe.Extensions}
		case len(qe.Path) > 0, errors.Is(qe.Err, context.Canceled), errors.Is(qe.Err, context.DeadlineExceeded):
			// Execution went wrong after validation (a resolver returned null
			// for a non-null field, say): our fault, not the client's.
			requestOnly = false
			h.logInternal(ctx, qe, qe.Path)
			re = codeOnly(konullu.EINTERNAL, internalMessage)
			re.Path = qe.Path
		default:
			var se *scalarError
			switch {
			case errors.As(qe.Err, &se):
				re = codeOnly(konullu.EINVALID, se.Reason)
				if f := fieldOfValue(se.Input, p); f != "" {
					re.Extensions["field"] = f
				}
			case errors.As(qe.Err, &de):
				re = fromDomain(de)
			case coercionFailure.MatchString(qe.Message):
				// graphql-go's message for a variable of the wrong type names Go
				// types; say it in GraphQL's words.
				m := coercionFailure.FindStringSubmatch(qe.Message)
				typ := graphQLTypeOf[m[2]]
				if typ == "" {
					typ = "value of this type"
				}
				re = codeOnly(konullu.EINVALID, fmt.Sprintf("%s is not a valid %s", m[1], typ))
				if f := fieldOfVariable(p, func(v any) bool { return fmt.Sprintf("%#v", v) == m[1] }); f != "" {
					re.Extensions["field"] = f
				}
			case wrongType.MatchString(qe.Message):
				// graphql-go names the Go type it got; say it in GraphQL's words.
				re = codeOnly(konullu.EINVALID, "the value is not a valid "+wrongType.FindStringSubmatch(qe.Message)[1])
			default:
				re = codeOnly(konullu.EINVALID, qe.Message)
				if f := fieldOfMessage(qe, p.Query); f != "" {
					re.Extensions["field"] = f
				}
			}
			re.Locations = qe.Locations
		}
		out = append(out, re)
	}
	return out, requestOnly
}

func (h *handler) logInternal(ctx context.Context, err error, path []any) {
	h.log.LogAttrs(ctx, slog.LevelError, "graphql request failed",
		slog.String("request_id", RequestID(ctx)), slog.Any("path", path), slog.String("error", err.Error()))
}

const namePattern = `([_A-Za-z][_0-9A-Za-z]*)`

// Messages of graphql-go's validation that name the variable or argument at fault.
var fieldPatterns = []*regexp.Regexp{
	regexp.MustCompile(`^Variable "\$?` + namePattern + `"`),                      // bad variable values; nested: the input field
	regexp.MustCompile(`argument "` + namePattern + `" of type`),                  // a required argument is missing
	regexp.MustCompile(`^Unknown argument "` + namePattern + `"`),                 // an argument that does not exist
	regexp.MustCompile(`^Field "(?:\w+\.)?` + namePattern + `" of required type`), // a required input field is missing
}

// Rules whose message does not name the argument but whose location points at its value.
var valueRules = []string{"ValuesOfCorrectTypeRule"}

var lastArgName = regexp.MustCompile(namePattern + `\s*:\s*[^:]*$`)

// fieldOfMessage finds the variable or argument a validation error is about.
func fieldOfMessage(qe *gqlerrors.QueryError, query string) string {
	for _, re := range fieldPatterns {
		if m := re.FindStringSubmatch(qe.Message); m != nil {
			return m[1]
		}
	}
	if slices.Contains(valueRules, qe.Rule) && len(qe.Locations) > 0 {
		// The value sits right after its argument or input field's name.
		before := textBefore(query, qe.Locations[0])
		if m := lastArgName.FindStringSubmatch(before); m != nil {
			return m[1]
		}
	}
	return ""
}

// textBefore returns the query text before a 1-based line and column.
func textBefore(query string, loc gqlerrors.Location) string {
	line, col := 1, 1
	for i, c := range query {
		if line == loc.Line && col == loc.Column {
			return query[:i]
		}
		if c == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
	}
	return query
}

// fieldOfValue finds where a rejected scalar came from. graphql-go does not
// tell the scalar which argument it decodes, so look for the value: first
// among the variables (the innermost key holding it, e.g. "birthDate" of
// $input), then as a literal argument in the query text.
func fieldOfValue(value any, p *params) string {
	if f := fieldOfVariable(p, func(v any) bool { return v == value }); f != "" {
		return f
	}
	s, ok := value.(string)
	if !ok {
		return ""
	}
	literal := regexp.MustCompile(namePattern + `\s*:\s*"` + regexp.QuoteMeta(s) + `"`)
	if m := literal.FindStringSubmatch(p.Query); m != nil {
		return m[1]
	}
	return ""
}

// fieldOfVariable returns the innermost key of the variables that holds a
// value matching want: the variable's name, or the input field's.
func fieldOfVariable(p *params, want func(any) bool) string {
	f, _ := findValue(p.Variables, want, "")
	return f
}

func findValue(v any, want func(any) bool, key string) (string, bool) {
	switch v := v.(type) {
	case []any:
		for _, x := range v {
			if f, ok := findValue(x, want, key); ok {
				return f, true
			}
		}
	case map[string]any:
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		slices.Sort(keys) // the same answer every time
		for _, k := range keys {
			if f, ok := findValue(v[k], want, k); ok {
				return f, true
			}
		}
	default:
		return key, key != "" && want(v)
	}
	return "", false
}

// coercionFailure is graphql-go's message for a variable of the wrong type:
// the value in Go syntax, its Go type and the Go type wanted.
var coercionFailure = regexp.MustCompile(`^could not unmarshal (.*) \(\w+\) into (\w+):`)

// wrongType is graphql-go's message for a value of the wrong shape (a list for an ID, say).
var wrongType = regexp.MustCompile(`^wrong type for ` + namePattern + `: `)

var graphQLTypeOf = map[string]string{"int32": "Int", "float64": "Float", "bool": "Boolean", "string": "String"}

// isBlankData reports whether execution produced nothing at all.
func isBlankData(data []byte) bool {
	s := strings.TrimSpace(string(data))
	return s == "" || s == "null" || s == "{}"
}
