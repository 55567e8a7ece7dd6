package konullu

import (
	"context"
	"encoding/json"
	"time"
)

// The audit trail records every change made by a coordinator, staff member
// or admin: who, what (the mutation and its arguments, passwords left out),
// when, and each object it touched as it was before and after. Admins read it.

// AuditEntry is one recorded action.
type AuditEntry struct {
	ID          int64
	At          time.Time
	ActorUserID int64  // 0 once the actor's account is deleted
	ActorRoles  []Role // the roles the actor held at the time
	Action      string // the mutation, e.g. "cancelShift"
	Arguments   json.RawMessage
	Changes     []AuditChange
	RequestID   string
}

// AuditChange is one object an action touched. Before is null for an object
// the action created; After is null for one it deleted.
type AuditChange struct {
	Kind   string // GraphQL type name: Shift, Assignment, Volunteer…
	ID     int64
	Before json.RawMessage
	After  json.RawMessage
}

// AuditFilter selects audit entries, newest first.
type AuditFilter struct {
	ActorUserID int64     // 0: anyone
	Action      string    // "": any
	Kind        string    // with ObjectID: entries that touched this object
	ObjectID    int64     //
	From, To    time.Time // zero: open
	Before      int64     // keyset pagination: entries with a smaller id
	Limit       int
}

// AuditStore keeps the audit trail.
type AuditStore interface {
	RecordAudit(ctx context.Context, e *AuditEntry) error
	AuditEntries(ctx context.Context, f AuditFilter) ([]*AuditEntry, error)
}

// AuditedRole reports whether the actions of someone with these roles are audited.
func AuditedRole(roles []Role) bool {
	for _, r := range roles {
		if r == RoleCoordinator || r == RoleStaff || r == RoleAdmin {
			return true
		}
	}
	return false
}
