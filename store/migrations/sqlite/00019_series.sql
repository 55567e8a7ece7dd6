-- +goose Up
-- The weekly series a shift was created in: the id of the series' first
-- shift (NULL for a single shift), so that a series can be changed or
-- cancelled as a whole from a date on.
ALTER TABLE shifts ADD COLUMN series_id BIGINT;
CREATE INDEX shifts_series ON shifts (series_id, starts_at) WHERE series_id IS NOT NULL;

-- +goose Down
DROP INDEX shifts_series;
ALTER TABLE shifts DROP COLUMN series_id;
