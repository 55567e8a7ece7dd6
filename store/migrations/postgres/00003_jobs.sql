-- +goose Up
-- Every run of a scheduled job, on whichever instance ran it.
CREATE TABLE job_runs (
    id          BIGSERIAL PRIMARY KEY,
    job         TEXT NOT NULL,
    instance    TEXT NOT NULL,
    started_at  TIMESTAMPTZ NOT NULL,
    finished_at TIMESTAMPTZ,
    status      TEXT NOT NULL CHECK (status IN ('RUNNING', 'OK', 'FAILED', 'SKIPPED')),
    items       INTEGER NOT NULL DEFAULT 0,
    error       TEXT NOT NULL DEFAULT ''
);
CREATE INDEX job_runs_job ON job_runs (job, id);
CREATE INDEX job_runs_started ON job_runs (started_at);

-- Small named values jobs keep between runs (the hour tally's watermark).
CREATE TABLE job_state (
    name       TEXT PRIMARY KEY,
    value      TEXT NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);

-- A reminder of one kind is sent at most once per assignment (invariant 4):
-- the primary key decides, whatever the number of instances.
CREATE TABLE reminders (
    assignment_id BIGINT NOT NULL REFERENCES assignments (id) ON DELETE CASCADE,
    kind          TEXT NOT NULL,
    lead_minutes  INTEGER NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (assignment_id, kind)
);

-- Notification choices; people without a row get az, in-app and email.
-- channels is a bit mask: 1 in-app (always), 2 email, 4 webhook.
CREATE TABLE notification_settings (
    user_id    BIGINT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    language   TEXT NOT NULL DEFAULT 'az' CHECK (language IN ('az', 'en', 'ru')),
    channels   INTEGER NOT NULL DEFAULT 3,
    updated_at TIMESTAMPTZ NOT NULL
);

-- The transactional outbox: one row per message and channel, written in the
-- transaction of the event it announces. A dispatcher's claim moves
-- next_attempt_at past its lease, so an abandoned claim becomes due again.
CREATE TABLE outbox (
    id              BIGSERIAL PRIMARY KEY,
    user_id         BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    channel         TEXT NOT NULL CHECK (channel IN ('IN_APP', 'EMAIL', 'WEBHOOK')),
    kind            TEXT NOT NULL,
    assignment_id   BIGINT REFERENCES assignments (id) ON DELETE CASCADE,
    shift_id        BIGINT REFERENCES shifts (id) ON DELETE CASCADE,
    payload         TEXT NOT NULL DEFAULT '{}',
    status          TEXT NOT NULL DEFAULT 'PENDING' CHECK (status IN ('PENDING', 'SENT', 'SKIPPED', 'DEAD')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMPTZ NOT NULL,
    claimed_by      TEXT,
    last_error      TEXT NOT NULL DEFAULT '',
    created_at      TIMESTAMPTZ NOT NULL,
    finished_at     TIMESTAMPTZ
);
CREATE INDEX outbox_due ON outbox (next_attempt_at, id) WHERE status = 'PENDING';
CREATE INDEX outbox_user ON outbox (user_id);

-- In-app notifications: the in-app channel's deliveries. outbox_id is unique
-- so that a message delivered twice (a claim that outlived its lease) is
-- stored once.
CREATE TABLE notifications (
    id            BIGSERIAL PRIMARY KEY,
    user_id       BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    outbox_id     BIGINT NOT NULL UNIQUE,
    kind          TEXT NOT NULL,
    title         TEXT NOT NULL,
    body          TEXT NOT NULL,
    assignment_id BIGINT,
    shift_id      BIGINT,
    created_at    TIMESTAMPTZ NOT NULL,
    read_at       TIMESTAMPTZ
);
CREATE INDEX notifications_user ON notifications (user_id, id);

-- Credited minutes per volunteer, month (of the shift's start, in the
-- centre's time zone) and centre; always a recomputation of assignments.
CREATE TABLE hour_tallies (
    volunteer_id BIGINT NOT NULL REFERENCES volunteers (id) ON DELETE CASCADE,
    month        TEXT NOT NULL,
    centre_id    BIGINT NOT NULL REFERENCES centres (id) ON DELETE CASCADE,
    minutes      INTEGER NOT NULL,
    assignments  INTEGER NOT NULL,
    PRIMARY KEY (volunteer_id, month, centre_id)
);

-- Awards: seq counts the times a volunteer reached a threshold (once per
-- rolling 12 months), so that two runs deciding at once collide on the key.
CREATE TABLE awards (
    volunteer_id    BIGINT NOT NULL REFERENCES volunteers (id) ON DELETE CASCADE,
    threshold_hours INTEGER NOT NULL,
    seq             INTEGER NOT NULL,
    band            TEXT NOT NULL,
    minutes         INTEGER NOT NULL,
    awarded_at      TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (volunteer_id, threshold_hours, seq)
);

-- One digest per recipient, kind and week.
CREATE TABLE digests (
    week       TEXT NOT NULL,
    user_id    BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind       TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (week, user_id, kind)
);

-- The hour tally's incremental run reads the assignments changed since its
-- last run, then the credited assignments of those volunteers from an index
-- that covers them (no lookups of the assignments themselves).
CREATE INDEX assignments_updated ON assignments (updated_at);
CREATE INDEX assignments_tally ON assignments (volunteer_id, status, shift_id, credited_minutes);

-- +goose Down
DROP INDEX assignments_tally;
DROP INDEX assignments_updated;
DROP TABLE digests;
DROP TABLE awards;
DROP TABLE hour_tallies;
DROP TABLE notifications;
DROP TABLE outbox;
DROP TABLE notification_settings;
DROP TABLE reminders;
DROP TABLE job_state;
DROP TABLE job_runs;
