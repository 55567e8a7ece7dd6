-- +goose Up
-- A centre's day template: the blocks of each weekday its shifts use,
-- wall-clock in the centre's time zone, in minutes after midnight. A centre
-- without rows has the template derived from its shifts.
CREATE TABLE centre_day_blocks (
    centre_id    BIGINT NOT NULL REFERENCES centres (id) ON DELETE CASCADE,
    weekday      SMALLINT NOT NULL CHECK (weekday BETWEEN 1 AND 7),
    start_minute INTEGER NOT NULL CHECK (start_minute BETWEEN 0 AND 1439),
    end_minute   INTEGER NOT NULL CHECK (end_minute <= 1440),
    PRIMARY KEY (centre_id, weekday, start_minute),
    CHECK (end_minute > start_minute)
);

-- Weekly windows that touch stay one merged row (the SQL fallback of the
-- availability index matches a shift inside one row); breaks lists the
-- minutes, comma-separated, where the volunteer's own windows met, so that
-- two adjacent blocks read back as two.
ALTER TABLE availability_windows ADD COLUMN breaks TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE availability_windows DROP COLUMN breaks;
DROP TABLE centre_day_blocks;
