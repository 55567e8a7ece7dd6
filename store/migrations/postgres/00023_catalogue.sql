-- +goose Up
-- Centres and positions in the app's languages (issue 12): names and
-- descriptions per language (JSON objects {"az": …, "en": …, "ru": …}; a
-- missing one falls back to the main name or description), a centre's
-- description, and archiving: an archived centre or position leaves the
-- pickers and browse lists but stays in history, reports and letters.
ALTER TABLE centres ADD COLUMN names TEXT NOT NULL DEFAULT '{}';
ALTER TABLE centres ADD COLUMN description TEXT NOT NULL DEFAULT '';
ALTER TABLE centres ADD COLUMN descriptions TEXT NOT NULL DEFAULT '{}';
ALTER TABLE centres ADD COLUMN archived_at TIMESTAMPTZ;
ALTER TABLE positions ADD COLUMN names TEXT NOT NULL DEFAULT '{}';
ALTER TABLE positions ADD COLUMN descriptions TEXT NOT NULL DEFAULT '{}';
ALTER TABLE positions ADD COLUMN archived_at TIMESTAMPTZ;

-- +goose Down
ALTER TABLE positions DROP COLUMN archived_at;
ALTER TABLE positions DROP COLUMN descriptions;
ALTER TABLE positions DROP COLUMN names;
ALTER TABLE centres DROP COLUMN archived_at;
ALTER TABLE centres DROP COLUMN descriptions;
ALTER TABLE centres DROP COLUMN description;
ALTER TABLE centres DROP COLUMN names;
