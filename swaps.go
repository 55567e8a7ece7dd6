package konullu

import (
	"context"
	"strings"
	"time"
)

// PlaceOfferStatus is the life cycle of a place offered to other volunteers.
type PlaceOfferStatus string

// Place offer statuses. Only an OPEN offer can be taken; it becomes EXPIRED
// at the withdrawal cut-off (the place stays the offerer's).
const (
	OfferOpen      PlaceOfferStatus = "OPEN"
	OfferTaken     PlaceOfferStatus = "TAKEN"
	OfferWithdrawn PlaceOfferStatus = "WITHDRAWN"
	OfferExpired   PlaceOfferStatus = "EXPIRED"
)

// PlaceOffer is a volunteer's confirmed place offered to whoever could take
// it. Until someone does, the place stays the offerer's.
type PlaceOffer struct {
	ID           int64
	AssignmentID int64 // the offerer's
	ShiftID      int64
	VolunteerID  int64 // the offerer
	Status       PlaceOfferStatus
	CreatedAt    time.Time
	ExpiresAt    time.Time // the withdrawal cut-off
	DecidedAt    *time.Time
	TakenBy      int64 // the volunteer who took it
}

// More notification kinds: place swaps, coordinators' messages.
const (
	NotifyPlaceOffered NotificationKind = "PLACE_OFFERED" // a place the volunteer could take is offered
	NotifyPlaceTaken   NotificationKind = "PLACE_TAKEN"   // the offerer's place was taken: they are released
	NotifyOfferExpired NotificationKind = "OFFER_EXPIRED" // nobody took an offered place before the cut-off
	NotifyMessage      NotificationKind = "MESSAGE"       // a coordinator wrote to the volunteers of shifts
)

// Limits of swaps and messages.
const (
	// MaxOfferNotified bounds the volunteers told of one offer (those with
	// the fewest minutes this month first).
	MaxOfferNotified  = 50
	MaxMessageSubject = 150
	MaxMessageBody    = 2000
	MaxMessageWindow  = 31 * 24 * time.Hour
)

// OfferFilter selects the open offers a volunteer could take.
type OfferFilter struct {
	VolunteerID int64
	CentreID    int64 // 0: every centre
	Now         time.Time
	Limit       int
}

// MessageRequest is a coordinator's message to the volunteers holding an
// active place (CONFIRMED, WAITLISTED, CHECKED_IN) in one shift, or in the
// shifts of a centre starting in [From, To).
type MessageRequest struct {
	SenderUserID int64
	ShiftID      int64
	CentreID     int64
	From, To     time.Time
	Subject      string
	Body         string
}

// InboundReply is an answer the SMS gateway posted back: YES confirms the
// attendance of the assignment, NO gives the place up by the ordinary
// withdrawal rules. ID is the gateway's, and a reply is acted on once.
type InboundReply struct {
	ID           string
	InReplyTo    int64 // the delivery (outbox message) answered, or 0
	AssignmentID int64 // or the assignment directly, or 0
	Yes          bool
	Reply        string // as received, for the record
}

// Replies to /webhooks/inbound.
const (
	ReplyConfirmed = "CONFIRMED"
	ReplyReleased  = "RELEASED"
)

// ParseReply reads a YES or NO answer in az, en or ru.
func ParseReply(s string) (yes, ok bool) {
	switch strings.ToUpper(strings.TrimSpace(s)) {
	case "YES", "Y", "HƏ", "HE", "BƏLİ", "BELI", "ДА", "Д":
		return true, true
	case "NO", "N", "YOX", "XEYR", "НЕТ", "Н":
		return false, true
	}
	return false, false
}

