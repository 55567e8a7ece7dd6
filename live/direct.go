package live

import (
	"context"
	"encoding/json"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/konullu/konullu"
)

// Direct publishes each event at once, in the caller's goroutine, in the
// messages a Bus sends (a list of events): for a short-lived command such as
// `konullu jobs run`, which must not exit with events still queued and
// listens to nothing.
type Direct struct {
	rdb     redis.UniversalClient
	channel string
}

var _ konullu.EventPublisher = (*Direct)(nil)

// directTimeout bounds one publication: a Redis that does not answer costs
// a command at most this per event, and the change stays done.
const directTimeout = 2 * time.Second

// NewDirect returns a publisher over the Redis client; channel "" is DefaultChannel.
func NewDirect(rdb redis.UniversalClient, channel string) *Direct {
	if channel == "" {
		channel = DefaultChannel
	}
	return &Direct{rdb: rdb, channel: channel}
}

// PublishCentreEvent sends a centre event to every instance.
func (d *Direct) PublishCentreEvent(ctx context.Context, e konullu.CentreEvent) error {
	return d.publish(ctx, konullu.Event{Centre: &e})
}

// PublishNotification sends a stored notification's announcement.
func (d *Direct) PublishNotification(ctx context.Context, n konullu.NotificationEvent) error {
	return d.publish(ctx, konullu.Event{Notification: &n})
}

// PublishAccountChange sends the news that a user's rights or sessions changed.
func (d *Direct) PublishAccountChange(ctx context.Context, userID int64) error {
	return d.publish(ctx, konullu.Event{AccountChange: userID})
}

func (d *Direct) publish(ctx context.Context, e konullu.Event) error {
	msg, err := json.Marshal([]konullu.Event{e})
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), directTimeout)
	defer cancel()
	return d.rdb.Publish(ctx, d.channel, msg).Err()
}
