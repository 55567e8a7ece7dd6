-- +goose Up
-- A calendar feed's secret is a credential (calendar programs cannot send a
-- bearer token), so it is kept like a session's: only its SHA-256. The
-- address is shown once, when it is made or rotated; existing addresses go
-- on working, since the hash of the stored secret is what a request's secret
-- is compared with. konullu_sha256 is registered by the store (db.go).
-- SQLite cannot drop a primary key column: the table is rebuilt.
CREATE TABLE calendar_feeds_hashed (
    token_hash   BLOB PRIMARY KEY,
    owner        TEXT NOT NULL UNIQUE,
    user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    volunteer_id INTEGER REFERENCES volunteers (id) ON DELETE CASCADE,
    centre_id    INTEGER REFERENCES centres (id) ON DELETE CASCADE,
    created_at   TEXT NOT NULL
);
INSERT INTO calendar_feeds_hashed (token_hash, owner, user_id, volunteer_id, centre_id, created_at)
    SELECT konullu_sha256(token), owner, user_id, volunteer_id, centre_id, created_at FROM calendar_feeds;
DROP TABLE calendar_feeds;
ALTER TABLE calendar_feeds_hashed RENAME TO calendar_feeds;

-- +goose Down
-- The secrets cannot come back: every feed keeps a placeholder that no
-- address matches, and its owner rotates it for a new one.
CREATE TABLE calendar_feeds_plain (
    token        TEXT PRIMARY KEY,
    owner        TEXT NOT NULL UNIQUE,
    user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    volunteer_id INTEGER REFERENCES volunteers (id) ON DELETE CASCADE,
    centre_id    INTEGER REFERENCES centres (id) ON DELETE CASCADE,
    created_at   TEXT NOT NULL
);
INSERT INTO calendar_feeds_plain (token, owner, user_id, volunteer_id, centre_id, created_at)
    SELECT 'lost-' || lower(hex(token_hash)), owner, user_id, volunteer_id, centre_id, created_at FROM calendar_feeds;
DROP TABLE calendar_feeds;
ALTER TABLE calendar_feeds_plain RENAME TO calendar_feeds;
