-- +goose Up
-- Hour certificates. A certificate keeps what it certified when it was
-- issued (name, minutes, period), so the public verification page confirms
-- the certificate as printed; revoking it keeps the record.
CREATE TABLE certificates (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    code         TEXT NOT NULL UNIQUE,
    volunteer_id INTEGER NOT NULL REFERENCES volunteers (id) ON DELETE CASCADE,
    centre_id    INTEGER REFERENCES centres (id) ON DELETE CASCADE,
    centre_name  TEXT NOT NULL DEFAULT '',
    period_from  TEXT NOT NULL,
    period_to    TEXT NOT NULL,
    full_name    TEXT NOT NULL,
    minutes      INTEGER NOT NULL CHECK (minutes >= 0),
    assignments  INTEGER NOT NULL CHECK (assignments >= 0),
    award_hours  INTEGER NOT NULL DEFAULT 0,
    language     TEXT NOT NULL CHECK (language IN ('az', 'en', 'ru')),
    issued_at    TEXT NOT NULL,
    issued_by    INTEGER REFERENCES users (id) ON DELETE SET NULL,
    revoked_at   TEXT,
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
    user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    volunteer_id INTEGER REFERENCES volunteers (id) ON DELETE CASCADE,
    centre_id    INTEGER REFERENCES centres (id) ON DELETE CASCADE,
    created_at   TEXT NOT NULL
);

-- Reports read (volunteer, status, minutes) of every assignment of the
-- shifts in a period without visiting the table.
CREATE INDEX assignments_report ON assignments (shift_id, volunteer_id, status, credited_minutes);

-- +goose Down
DROP INDEX assignments_report;
DROP TABLE calendar_feeds;
DROP TABLE certificates;
