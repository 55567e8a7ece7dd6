package konullu

import (
	"context"
	"encoding/json"
	"strings"
	"time"
)

// NotificationKind says what a notification announces.
type NotificationKind string

// Notification kinds. Each is written to the outbox in the same transaction
// as the change it announces (or, for reminders, awards and digests, as the
// database row that makes it unique).
const (
	NotifySignupConfirmed   NotificationKind = "SIGNUP_CONFIRMED"   // a volunteer's own signup got a place
	NotifyPromoted          NotificationKind = "PROMOTED"           // a place freed up and the volunteer left the waitlist
	NotifyAssigned          NotificationKind = "ASSIGNED"           // a coordinator put the volunteer in a shift
	NotifyShiftCancelled    NotificationKind = "SHIFT_CANCELLED"    // the shift of an active assignment was cancelled
	NotifyShiftChanged      NotificationKind = "SHIFT_CHANGED"      // reserved for shift edits (there is no edit yet)
	NotifySeriesChanged     NotificationKind = "SERIES_CHANGED"     // a series the volunteer holds places in changed (once per volunteer)
	NotifySeriesCancelled   NotificationKind = "SERIES_CANCELLED"   // a series the volunteer holds places in was cancelled from a date on (once per volunteer)
	NotifyReminder          NotificationKind = "REMINDER"           // the shift starts soon
	NotifyAward             NotificationKind = "AWARD"              // hours crossed an award threshold
	NotifyDigestCoordinator NotificationKind = "DIGEST_COORDINATOR" // understaffed shifts of the coming week
	NotifyDigestStaff       NotificationKind = "DIGEST_STAFF"       // last week's participation
	NotifyRosterProposed    NotificationKind = "ROSTER_PROPOSED"    // the roster-proposals job planned a centre's week
)

// Channel is a way a notification reaches a person.
type Channel string

// Channels. In-app is always on: it is the record of what was sent, shown
// by myNotifications; email and webhook (an SMS or messenger gateway) are
// the volunteer's choice.
const (
	ChannelInApp   Channel = "IN_APP"
	ChannelEmail   Channel = "EMAIL"
	ChannelWebhook Channel = "WEBHOOK"
)

// AllChannels lists the channels in delivery order.
var AllChannels = []Channel{ChannelInApp, ChannelEmail, ChannelWebhook}

// Bit is the channel's bit in a stored channel mask.
func (c Channel) Bit() int {
	switch c {
	case ChannelInApp:
		return 1
	case ChannelEmail:
		return 2
	case ChannelWebhook:
		return 4
	}
	return 0
}

// ChannelMask packs channels into the stored bit mask; in-app is always set.
func ChannelMask(chs []Channel) int {
	m := ChannelInApp.Bit()
	for _, c := range chs {
		m |= c.Bit()
	}
	return m
}

// ChannelsOf unpacks a stored bit mask; in-app is always included.
func ChannelsOf(mask int) []Channel {
	mask |= ChannelInApp.Bit()
	var out []Channel
	for _, c := range AllChannels {
		if mask&c.Bit() != 0 {
			out = append(out, c)
		}
	}
	return out
}

// Language is the language notifications are written in.
type Language string

// Languages of notifications.
const (
	LanguageAz Language = "az"
	LanguageEn Language = "en"
	LanguageRu Language = "ru"
)

// DefaultLanguage is the language of people who chose none.
const DefaultLanguage = LanguageAz

// ParseLanguage accepts az, en or ru in any case.
func ParseLanguage(field, s string) (Language, error) {
	switch l := Language(strings.ToLower(strings.TrimSpace(s))); l {
	case LanguageAz, LanguageEn, LanguageRu:
		return l, nil
	}
	return "", Invalid(field, "language must be az, en or ru")
}

// NotificationSettings are a person's choices for notifications.
type NotificationSettings struct {
	Language Language
	Channels []Channel // always includes IN_APP
	// LanguageApart: the person chose the notification language apart
	// from the app's; otherwise Language follows AppLanguage.
	LanguageApart bool
	// AppLanguage is the language the person last used the app in ("":
	// not known yet).
	AppLanguage Language
}

// DefaultNotificationSettings apply until a person chooses: Azerbaijani,
// in-app and email.
func DefaultNotificationSettings() NotificationSettings {
	return NotificationSettings{Language: DefaultLanguage, Channels: []Channel{ChannelInApp, ChannelEmail}}
}

// DefaultChannelMask is the stored form of the default channels.
var DefaultChannelMask = ChannelMask(DefaultNotificationSettings().Channels)

