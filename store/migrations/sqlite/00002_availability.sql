-- +goose Up
-- Weekly windows of free wall-clock time in the volunteer's time zone, in
-- minutes after midnight, stored merged (setMyAvailability replaces them all).
CREATE TABLE availability_windows (
    volunteer_id INTEGER NOT NULL REFERENCES volunteers (id) ON DELETE CASCADE,
    weekday      INTEGER NOT NULL CHECK (weekday BETWEEN 1 AND 7),
    start_minute INTEGER NOT NULL CHECK (start_minute BETWEEN 0 AND 1439),
    end_minute   INTEGER NOT NULL CHECK (end_minute <= 1440),
    PRIMARY KEY (volunteer_id, weekday, start_minute),
    CHECK (end_minute > start_minute)
);

-- Dated exceptions: a day (or hours) off, or extra hours. Whole days have
-- no minutes. seq keeps the volunteer's order.
CREATE TABLE availability_exceptions (
    volunteer_id INTEGER NOT NULL REFERENCES volunteers (id) ON DELETE CASCADE,
    seq          INTEGER NOT NULL,
    day          TEXT NOT NULL,
    available    INTEGER NOT NULL CHECK (available IN (0, 1)),
    start_minute INTEGER CHECK (start_minute BETWEEN 0 AND 1439),
    end_minute   INTEGER CHECK (end_minute <= 1440),
    PRIMARY KEY (volunteer_id, seq),
    CHECK ((start_minute IS NULL) = (end_minute IS NULL)),
    CHECK (end_minute IS NULL OR end_minute > start_minute)
);
-- The SQL fallback of the availability index finds windows by weekday and
-- start, exceptions by date and volunteers by time zone and status.
CREATE INDEX availability_windows_weekday ON availability_windows (weekday, start_minute, end_minute, volunteer_id);
CREATE INDEX availability_exceptions_day ON availability_exceptions (day, volunteer_id);
CREATE INDEX volunteers_timezone_status ON volunteers (timezone, status);

-- +goose Down
DROP INDEX volunteers_timezone_status;
DROP INDEX availability_windows_weekday;
DROP TABLE availability_exceptions;
DROP TABLE availability_windows;
