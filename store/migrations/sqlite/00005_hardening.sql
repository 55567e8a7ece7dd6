-- +goose Up
-- Youth protection: a guardian's consent for a volunteer under 18, recorded
-- by a coordinator; signups of minors need it (REQUIREMENT_NOT_MET without).
CREATE TABLE guardian_consents (
    volunteer_id  INTEGER PRIMARY KEY REFERENCES volunteers (id) ON DELETE CASCADE,
    guardian_name TEXT NOT NULL,
    relationship  TEXT NOT NULL,
    contact       TEXT NOT NULL DEFAULT '',
    note          TEXT NOT NULL DEFAULT '',
    recorded_by   INTEGER REFERENCES users (id) ON DELETE SET NULL,
    recorded_at   TEXT NOT NULL
);

-- Deleted accounts: their past assignments and hours move to an anonymous
-- volunteer row, marked here, so that reports stay true.
ALTER TABLE volunteers ADD COLUMN anonymised_at TEXT;

-- The audit trail of coordinators', staff's and admins' changes. The actor
-- is kept without a foreign key: deleting an account sets it to NULL.
CREATE TABLE audit_log (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    at            TEXT NOT NULL,
    actor_user_id INTEGER,
    actor_roles   TEXT NOT NULL DEFAULT '[]',
    action        TEXT NOT NULL,
    arguments     TEXT NOT NULL DEFAULT '{}',
    request_id    TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_at ON audit_log (at, id);
CREATE INDEX audit_log_actor ON audit_log (actor_user_id, id);
CREATE INDEX audit_log_action ON audit_log (action, id);

-- Each object an audited action touched, as JSON before and after.
CREATE TABLE audit_changes (
    audit_id  INTEGER NOT NULL REFERENCES audit_log (id) ON DELETE CASCADE,
    kind      TEXT NOT NULL,
    object_id INTEGER NOT NULL,
    before    TEXT,
    after     TEXT,
    PRIMARY KEY (audit_id, kind, object_id)
);
CREATE INDEX audit_changes_object ON audit_changes (kind, object_id);

-- +goose Down
DROP TABLE audit_changes;
DROP TABLE audit_log;
ALTER TABLE volunteers DROP COLUMN anonymised_at;
DROP TABLE guardian_consents;
