-- +goose Up
-- The youth programme (issue 15): mentors, hour corrections, recommendation letters.

-- A volunteer's mentor: one at a time; the row goes with either volunteer.
CREATE TABLE mentorships (
    volunteer_id INTEGER PRIMARY KEY REFERENCES volunteers (id) ON DELETE CASCADE,
    mentor_id    INTEGER NOT NULL REFERENCES volunteers (id) ON DELETE CASCADE,
    assigned_by  INTEGER REFERENCES users (id) ON DELETE SET NULL,
    assigned_at  TEXT NOT NULL,
    CHECK (mentor_id <> volunteer_id)
);
CREATE INDEX mentorships_mentor ON mentorships (mentor_id);

-- A volunteer's dispute of the record of an assignment: the times they say
-- they were there. At most one pending per assignment.
CREATE TABLE hour_corrections (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    assignment_id  INTEGER NOT NULL REFERENCES assignments (id) ON DELETE CASCADE,
    volunteer_id   INTEGER NOT NULL REFERENCES volunteers (id) ON DELETE CASCADE,
    centre_id      INTEGER NOT NULL REFERENCES centres (id) ON DELETE CASCADE,
    checked_in_at  TEXT NOT NULL,
    checked_out_at TEXT NOT NULL,
    reason         TEXT NOT NULL,
    status         TEXT NOT NULL CHECK (status IN ('PENDING', 'APPROVED', 'REJECTED')),
    decision_note  TEXT NOT NULL DEFAULT '',
    decided_by     INTEGER REFERENCES users (id) ON DELETE SET NULL,
    decided_at     TEXT,
    created_at     TEXT NOT NULL,
    CHECK (checked_out_at > checked_in_at)
);
CREATE UNIQUE INDEX hour_corrections_one_pending ON hour_corrections (assignment_id) WHERE status = 'PENDING';
CREATE INDEX hour_corrections_centre ON hour_corrections (centre_id, status, created_at);
CREATE INDEX hour_corrections_volunteer ON hour_corrections (volunteer_id, created_at);

-- Recommendation letters: the text and, as issued, the figures they
-- certify; verified at /verify/{code} like certificates.
CREATE TABLE recommendation_letters (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    code           TEXT NOT NULL UNIQUE,
    volunteer_id   INTEGER NOT NULL REFERENCES volunteers (id) ON DELETE CASCADE,
    full_name      TEXT NOT NULL,
    language       TEXT NOT NULL CHECK (language IN ('az', 'en', 'ru')),
    body           TEXT NOT NULL,
    author_id      INTEGER REFERENCES users (id) ON DELETE SET NULL,
    author_name    TEXT NOT NULL,
    minutes        INTEGER NOT NULL CHECK (minutes >= 0),
    shifts         INTEGER NOT NULL CHECK (shifts >= 0),
    centres        TEXT NOT NULL,
    positions      TEXT NOT NULL,
    qualifications TEXT NOT NULL,
    period_from    TEXT,
    period_to      TEXT,
    issued_at      TEXT NOT NULL
);
CREATE INDEX recommendation_letters_volunteer ON recommendation_letters (volunteer_id, issued_at);

-- +goose Down
DROP TABLE recommendation_letters;
DROP TABLE hour_corrections;
DROP TABLE mentorships;
