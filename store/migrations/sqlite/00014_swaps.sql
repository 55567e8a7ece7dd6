-- +goose Up
-- A volunteer who cannot come offers their confirmed place; until someone
-- takes it the place stays theirs. At most one open offer per assignment.
-- TAKEN names who took it; EXPIRED offers reached the withdrawal cut-off.
CREATE TABLE place_offers (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    assignment_id       INTEGER NOT NULL REFERENCES assignments (id) ON DELETE CASCADE,
    shift_id            INTEGER NOT NULL REFERENCES shifts (id) ON DELETE CASCADE,
    volunteer_id        INTEGER NOT NULL REFERENCES volunteers (id) ON DELETE CASCADE,
    status              TEXT NOT NULL CHECK (status IN ('OPEN', 'TAKEN', 'WITHDRAWN', 'EXPIRED')),
    created_at          TEXT NOT NULL,
    expires_at          TEXT NOT NULL,
    decided_at          TEXT,
    taken_by            INTEGER REFERENCES volunteers (id) ON DELETE SET NULL,
    taken_assignment_id INTEGER REFERENCES assignments (id) ON DELETE SET NULL
);
CREATE UNIQUE INDEX place_offers_one_open ON place_offers (assignment_id) WHERE status = 'OPEN';
CREATE INDEX place_offers_open ON place_offers (status, expires_at);
CREATE INDEX place_offers_shift ON place_offers (shift_id);

-- When the holder said they are coming (the app, or a reply to the reminder).
ALTER TABLE assignments ADD COLUMN attendance_confirmed_at TEXT;

-- Replies the SMS gateway posted to /webhooks/inbound, by the gateway's id:
-- the same reply twice is refused.
CREATE TABLE inbound_replies (
    id            TEXT PRIMARY KEY,
    received_at   TEXT NOT NULL,
    assignment_id INTEGER REFERENCES assignments (id) ON DELETE SET NULL,
    reply         TEXT NOT NULL,
    outcome       TEXT NOT NULL DEFAULT ''
);

-- +goose Down
DROP TABLE inbound_replies;
ALTER TABLE assignments DROP COLUMN attendance_confirmed_at;
DROP TABLE place_offers;
