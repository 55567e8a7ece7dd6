package konullu

import (
	"context"
	"time"
)

// Account controls: a user changes their password (with the current one),
// resets a forgotten one through a single-use link sent by email, or ends
// every session at once; an admin suspends and reactivates accounts and
// revokes roles. Each takes effect on the next request on every instance:
// the session lookup reads suspension, roles and coordinated centres from
// the database each time, and no instance caches them.

// PasswordResetTTL is how long a password-reset link stays valid.
const PasswordResetTTL = 30 * time.Minute

// MaxSuspensionReason bounds the reason an admin gives for a suspension.
const MaxSuspensionReason = 500

// UserFilter selects accounts for admins, ordered by email.
type UserFilter struct {
	// Search keeps accounts whose email or volunteer name contains it,
	// ignoring case. "": no filter.
	Search string
	// Suspended, when set, keeps suspended (true) or active (false) accounts.
	Suspended *bool
	// Role, when set, keeps the accounts that hold it.
	Role  Role
	Limit int
}

// AccountStore keeps what the account controls change. Errors follow Store.
type AccountStore interface {
	// PasswordHash returns the user's password hash ("" for an account
	// that cannot sign in); NOT_FOUND for an unknown user.
	PasswordHash(ctx context.Context, userID int64) (string, error)
	// SetPassword replaces the user's password hash and ends every session
	// of the user except the one whose token hash is keep (nil: all).
	SetPassword(ctx context.Context, userID int64, hash string, keep []byte) error
	// EndSessions ends every session of the user except keep (nil: all) and
	// says how many it ended.
	EndSessions(ctx context.Context, userID int64, keep []byte) (int, error)
	// CreatePasswordReset stores the hash of a new reset token of the user;
	// the user's earlier unused tokens stop working.
	CreatePasswordReset(ctx context.Context, userID int64, tokenHash []byte, expiresAt time.Time) error
	// ResetPassword consumes a reset token that is unused and not expired at
	// now, sets the password hash and ends every session of the user, all
	// in one transaction, and returns the user. UNAUTHENTICATED when the
	// token is unknown, used or expired; FORBIDDEN when the account is
	// suspended (the token is then consumed all the same).
	ResetPassword(ctx context.Context, tokenHash []byte, passwordHash string, now time.Time) (*User, error)
	// SuspendUser suspends the account and ends its sessions; CONFLICT when
	// it would leave no active admin. Suspending a suspended account keeps
	// the first suspension's time and takes the new reason.
	SuspendUser(ctx context.Context, userID int64, reason string) (*User, error)
	// ReactivateUser lifts a suspension.
	ReactivateUser(ctx context.Context, userID int64) (*User, error)
	// RevokeRole takes a role from the user. For COORDINATOR, centreIDs
	// names the centres to remove (none: all of them); the role goes with
	// the last centre. CONFLICT when it would leave no active admin.
	RevokeRole(ctx context.Context, userID int64, role Role, centreIDs []int64) (*User, error)
	// FindUsers lists accounts for admins.
	FindUsers(ctx context.Context, f UserFilter) ([]*User, error)
}
