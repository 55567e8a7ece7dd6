-- +goose Up
-- The youth programme's intake: a cohort is an intake round with an
-- application window, places and the centres it serves (whose coordinators
-- interview and decide with staff).
CREATE TABLE cohorts (
    id         BIGSERIAL PRIMARY KEY,
    name       TEXT NOT NULL,
    opens_at   TIMESTAMPTZ NOT NULL,
    closes_at  TIMESTAMPTZ NOT NULL,
    places     INTEGER NOT NULL CHECK (places > 0),
    created_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
    created_at TIMESTAMPTZ NOT NULL,
    CHECK (closes_at > opens_at)
);
CREATE INDEX cohorts_window ON cohorts (closes_at, opens_at);

CREATE TABLE cohort_centres (
    cohort_id BIGINT NOT NULL REFERENCES cohorts (id) ON DELETE CASCADE,
    centre_id BIGINT NOT NULL REFERENCES centres (id) ON DELETE CASCADE,
    PRIMARY KEY (cohort_id, centre_id)
);
CREATE INDEX cohort_centres_centre ON cohort_centres (centre_id);

-- An application. One per email and cohort (emails are stored lower case).
-- search_text is the name and email folded to lower case by the server (any
-- alphabet), for the board's search on both databases. volunteer_id is the
-- account accepting made or activated.
CREATE TABLE applications (
    id                   BIGSERIAL PRIMARY KEY,
    cohort_id            BIGINT NOT NULL REFERENCES cohorts (id) ON DELETE CASCADE,
    full_name            TEXT NOT NULL,
    email                TEXT NOT NULL,
    search_text          TEXT NOT NULL,
    phone                TEXT NOT NULL DEFAULT '',
    birth_date           DATE NOT NULL,
    languages            TEXT NOT NULL DEFAULT '[]',
    preferred_centre_ids TEXT NOT NULL DEFAULT '[]',
    preferred_times      TEXT NOT NULL DEFAULT '[]',
    motivation           TEXT NOT NULL DEFAULT '',
    guardian_name        TEXT NOT NULL DEFAULT '',
    guardian_contact     TEXT NOT NULL DEFAULT '',
    language             TEXT NOT NULL DEFAULT 'az',
    status               TEXT NOT NULL CHECK (status IN ('SUBMITTED', 'INTERVIEW', 'ACCEPTED', 'WAITLISTED', 'REJECTED', 'WITHDRAWN')),
    interview_at         TIMESTAMPTZ,
    interview_place      TEXT NOT NULL DEFAULT '',
    decision_note        TEXT NOT NULL DEFAULT '',
    decided_at           TIMESTAMPTZ,
    decided_by           BIGINT REFERENCES users (id) ON DELETE SET NULL,
    volunteer_id         BIGINT REFERENCES volunteers (id) ON DELETE SET NULL,
    created_at           TIMESTAMPTZ NOT NULL,
    updated_at           TIMESTAMPTZ NOT NULL,
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
