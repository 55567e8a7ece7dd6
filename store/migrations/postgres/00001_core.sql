-- +goose Up
CREATE TABLE users (
    id            BIGSERIAL PRIMARY KEY,
    email         TEXT NOT NULL,
    password_hash TEXT NOT NULL DEFAULT '',
    created_at    TIMESTAMPTZ NOT NULL
);
-- Emails are stored lower case; the index makes them unique case-insensitively.
CREATE UNIQUE INDEX users_email ON users (lower(email));

CREATE TABLE user_roles (
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role    TEXT NOT NULL CHECK (role IN ('VOLUNTEER', 'COORDINATOR', 'STAFF', 'ADMIN')),
    PRIMARY KEY (user_id, role)
);

CREATE TABLE sessions (
    token_hash BYTEA PRIMARY KEY,
    user_id    BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE centres (
    id         BIGSERIAL PRIMARY KEY,
    name       TEXT NOT NULL,
    city       TEXT NOT NULL,
    address    TEXT NOT NULL DEFAULT '',
    timezone   TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE coordinator_centres (
    user_id   BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    centre_id BIGINT NOT NULL REFERENCES centres (id) ON DELETE CASCADE,
    PRIMARY KEY (user_id, centre_id)
);

CREATE TABLE positions (
    id              BIGSERIAL PRIMARY KEY,
    name            TEXT NOT NULL,
    description     TEXT NOT NULL DEFAULT '',
    required_skills TEXT NOT NULL DEFAULT '[]',
    minimum_age     INTEGER NOT NULL DEFAULT 0,
    created_at      TIMESTAMPTZ NOT NULL
);

CREATE TABLE volunteers (
    id         BIGSERIAL PRIMARY KEY,
    user_id    BIGINT NOT NULL UNIQUE REFERENCES users (id) ON DELETE CASCADE,
    full_name  TEXT NOT NULL,
    phone      TEXT NOT NULL DEFAULT '',
    city       TEXT NOT NULL DEFAULT '',
    birth_date DATE,
    skills     TEXT NOT NULL DEFAULT '[]',
    languages  TEXT NOT NULL DEFAULT '[]',
    timezone   TEXT NOT NULL DEFAULT 'Asia/Baku',
    status     TEXT NOT NULL CHECK (status IN ('PENDING', 'ACTIVE', 'SUSPENDED')),
    created_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE shifts (
    id            BIGSERIAL PRIMARY KEY,
    centre_id     BIGINT NOT NULL REFERENCES centres (id),
    position_id   BIGINT NOT NULL REFERENCES positions (id),
    starts_at     TIMESTAMPTZ NOT NULL,
    ends_at       TIMESTAMPTZ NOT NULL,
    capacity      INTEGER NOT NULL CHECK (capacity > 0),
    status        TEXT NOT NULL CHECK (status IN ('DRAFT', 'PUBLISHED', 'CANCELLED')),
    cancel_reason TEXT NOT NULL DEFAULT '',
    -- queue_seq numbers the shift's signups; the waitlist is served in its order.
    queue_seq     BIGINT NOT NULL DEFAULT 0,
    created_at    TIMESTAMPTZ NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL,
    CHECK (ends_at > starts_at)
);
CREATE INDEX shifts_starts ON shifts (starts_at, id);
CREATE INDEX shifts_centre_starts ON shifts (centre_id, starts_at);

CREATE TABLE assignments (
    id               BIGSERIAL PRIMARY KEY,
    shift_id         BIGINT NOT NULL REFERENCES shifts (id),
    volunteer_id     BIGINT NOT NULL REFERENCES volunteers (id),
    status           TEXT NOT NULL CHECK (status IN ('CONFIRMED', 'WAITLISTED', 'CANCELLED', 'CHECKED_IN', 'COMPLETED', 'NO_SHOW')),
    queue_seq        BIGINT NOT NULL,
    checked_in_at    TIMESTAMPTZ,
    checked_out_at   TIMESTAMPTZ,
    credited_minutes INTEGER NOT NULL DEFAULT 0 CHECK (credited_minutes >= 0),
    note             TEXT NOT NULL DEFAULT '',
    created_at       TIMESTAMPTZ NOT NULL,
    updated_at       TIMESTAMPTZ NOT NULL,
    UNIQUE (shift_id, volunteer_id)
);
CREATE INDEX assignments_volunteer ON assignments (volunteer_id, status);
CREATE INDEX assignments_shift_queue ON assignments (shift_id, status, queue_seq);

-- +goose Down
DROP TABLE assignments;
DROP TABLE shifts;
DROP TABLE volunteers;
DROP TABLE positions;
DROP TABLE coordinator_centres;
DROP TABLE centres;
DROP TABLE sessions;
DROP TABLE user_roles;
DROP TABLE users;
