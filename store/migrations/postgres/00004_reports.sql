-- +goose Up
-- Hour certificates. A certificate keeps what it certified when it was
-- issued (name, minutes, period), so the public verification page confirms
-- the certificate as printed; revoking it keeps the record.
CREATE TABLE certificates (
    id           BIGSERIAL PRIMARY KEY,
    code         TEXT NOT NULL UNIQUE,
    volunteer_id BIGINT NOT NULL REFERENCES volunteers (id) ON DELETE CASCADE,
    centre_id    BIGINT REFERENCES centres (id) ON DELETE CASCADE,
    centre_name  TEXT NOT NULL DEFAULT '',
    period_from  DATE NOT NULL,
    period_to    DATE NOT NULL,
    full_name    TEXT NOT NULL,
    minutes      INTEGER NOT NULL CHECK (minutes >= 0),
    assignments  INTEGER NOT NULL CHECK (assignments >= 0),
    award_hours  INTEGER NOT NULL DEFAULT 0,
    language     TEXT NOT NULL CHECK (language IN ('az', 'en', 'ru')),
    issued_at    TIMESTAMPTZ NOT NULL,
    issued_by    BIGINT REFERENCES users (id) ON DELETE SET NULL,
    revoked_at   TIMESTAMPTZ,
    revoke_note  TEXT NOT NULL DEFAULT '',
    CHECK (period_to >= period_from)
);
CREATE INDEX certificates_volunteer ON certificates (volunteer_id, issued_at);

-- Secret addresses of iCalendar feeds: a volunteer's own ("v:<volunteer id>")
-- or a centre's for one coordinator ("c:<user id>:<centre id>"). The token is
-- kept as is because the owner must be able to see the address again;
-- rotating it replaces the row's token.
CREATE TABLE calendar_feeds (
    token        TEXT PRIMARY KEY,
    owner        TEXT NOT NULL UNIQUE,
    user_id      BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    volunteer_id BIGINT REFERENCES volunteers (id) ON DELETE CASCADE,
    centre_id    BIGINT REFERENCES centres (id) ON DELETE CASCADE,
    created_at   TIMESTAMPTZ NOT NULL
);

-- Reports read (volunteer, status, minutes) of every assignment of the
-- shifts in a period: an index-only scan instead of the wide table.
CREATE INDEX assignments_report ON assignments (shift_id) INCLUDE (volunteer_id, status, credited_minutes);

-- +goose Down
DROP INDEX assignments_report;
DROP TABLE calendar_feeds;
DROP TABLE certificates;
