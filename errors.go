package konullu

import (
	"errors"
	"fmt"
	"time"
)

// Error codes a client can act on. Every error that leaves the API carries one of them.
const (
	EUNAUTHENTICATED = "UNAUTHENTICATED"
	EFORBIDDEN       = "FORBIDDEN"
	ENOTFOUND        = "NOT_FOUND"
	EINVALID         = "INVALID_INPUT"
	ECONFLICT        = "CONFLICT"
	EOVERLAP         = "OVERLAPPING_SHIFT"
	ESIGNUPCLOSED    = "SIGNUP_CLOSED"
	EREQUIREMENT     = "REQUIREMENT_NOT_MET"
	ERATELIMITED     = "RATE_LIMITED"
	EUNAVAILABLE     = "UNAVAILABLE"
	EINTERNAL        = "INTERNAL"
	// ETOOCOMPLEX: the request asks for more work than one request may
	// (depth, length, fields, aliases, estimated cost).
	ETOOCOMPLEX = "QUERY_TOO_COMPLEX"
)

// Error is a domain error: a code for programs, a message for people and, for
// INVALID_INPUT, the input field at fault. Any other error is INTERNAL and its
// text never reaches a client.
type Error struct {
	Code    string
	Message string
	Field   string
	// RetryAfter, for RATE_LIMITED and UNAVAILABLE, is when trying again may succeed.
	RetryAfter time.Duration
	// Extensions are further facts a client can act on (the qualifications
	// a signup lacks, say), rendered beside the code.
	Extensions map[string]any
	// Obstacle, for a refused signup, is what stood in the way; the API
	// renders its facts as extensions (obstacle, minimumAge, age, clash…).
	Obstacle *Obstacle
}

func (e *Error) Error() string {
	if e.Field != "" {
		return fmt.Sprintf("%s: %s (%s)", e.Code, e.Message, e.Field)
	}
	return fmt.Sprintf("%s: %s", e.Code, e.Message)
}

// Errorf returns a domain error with the given code.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Invalid returns an INVALID_INPUT error naming the field at fault.
func Invalid(field, format string, args ...any) *Error {
	return &Error{Code: EINVALID, Message: fmt.Sprintf(format, args...), Field: field}
}

// ErrorCode returns the code of a domain error, or INTERNAL for any other error.
func ErrorCode(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	if err == nil {
		return ""
	}
	return EINTERNAL
}

// Common errors.
var (
	ErrUnauthenticated = &Error{Code: EUNAUTHENTICATED, Message: "sign in first"}
	ErrForbidden       = &Error{Code: EFORBIDDEN, Message: "you are not allowed to do this"}
)

// NotFound says that a thing of the given kind does not exist (or is not visible).
func NotFound(kind string) *Error {
	return &Error{Code: ENOTFOUND, Message: kind + " not found"}
}
