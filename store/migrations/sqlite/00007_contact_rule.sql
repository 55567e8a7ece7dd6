-- +goose Up
-- Guardian consents are never overwritten: a new record moves the one it
-- supersedes here, with who recorded it and who superseded it, and when.
CREATE TABLE guardian_consent_history (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    volunteer_id  INTEGER NOT NULL REFERENCES volunteers (id) ON DELETE CASCADE,
    guardian_name TEXT NOT NULL,
    relationship  TEXT NOT NULL,
    contact       TEXT NOT NULL DEFAULT '',
    note          TEXT NOT NULL DEFAULT '',
    recorded_by   INTEGER REFERENCES users (id) ON DELETE SET NULL,
    recorded_at   TEXT NOT NULL,
    superseded_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
    superseded_at TEXT NOT NULL
);
CREATE INDEX guardian_consent_history_volunteer ON guardian_consent_history (volunteer_id, superseded_at);

-- A minor's signup refused for want of a guardian's consent is an
-- application: it lets the coordinators of the shift's centre record one.
CREATE TABLE guardian_consent_requests (
    volunteer_id INTEGER NOT NULL REFERENCES volunteers (id) ON DELETE CASCADE,
    shift_id     INTEGER NOT NULL REFERENCES shifts (id) ON DELETE CASCADE,
    centre_id    INTEGER NOT NULL REFERENCES centres (id) ON DELETE CASCADE,
    requested_at TEXT NOT NULL,
    PRIMARY KEY (volunteer_id, shift_id)
);

-- +goose Down
DROP TABLE guardian_consent_requests;
DROP TABLE guardian_consent_history;
