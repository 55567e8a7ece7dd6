-- +goose Up
-- Check-in that proves presence (issue 14). A kiosk is a tablet at a
-- centre's door signed in with a token a coordinator made; only the
-- token's SHA-256 is kept, like a session's.
CREATE TABLE kiosks (
    id         BIGSERIAL PRIMARY KEY,
    centre_id  BIGINT NOT NULL REFERENCES centres (id) ON DELETE CASCADE,
    name       TEXT NOT NULL,
    token_hash BYTEA NOT NULL UNIQUE,
    created_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
    created_at TIMESTAMPTZ NOT NULL,
    revoked_at TIMESTAMPTZ
);
CREATE INDEX kiosks_centre ON kiosks (centre_id);

-- NULL: the default, self check-in allowed until the centre has a kiosk.
ALTER TABLE centres ADD COLUMN self_check_in BOOLEAN;

-- How the volunteer's presence was proven; NULL until checked in.
ALTER TABLE assignments ADD COLUMN presence TEXT CHECK (presence IN ('KIOSK', 'COORDINATOR', 'SELF', 'RECORDED'));

-- Keys that never leave the server (the HMAC key of check-in codes), made
-- by the first instance that needs one; the others read the same row.
CREATE TABLE server_secrets (
    name       TEXT PRIMARY KEY,
    secret     BYTEA NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);

-- A volunteer's personal check-in code is single-use: the window it was
-- made for is kept once a coordinator has scanned it.
CREATE TABLE used_checkin_codes (
    volunteer_id BIGINT NOT NULL REFERENCES volunteers (id) ON DELETE CASCADE,
    code_window  BIGINT NOT NULL,
    used_at      TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (volunteer_id, code_window)
);

-- A certificate says how many of its shifts had presence proven at the
-- centre (kiosk or coordinator), as it was when issued.
ALTER TABLE certificates ADD COLUMN proven INTEGER NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE certificates DROP COLUMN proven;
DROP TABLE used_checkin_codes;
DROP TABLE server_secrets;
ALTER TABLE assignments DROP COLUMN presence;
ALTER TABLE centres DROP COLUMN self_check_in;
DROP TABLE kiosks;
