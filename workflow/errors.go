package workflow

import (
	"errors"
	"fmt"
)

// Error codes shared by the domain and its adapters. Only the web package maps
// them to HTTP statuses; the command line prints the message.
const (
	EINVALID  = "invalid"   // the input breaks a rule; the message says which field and why
	ENOTFOUND = "not_found" // the thing asked for does not exist
	ECONFLICT = "conflict"  // the change contradicts the current state
	EINTERNAL = "internal"
)

// ErrNotFound is returned by stores for a missing row. Compare with errors.Is.
var ErrNotFound = &Error{Code: ENOTFOUND, Message: "not found"}

// Error is a domain error with a machine-readable code and a message meant for
// the person who caused it (an operator applying a group file, an animator).
type Error struct {
	Code    string
	Message string
}

func (e *Error) Error() string { return e.Message }

// Is makes errors.Is(err, ErrNotFound) true for any not-found error.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Code == e.Code && t == ErrNotFound
}

// Errorf returns an *Error with the given code.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first *Error in err's chain, EINTERNAL for
// any other error and "" for nil.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}
