// Package live carries events between the instances of Könüllü over Redis
// pub/sub: every instance publishes what its requests and jobs changed and
// hears what every instance published, itself included, so that a
// subscriber on one instance sees a change made on another.
//
// Delivery is at most once, as Redis pub/sub is: an instance that is
// disconnected for a moment misses what was published meanwhile. Live views
// refetch what they show on every event, so a lost event costs freshness,
// never truth; the database stays the only record.
package live

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/konullu/konullu"
)

// DefaultChannel is the Redis channel events travel on.
const DefaultChannel = "konullu:events"

// queueSize bounds the events waiting to be published; beyond it Publish
// refuses rather than hold a request up.
const queueSize = 8192

// maxBatch bounds the events sent in one Redis message.
const maxBatch = 256

// ErrBusy is returned when the queue of events to publish is full (Redis is
// away or slower than the changes).
var ErrBusy = errors.New("live: too many events waiting to be published")

var _ konullu.EventPublisher = (*Bus)(nil)

// Bus publishes events to every instance and hands those it hears to its
// listeners. Its zero value is not usable; make one with New and start it
// with Run.
type Bus struct {
	rdb     redis.UniversalClient
	channel string
	log     *slog.Logger
	queue   chan konullu.Event

	mu        sync.RWMutex
	listeners []func(konullu.Event)
	ready     chan struct{} // closed once the subscription is confirmed
	readyOnce sync.Once
}

// New returns a bus over the Redis client; channel "" is DefaultChannel.
func New(rdb redis.UniversalClient, channel string, log *slog.Logger) *Bus {
	if channel == "" {
		channel = DefaultChannel
	}
	if log == nil {
		log = slog.Default()
	}
	return &Bus{rdb: rdb, channel: channel, log: log, queue: make(chan konullu.Event, queueSize), ready: make(chan struct{})}
}

// Listen adds a function that is called, from one goroutine, with every
// event any instance publishes. It must not block for long.
func (b *Bus) Listen(fn func(konullu.Event)) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.listeners = append(b.listeners, fn)
}

// Ready is closed once the bus listens to Redis: events published after it
// reach this instance.
func (b *Bus) Ready() <-chan struct{} { return b.ready }

// PublishCentreEvent queues a centre event for every instance.
func (b *Bus) PublishCentreEvent(_ context.Context, e konullu.CentreEvent) error {
	return b.enqueue(konullu.Event{Centre: &e})
}

// PublishNotification queues a stored notification's announcement.
func (b *Bus) PublishNotification(_ context.Context, n konullu.NotificationEvent) error {
	return b.enqueue(konullu.Event{Notification: &n})
}

// PublishAccountChange queues the news that a user's rights or sessions changed.
func (b *Bus) PublishAccountChange(_ context.Context, userID int64) error {
	return b.enqueue(konullu.Event{AccountChange: userID})
}

func (b *Bus) enqueue(e konullu.Event) error {
	select {
	case b.queue <- e:
		return nil
	default:
		return ErrBusy
	}
}

// Run listens and publishes until ctx ends. A lost connection is retried
// by go-redis; Run returns only when ctx is done.
func (b *Bus) Run(ctx context.Context) error {
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		b.publishLoop(ctx)
	}()
	b.listenLoop(ctx)
	wg.Wait()
	return ctx.Err()
}

// publishLoop sends queued events, as many as are waiting (up to maxBatch)
// in one message, so that a storm of changes is a few Redis round trips.
func (b *Bus) publishLoop(ctx context.Context) {
	batch := make([]konullu.Event, 0, maxBatch)
	for {
		batch = batch[:0]
		select {
		case <-ctx.Done():
			return
		case e := <-b.queue:
			batch = append(batch, e)
		}
	fill:
		for len(batch) < maxBatch {
			select {
			case e := <-b.queue:
				batch = append(batch, e)
			default:
				break fill
			}
		}
		msg, err := json.Marshal(batch)
		if err != nil { // cannot happen: plain structs
			b.log.Error("live: encode events", "error", err.Error())
			continue
		}
		for attempt := 0; ; attempt++ {
			pctx, cancel := context.WithTimeout(ctx, 2*time.Second)
			err = b.rdb.Publish(pctx, b.channel, msg).Err()
			cancel()
			if err == nil || ctx.Err() != nil {
				break
			}
			if attempt == 2 {
				b.log.Warn("live: events not published", "events", len(batch), "error", err.Error())
				break
			}
			select {
			case <-ctx.Done():
				return
			case <-time.After(time.Duration(100<<attempt) * time.Millisecond):
			}
		}
	}
}

// listenLoop hands every message of the channel to the listeners.
func (b *Bus) listenLoop(ctx context.Context) {
	ps := b.rdb.Subscribe(ctx, b.channel)
	defer ps.Close()
	stop := context.AfterFunc(ctx, func() { ps.Close() }) // a blocked Receive heeds no context
	defer stop()
	for ctx.Err() == nil {
		// Receive rather than Channel(): the confirmation of the
		// subscription tells Ready, and reconnection is go-redis's.
		msg, err := ps.Receive(ctx)
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			b.log.Warn("live: listening to redis", "error", err.Error())
			select {
			case <-ctx.Done():
				return
			case <-time.After(500 * time.Millisecond):
			}
			continue
		}
		switch m := msg.(type) {
		case *redis.Subscription:
			if m.Kind == "subscribe" {
				b.readyOnce.Do(func() { close(b.ready) })
			}
		case *redis.Message:
			var batch []konullu.Event
			if err := json.Unmarshal([]byte(m.Payload), &batch); err != nil {
				b.log.Warn("live: a message that is not a list of events", "error", err.Error())
				continue
			}
			b.mu.RLock()
			ls := b.listeners
			b.mu.RUnlock()
			for _, e := range batch {
				for _, fn := range ls {
					fn(e)
				}
			}
		}
	}
}
