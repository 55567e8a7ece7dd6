-- +goose Up
-- The audit trail is written ahead: an entry is recorded PENDING before the
-- change runs and completed after it, DONE or FAILED (with the error's code,
-- never its message). An entry left PENDING is an action whose end is
-- unknown. Entries written before this migration were all of done changes.
ALTER TABLE audit_log ADD COLUMN outcome TEXT NOT NULL DEFAULT 'DONE'
    CHECK (outcome IN ('PENDING', 'DONE', 'FAILED'));
ALTER TABLE audit_log ADD COLUMN error_code TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE audit_log DROP COLUMN error_code;
ALTER TABLE audit_log DROP COLUMN outcome;
