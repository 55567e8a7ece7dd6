-- +goose Up
-- A calendar feed's secret is a credential (calendar programs cannot send a
-- bearer token), so it is kept like a session's: only its SHA-256. The
-- address is shown once, when it is made or rotated; existing addresses go
-- on working, since the hash of the stored secret is what a request's secret
-- is compared with.
ALTER TABLE calendar_feeds ADD COLUMN token_hash BYTEA;
UPDATE calendar_feeds SET token_hash = sha256(convert_to(token, 'UTF8'));
ALTER TABLE calendar_feeds ALTER COLUMN token_hash SET NOT NULL;
ALTER TABLE calendar_feeds DROP COLUMN token;
ALTER TABLE calendar_feeds ADD PRIMARY KEY (token_hash);

-- +goose Down
-- The secrets cannot come back: every feed keeps a placeholder that no
-- address matches, and its owner rotates it for a new one.
ALTER TABLE calendar_feeds ADD COLUMN token TEXT;
UPDATE calendar_feeds SET token = 'lost-' || encode(token_hash, 'hex');
ALTER TABLE calendar_feeds ALTER COLUMN token SET NOT NULL;
ALTER TABLE calendar_feeds DROP COLUMN token_hash;
ALTER TABLE calendar_feeds ADD PRIMARY KEY (token);