// Notification is a message shown in the app (the in-app channel's delivery).
type Notification struct {
	ID           int64
	UserID       int64
	Kind         NotificationKind
	Title        string
	Body         string
	AssignmentID int64 // 0 when not about an assignment
	ShiftID      int64
	CreatedAt    time.Time
	ReadAt       *time.Time
}

// OutboxStatus is the life cycle of one message on one channel.
type OutboxStatus string

// Outbox statuses. A PENDING message is due at its next attempt time (which
// a dispatcher's claim pushes past its lease); SKIPPED means there was nothing
// to deliver to (no SMTP server, no webhook, a reminder that is no longer
// useful); DEAD is the dead letter after the last failed attempt.
const (
	OutboxPending OutboxStatus = "PENDING"
	OutboxSent    OutboxStatus = "SENT"
	OutboxSkipped OutboxStatus = "SKIPPED"
	OutboxDead    OutboxStatus = "DEAD"
)

// Recipient is who a message goes to, with what a channel needs to reach them.
type Recipient struct {
	UserID      int64
	VolunteerID int64 // 0 for users without a volunteer profile
	Name        string
	Email       string
	Phone       string
	Language    Language
	Timezone    string // the volunteer's; DefaultTimezone otherwise
}

// ShiftDetails describe the shift a message is about, read when it is delivered.
type ShiftDetails struct {
	ShiftID          int64
	AssignmentID     int64
	StartsAt         time.Time
	EndsAt           time.Time
	Status           ShiftStatus
	CancelReason     string
	CentreName       string
	CentreAddress    string
	CentreCity       string
	CentreTimezone   string
	PositionName     string
	AssignmentStatus AssignmentStatus // "" when the message is not about an assignment
}

// OutboxMessage is one message for one channel, claimed by a dispatcher.
type OutboxMessage struct {
	ID        int64
	Channel   Channel
	Kind      NotificationKind
	Payload   json.RawMessage // kind-specific facts captured when the event happened
	Attempts  int             // including the current one
	CreatedAt time.Time
	Recipient Recipient
	Shift     *ShiftDetails // nil when the message is not about a shift
}

// DeliveryResult is what a dispatcher reports for a claimed message.
type DeliveryResult struct {
	ID      int64
	Status  OutboxStatus // SENT, SKIPPED, DEAD, or PENDING to retry at RetryAt
	RetryAt time.Time
	Error   string        // why it failed or was skipped; never contact details
	InApp   *Notification // for the in-app channel: the notification to store
}

// OutboxClaim asks for due messages.
type OutboxClaim struct {
	Token string        // identifies the claimer; only it may finish the messages
	Now   time.Time     // messages due at or before Now
	Lease time.Duration // the messages are due again after this if never finished
	Limit int
}

// NotificationStore reads and changes notifications and the choices behind them.
type NotificationStore interface {
	// Notifications returns a user's in-app notifications, newest first.
	Notifications(ctx context.Context, userID int64, limit int, unreadOnly bool) ([]*Notification, error)
	// MarkNotificationsRead marks the user's notifications read (all when ids is empty)
	// and returns how many changed.
	MarkNotificationsRead(ctx context.Context, userID int64, ids []int64) (int, error)
	// NotificationsByIDs returns notifications by id (whoever they belong to).
	NotificationsByIDs(ctx context.Context, ids []int64) (map[int64]*Notification, error)
	// UnreadNotifications counts a user's unread notifications.
	UnreadNotifications(ctx context.Context, userID int64) (int, error)
	// NotificationSettings returns each user's settings (the defaults for those who chose none).
	NotificationSettings(ctx context.Context, userIDs []int64) (map[int64]NotificationSettings, error)
	// SetNotificationSettings stores a user's choices.
	SetNotificationSettings(ctx context.Context, userID int64, s NotificationSettings) (NotificationSettings, error)
}

// OutboxStore is the queue the dispatchers of every instance share.
type OutboxStore interface {
	// ClaimOutbox claims due messages for one dispatcher; concurrent claims never
	// return the same message until its lease runs out.
	ClaimOutbox(ctx context.Context, c OutboxClaim) ([]*OutboxMessage, error)
	// FinishOutbox records the outcome of claimed messages (only those still
	// claimed with token) and stores in-app notifications, in one transaction.
	FinishOutbox(ctx context.Context, token string, results []DeliveryResult) error
	// OutboxCounts counts messages by status.
	OutboxCounts(ctx context.Context) (map[OutboxStatus]int, error)
}

// MaskEmail shortens an address for logs: "aysel.m@example.az" → "a***@example.az".
func MaskEmail(email string) string {
	at := strings.LastIndexByte(email, '@')
	if at <= 0 {
		return "***"
	}
	return email[:1] + "***" + email[at:]
}
