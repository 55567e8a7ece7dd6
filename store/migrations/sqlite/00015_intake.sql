-- +goose Up
-- The youth programme's intake: a cohort is an intake round with an
-- application window, places and the centres it serves (whose coordinators
-- interview and decide with staff).
CREATE TABLE cohorts (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    name       TEXT NOT NULL,
    opens_at   TEXT NOT NULL,
    closes_at  TEXT NOT NULL,
    places     INTEGER NOT NULL CHECK (places > 0),
    created_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at TEXT NOT NULL,
    CHECK (closes_at > opens_at)
);
CREATE INDEX cohorts_window ON cohorts (closes_at, opens_at);

CREATE TABLE cohort_centres (
    cohort_id INTEGER NOT NULL REFERENCES cohorts (id) ON DELETE CASCADE,
    centre_id INTEGER NOT NULL REFERENCES centres (id) ON DELETE CASCADE,
    PRIMARY KEY (cohort_id, centre_id)
);
CREATE INDEX cohort_centres_centre ON cohort_centres (centre_id);

-- An application. One per email and cohort (emails are stored lower case).
-- search_text is the name and email folded to lower case by the server (any
-- alphabet), for the board's search on both databases. volunteer_id is the
-- account accepting made or activated.
CREATE TABLE applications (
    id                   INTEGER PRIMARY KEY AUTOINCREMENT,
    cohort_id            INTEGER NOT NULL REFERENCES cohorts (id) ON DELETE CASCADE,
    full_name            TEXT NOT NULL,
    email                TEXT NOT NULL,
    search_text          TEXT NOT NULL,
    phone                TEXT NOT NULL DEFAULT '',
    birth_date           TEXT NOT NULL,
    languages            TEXT NOT NULL DEFAULT '[]',
    preferred_centre_ids TEXT NOT NULL DEFAULT '[]',
    preferred_times      TEXT NOT NULL DEFAULT '[]',
    motivation           TEXT NOT NULL DEFAULT '',
    guardian_name        TEXT NOT NULL DEFAULT '',
    guardian_contact     TEXT NOT NULL DEFAULT '',
    language             TEXT NOT NULL DEFAULT 'az',
    status               TEXT NOT NULL CHECK (status IN ('SUBMITTED', 'INTERVIEW', 'ACCEPTED', 'WAITLISTED', 'REJECTED', 'WITHDRAWN')),
    interview_at         TEXT,
    interview_place      TEXT NOT NULL DEFAULT '',
    decision_note        TEXT NOT NULL DEFAULT '',
    decided_at           TEXT,
    decided_by           INTEGER REFERENCES users (id) ON DELETE SET NULL,
    volunteer_id         INTEGER REFERENCES volunteers (id) ON DELETE SET NULL,
    created_at           TEXT NOT NULL,
    updated_at           TEXT NOT NULL,
    UNIQUE (cohort_id, email)
);
CREATE INDEX applications_board ON applications (cohort_id, created_at, id);
CREATE INDEX applications_status ON applications (cohort_id, status, created_at, id);
CREATE INDEX applications_volunteer ON applications (volunteer_id);
CREATE INDEX applications_created ON applications (created_at);

-- +goose Down
DROP TABLE applications;
DROP TABLE cohort_centres;
DROP TABLE cohorts;
