-- +goose Up
-- Why an assignment was cancelled: the volunteer withdrew (WITHDRAWN), a
-- coordinator released the place (RELEASED), the centre cancelled the shift
-- (SHIFT_CANCELLED), the place went to another volunteer (PLACE_GIVEN) or
-- the account was erased (ERASED). NULL while the assignment is not
-- cancelled, and for cancellations older than the column that cannot be
-- told apart.
ALTER TABLE assignments ADD COLUMN cancelled_by TEXT
    CHECK (cancelled_by IN ('WITHDRAWN', 'RELEASED', 'SHIFT_CANCELLED', 'PLACE_GIVEN', 'ERASED'));
-- A shift's cancellation wrote the shift and its places with one time.
UPDATE assignments SET cancelled_by = 'SHIFT_CANCELLED'
    WHERE status = 'CANCELLED' AND EXISTS (SELECT 1 FROM shifts s
        WHERE s.id = assignments.shift_id AND s.status = 'CANCELLED' AND s.updated_at = assignments.updated_at);
UPDATE assignments SET cancelled_by = 'PLACE_GIVEN'
    WHERE status = 'CANCELLED' AND cancelled_by IS NULL AND note IN ('gave the place to another volunteer', 'gave the place to the waitlist');

-- The language of the app, saved when a person switches it; notifications
-- follow it (language is kept equal to it) unless the person chose their
-- notification language apart (language_apart).
ALTER TABLE notification_settings ADD COLUMN app_language TEXT CHECK (app_language IN ('az', 'en', 'ru'));
ALTER TABLE notification_settings ADD COLUMN language_apart INTEGER NOT NULL DEFAULT 0 CHECK (language_apart IN (0, 1));
-- A language other than the default was chosen on purpose.
UPDATE notification_settings SET language_apart = 1 WHERE language <> 'az';

-- +goose Down
ALTER TABLE notification_settings DROP COLUMN language_apart;
ALTER TABLE notification_settings DROP COLUMN app_language;
ALTER TABLE assignments DROP COLUMN cancelled_by;
