package konullu

import (
	"context"
	"time"
)

// CentreEventKind says what happened at a centre; the live views of its
// coordinators (the week calendar, the live board) follow these.
type CentreEventKind string

// Centre event kinds.
const (
	CentreSignedUp       CentreEventKind = "SIGNED_UP"       // a volunteer got a place (or a coordinator gave one)
	CentreWaitlisted     CentreEventKind = "WAITLISTED"      // a volunteer joined a full shift's waitlist
	CentrePromoted       CentreEventKind = "PROMOTED"        // a place freed up and a waitlisted volunteer took it
	CentreWithdrawn      CentreEventKind = "WITHDRAWN"       // a volunteer left a shift or was released
	CentreCheckedIn      CentreEventKind = "CHECKED_IN"      // a volunteer arrived
	CentreCheckedOut     CentreEventKind = "CHECKED_OUT"     // a volunteer left, or attendance was recorded
	CentreNoShow         CentreEventKind = "NO_SHOW"         // a volunteer was marked absent (by hand or by the job)
	CentreShiftCreated   CentreEventKind = "SHIFT_CREATED"   // shifts were created or published
	CentreShiftCancelled CentreEventKind = "SHIFT_CANCELLED" // a shift was cancelled
	CentrePlaceOffered   CentreEventKind = "PLACE_OFFERED"   // a volunteer offered their place to others
	CentrePlaceTaken     CentreEventKind = "PLACE_TAKEN"     // another volunteer took an offered place
	// CentrePlaceOfferExpired: nobody took an offered place by the
	// withdrawal cut-off; the place stays the offerer's, who may not come.
	CentrePlaceOfferExpired CentreEventKind = "PLACE_OFFER_EXPIRED"
)

// CentreEventKinds lists every kind, in the order of the GraphQL enum.
var CentreEventKinds = []CentreEventKind{CentreSignedUp, CentreWaitlisted, CentrePromoted, CentreWithdrawn,
	CentreCheckedIn, CentreCheckedOut, CentreNoShow, CentreShiftCreated, CentreShiftCancelled,
	CentrePlaceOffered, CentrePlaceTaken, CentrePlaceOfferExpired}

// CentreEvent is a change at a centre, announced after it committed. It
// names things by id only: each subscriber reads them under its own viewer,
// so an event never carries what that viewer may not see.
type CentreEvent struct {
	Kind         CentreEventKind
	At           time.Time
	CentreID     int64
	ShiftID      int64
	AssignmentID int64 // 0 for events about a whole shift
}

// NotificationEvent announces an in-app notification just stored for a user.
type NotificationEvent struct {
	UserID         int64
	NotificationID int64
}

// EventPublisher tells subscribers on every instance what happened. Events
// are published after the change committed and delivered at most once: a
// live view refetches what it shows, so a lost event costs freshness, never
// truth. Publishing must not block a request for long, and its failure
// never undoes or fails the change it announces.
type EventPublisher interface {
	PublishCentreEvent(ctx context.Context, e CentreEvent) error
	PublishNotification(ctx context.Context, n NotificationEvent) error
	// PublishAccountChange says a user's sessions, roles or suspension
	// changed: their open subscriptions check their rights again.
	PublishAccountChange(ctx context.Context, userID int64) error
}

// Event is one message between instances: exactly one field is set.
type Event struct {
	Centre        *CentreEvent       `json:"centre,omitempty"`
	Notification  *NotificationEvent `json:"notification,omitempty"`
	AccountChange int64              `json:"account,omitempty"`
}
