-- +goose Up
-- A volunteer's commitment: at most so many shifts or minutes a week
-- (NULL: no limit), and the centres and positions they prefer. The roster
-- planner never proposes beyond it.
CREATE TABLE volunteer_commitments (
    volunteer_id           INTEGER PRIMARY KEY REFERENCES volunteers (id) ON DELETE CASCADE,
    max_shifts_per_week    INTEGER CHECK (max_shifts_per_week >= 0),
    max_minutes_per_week   INTEGER CHECK (max_minutes_per_week >= 0),
    preferred_centre_ids   TEXT NOT NULL DEFAULT '[]',
    preferred_position_ids TEXT NOT NULL DEFAULT '[]',
    updated_at             TEXT NOT NULL
);

-- A roster plan proposes who takes which open place of a centre's shifts
-- in a window; nothing is assigned until it is applied.
CREATE TABLE roster_plans (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    centre_id    INTEGER NOT NULL REFERENCES centres (id) ON DELETE CASCADE,
    from_at      TEXT NOT NULL,
    to_at        TEXT NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ('PROPOSED', 'APPLIED', 'DISCARDED')),
    created_by   INTEGER REFERENCES users (id) ON DELETE SET NULL, -- NULL: the roster-proposals job
    solve_millis INTEGER NOT NULL DEFAULT 0,
    seed         INTEGER NOT NULL DEFAULT 0,
    open_before  INTEGER NOT NULL DEFAULT 0,
    open_after   INTEGER NOT NULL DEFAULT 0,
    fair_before  TEXT NOT NULL DEFAULT '{}',
    fair_after   TEXT NOT NULL DEFAULT '{}',
    created_at   TEXT NOT NULL,
    decided_at   TEXT,
    CHECK (to_at > from_at)
);
CREATE INDEX roster_plans_centre ON roster_plans (centre_id, created_at DESC);

-- One proposed place; outcome says what applying it did: ASSIGNED (with
-- the assignment), REFUSED (with the error code the signup gave) or SKIPPED
-- (dropped by the coordinator).
CREATE TABLE roster_proposals (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    plan_id       INTEGER NOT NULL REFERENCES roster_plans (id) ON DELETE CASCADE,
    shift_id      INTEGER NOT NULL REFERENCES shifts (id) ON DELETE CASCADE,
    volunteer_id  INTEGER NOT NULL REFERENCES volunteers (id) ON DELETE CASCADE,
    reasons       TEXT NOT NULL DEFAULT '[]',
    outcome       TEXT NOT NULL DEFAULT '' CHECK (outcome IN ('', 'ASSIGNED', 'REFUSED', 'SKIPPED')),
    error_code    TEXT NOT NULL DEFAULT '',
    error_message TEXT NOT NULL DEFAULT '',
    assignment_id INTEGER REFERENCES assignments (id) ON DELETE SET NULL,
    UNIQUE (plan_id, shift_id, volunteer_id)
);
CREATE INDEX roster_proposals_plan ON roster_proposals (plan_id);

-- +goose Down
DROP TABLE roster_proposals;
DROP TABLE roster_plans;
DROP TABLE volunteer_commitments;
