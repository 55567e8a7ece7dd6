package konullu

import (
	"context"
	"encoding/json"
	"time"
)

// The audit trail records every mutation executed, whoever asked (anonymous
// callers of register and login included): who, what (the mutation and its
// arguments, secrets left out), when, and each object it touched as it was
// before and after. Admins read it.
//
// An entry is written before the change runs, with the outcome PENDING and
// the objects as they were, and completed after it: DONE with the objects
// as they became, or FAILED with the error's code. A change whose entry
// cannot be written does not run. An entry left PENDING tells of an action
// that was attempted and whose end is unknown (the process died meanwhile).

// AuditOutcome is how an audited action ended.
type AuditOutcome string

// Audit outcomes.
const (
	AuditPending AuditOutcome = "PENDING" // written before the action ran; not completed
	AuditDone    AuditOutcome = "DONE"    // the action succeeded
	AuditFailed  AuditOutcome = "FAILED"  // the action returned an error (ErrorCode)
)

// AuditEntry is one recorded action.
type AuditEntry struct {
	ID          int64
	At          time.Time
	ActorUserID int64  // 0 for an anonymous request, and once the actor's account is deleted
	ActorRoles  []Role // the roles the actor held at the time
	Action      string // the mutation, e.g. "cancelShift"
	Arguments   json.RawMessage
	Changes     []AuditChange
	RequestID   string
	Outcome     AuditOutcome // DONE when left empty by RecordAudit's caller
	ErrorCode   string       // of a FAILED action: the error's code, never its message
}

// AuditChange is one object an action touched. Before is null for an object
// the action created; After is null for one it deleted, and for objects of
// an entry that is not DONE (unless a failed action changed them anyway).
type AuditChange struct {
	Kind   string // GraphQL type name: Shift, Assignment, Volunteer…
	ID     int64
	Before json.RawMessage
	After  json.RawMessage
}

// AuditFilter selects audit entries, newest first.
type AuditFilter struct {
	ActorUserID int64            // 0: anyone
	Action      string           // "": any
	Kind        string           // with ObjectID: entries that touched this object
	ObjectID    int64            //
	Objects     []AuditObjectRef // entries that changed or named any of these objects (with Kind/ObjectID: either)
	From, To    time.Time        // zero: open
	Before      int64            // keyset pagination: entries with a smaller id
	Limit       int
}

// AuditObjectRef names an object of the audit trail: its GraphQL type and
// id, and the text the arguments of an action that named it hold (its
// global id), so that an entry that named it and left it as it was (the
// volunteer an assignVolunteer placed, the centres of a grantRole) is found too.
type AuditObjectRef struct {
	Kind  string
	ID    int64
	Named string // "": only entries that changed it
}

// AuditStore keeps the audit trail.
type AuditStore interface {
	// RecordAudit appends an entry with its changes and sets its ID (and At
	// when zero). An entry with an empty Outcome is recorded as DONE.
	RecordAudit(ctx context.Context, e *AuditEntry) error
	// CompleteAudit sets the outcome and error code of the entry e.ID, its
	// actor to e.ActorUserID when it had none and e names one, and
	// makes e.Changes its changes: the after state of changes it holds is
	// updated (their before state is kept), new ones are added, and ones
	// not in e.Changes are removed.
	CompleteAudit(ctx context.Context, e *AuditEntry) error
	AuditEntries(ctx context.Context, f AuditFilter) ([]*AuditEntry, error)
}
