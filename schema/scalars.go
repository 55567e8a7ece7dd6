package schema

import (
	"regexp"
	"strconv"
	"time"
)

// dateTime is the DateTime scalar: RFC 3339 with a time-zone offset on input,
// UTC with a Z on output. Anything else, such as a bare date or a time
// without an offset, is rejected rather than guessed at.
type dateTime struct{ time.Time }

// rfc3339 is the exact shape RFC 3339 allows (section 5.6); Go's parser
// alone is more lenient (it accepts, for example, a comma before fractions).
var rfc3339 = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$`)

// ImplementsGraphQLType maps dateTime to the DateTime scalar.
func (dateTime) ImplementsGraphQLType(name string) bool { return name == "DateTime" }

// UnmarshalGraphQL parses an RFC 3339 string.
func (t *dateTime) UnmarshalGraphQL(input any) error {
	s, ok := input.(string)
	if !ok {
		return &scalarError{Type: "DateTime", Input: input, Reason: "DateTime must be an RFC 3339 string such as 2025-03-30T09:00:00Z"}
	}
	if !rfc3339.MatchString(s) {
		return &scalarError{Type: "DateTime", Input: s, Reason: "DateTime must be in RFC 3339 format with a time zone, such as 2025-03-30T09:00:00Z"}
	}
	v, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return &scalarError{Type: "DateTime", Input: s, Reason: "DateTime is not a valid point in time"}
	}
	// In UTC the year must still have four digits, or the output would not be RFC 3339 (found by FuzzDateTime).
	if y := v.UTC().Year(); y < 1 || y > 9999 {
		return &scalarError{Type: "DateTime", Input: s, Reason: "DateTime must be between the years 0001 and 9999 in UTC"}
	}
	t.Time = v.UTC()
	return nil
}

// MarshalJSON writes the time in UTC with a Z.
func (t dateTime) MarshalJSON() ([]byte, error) {
	return strconv.AppendQuote(nil, t.UTC().Format(time.RFC3339)), nil
}

// date is the Date scalar, YYYY-MM-DD; its time is 00:00 UTC of the day.
type date struct{ time.Time }

var isoDate = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)

// ImplementsGraphQLType maps date to the Date scalar.
func (date) ImplementsGraphQLType(name string) bool { return name == "Date" }

// UnmarshalGraphQL parses a YYYY-MM-DD string.
func (d *date) UnmarshalGraphQL(input any) error {
	s, ok := input.(string)
	if !ok {
		return &scalarError{Type: "Date", Input: input, Reason: "Date must be a string such as 2025-03-30"}
	}
	if !isoDate.MatchString(s) {
		return &scalarError{Type: "Date", Input: s, Reason: "Date must be in the format YYYY-MM-DD"}
	}
	v, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return &scalarError{Type: "Date", Input: s, Reason: "Date is not a valid calendar date"}
	}
	d.Time = v
	return nil
}

// MarshalJSON writes the date as YYYY-MM-DD.
func (d date) MarshalJSON() ([]byte, error) {
	return strconv.AppendQuote(nil, d.Format(time.DateOnly)), nil
}

// scalarError is a bad DateTime or Date input. graphql-go does not tell a
// scalar which argument it is decoding, so the handler finds the field by
// looking for Input among the variables and literal arguments.
type scalarError struct {
	Type   string
	Input  any // as it came: a string, or a number or boolean from JSON
	Reason string
}

func (e *scalarError) Error() string { return e.Reason }

func dateTimePtr(t *time.Time) *dateTime {
	if t == nil || t.IsZero() {
		return nil
	}
	return &dateTime{*t}
}