// SwapStore keeps place swaps, messages and attendance confirmations.
type SwapStore interface {
	// OfferPlace offers the holder's CONFIRMED place (see Rules.CheckOffer)
	// and tells the candidates that could take it; a repeated offer returns
	// the open one and tells nobody again.
	OfferPlace(ctx context.Context, assignmentID int64, candidates []int64) (*PlaceOffer, error)
	// WithdrawOffer closes an open offer; the place stays the offerer's.
	WithdrawOffer(ctx context.Context, offerID int64) (*PlaceOffer, error)
	// TakePlace gives the offered place to the volunteer and releases the
	// offerer in one transaction, by every rule of a signup; the second
	// taker gets CONFLICT.
	TakePlace(ctx context.Context, offerID, volunteerID int64) (*Assignment, error)
	PlaceOffersByIDs(ctx context.Context, ids []int64) (map[int64]*PlaceOffer, error)
	// PlaceOffersOfAssignments returns the latest offer of each assignment.
	PlaceOffersOfAssignments(ctx context.Context, assignmentIDs []int64) (map[int64]*PlaceOffer, error)
	// OpenPlaceOffers returns the open offers the volunteer could take now.
	OpenPlaceOffers(ctx context.Context, f OfferFilter) ([]*PlaceOffer, error)
	// OfferCandidates keeps, of the given volunteers, those who could take
	// the place by every signup rule, fewest minutes this month first.
	OfferCandidates(ctx context.Context, assignmentID int64, volunteerIDs []int64, limit int) ([]int64, error)
	// ExpirePlaceOffers closes the open offers whose cut-off has come and
	// tells the offerer and the centre's coordinators, once per offer.
	ExpirePlaceOffers(ctx context.Context, now time.Time) (int, error)

	// MessageVolunteers enqueues a message to each recipient and returns
	// how many there were.
	MessageVolunteers(ctx context.Context, m MessageRequest) (int, error)

	// ConfirmAttendance records that the holder of a CONFIRMED place is coming.
	ConfirmAttendance(ctx context.Context, assignmentID int64) (*Assignment, error)
	// ApplyReply acts on a reply of the SMS gateway, once per reply id.
	ApplyReply(ctx context.Context, r InboundReply) (outcome string, a *Assignment, err error)
}

// CheckOffer decides whether the holder may offer an assignment's place
// now: a CONFIRMED place in a published shift, before the withdrawal
// cut-off (after it, only a coordinator can release the place).
func (r Rules) CheckOffer(now time.Time, s *Shift, a *Assignment) error {
	if a.Status != AssignmentConfirmed {
		return Errorf(ECONFLICT, "only a confirmed place can be offered (it is %s)", a.Status)
	}
	if s.Status != ShiftPublished {
		return Errorf(ESIGNUPCLOSED, "the shift is not published")
	}
	if !now.Before(r.OfferExpiry(s)) {
		return Errorf(ESIGNUPCLOSED, "places can be offered until %s before the start; ask the coordinator to release the place", fmtDuration(r.WithdrawCutoff))
	}
	return nil
}

// OfferExpiry is when an offer of a place in the shift expires: the
// withdrawal cut-off.
func (r Rules) OfferExpiry(s *Shift) time.Time { return s.StartsAt.Add(-r.WithdrawCutoff) }

// CheckConfirmAttendance decides whether the holder may confirm they are
// coming: a CONFIRMED place in a shift that has not ended.
func CheckConfirmAttendance(now time.Time, s *Shift, a *Assignment) error {
	if a.Status != AssignmentConfirmed && a.Status != AssignmentCheckedIn {
		return Errorf(ECONFLICT, "only a confirmed place can be confirmed (it is %s)", a.Status)
	}
	if s.Status != ShiftPublished {
		return Errorf(ECONFLICT, "the shift is not published")
	}
	if !now.Before(s.EndsAt) {
		return Errorf(ECONFLICT, "the shift is over")
	}
	return nil
}

// CleanMessage checks a message's subject and body.
func CleanMessage(m MessageRequest) (MessageRequest, error) {
	var err error
	if m.Subject, err = CleanText("subject", m.Subject, true, MaxMessageSubject); err != nil {
		return m, err
	}
	if strings.ContainsAny(m.Subject, "\r\n") {
		return m, Invalid("subject", "must be one line")
	}
	if m.Body, err = CleanText("body", m.Body, true, MaxMessageBody); err != nil {
		return m, err
	}
	return m, nil
}
