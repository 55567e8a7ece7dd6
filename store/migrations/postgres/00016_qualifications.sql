-- +goose Up
-- The youth programme's training and qualifications (issue 15, part 2).
-- A qualification has a fallback name (unique, compared without case:
-- name_key is the server's lower-case form) with names and descriptions per
-- language (JSON {"az": …, "en": …, "ru": …}) and a validity in months, or
-- none. volunteers.skills and positions.required_skills stay as the names of
-- the held and required qualifications, kept in step by the store, for the
-- code that matches on them (the availability index, the SQL fallback, the
-- roster planner); volunteers.qualification_expiry holds the expiry of each
-- held one that has one (JSON {name: time}).
CREATE TABLE qualifications (
    id              BIGSERIAL PRIMARY KEY,
    name            TEXT NOT NULL,
    name_key        TEXT NOT NULL UNIQUE,
    names           TEXT NOT NULL DEFAULT '{}',
    description     TEXT NOT NULL DEFAULT '',
    descriptions    TEXT NOT NULL DEFAULT '{}',
    validity_months INTEGER CHECK (validity_months IS NULL OR validity_months > 0),
    created_by      BIGINT REFERENCES users (id) ON DELETE SET NULL,
    created_at TIMESTAMPTZ NOT NULL
);

-- A course: training sessions (shifts of kind TRAINING with its id) whose
-- every one attended, and a coordinator's mark, grant its qualification.
CREATE TABLE courses (
    id               BIGSERIAL PRIMARY KEY,
    name             TEXT NOT NULL,
    qualification_id BIGINT NOT NULL REFERENCES qualifications (id) ON DELETE CASCADE,
    created_by       BIGINT REFERENCES users (id) ON DELETE SET NULL,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX courses_qualification ON courses (qualification_id);

-- What a volunteer holds: one row per qualification, renewed in place (a
-- new grant moves granted_at and expires_at and clears the expiry warning).
CREATE TABLE held_qualifications (
    volunteer_id     BIGINT NOT NULL REFERENCES volunteers (id) ON DELETE CASCADE,
    qualification_id BIGINT NOT NULL REFERENCES qualifications (id) ON DELETE CASCADE,
    granted_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ,
    source           TEXT NOT NULL CHECK (source IN ('COURSE', 'GRANT')),
    course_id        BIGINT REFERENCES courses (id) ON DELETE SET NULL,
    note             TEXT NOT NULL DEFAULT '',
    granted_by       BIGINT REFERENCES users (id) ON DELETE SET NULL,
    expiry_warned_at TIMESTAMPTZ,
    PRIMARY KEY (volunteer_id, qualification_id)
);
CREATE INDEX held_qualifications_qualification ON held_qualifications (qualification_id);
CREATE INDEX held_qualifications_expiry ON held_qualifications (expires_at) WHERE expires_at IS NOT NULL;

CREATE TABLE position_qualifications (
    position_id      BIGINT NOT NULL REFERENCES positions (id) ON DELETE CASCADE,
    qualification_id BIGINT NOT NULL REFERENCES qualifications (id) ON DELETE CASCADE,
    PRIMARY KEY (position_id, qualification_id)
);
CREATE INDEX position_qualifications_qualification ON position_qualifications (qualification_id);

ALTER TABLE shifts ADD COLUMN kind TEXT NOT NULL DEFAULT 'SERVICE' CHECK (kind IN ('SERVICE', 'TRAINING'));
ALTER TABLE shifts ADD COLUMN course_id BIGINT REFERENCES courses (id) ON DELETE SET NULL;
CREATE INDEX shifts_course ON shifts (course_id) WHERE course_id IS NOT NULL;
ALTER TABLE volunteers ADD COLUMN qualification_expiry TEXT NOT NULL DEFAULT '{}';

-- Free-text skills become qualifications without validity: one per skill
-- (compared without case), held by the volunteers who had it and required
-- by the positions that asked for it.
INSERT INTO qualifications (name, name_key, created_at)
SELECT MIN(skill), skill_key, MIN(created_at) FROM (
    SELECT trim(j.value) AS skill, lower(trim(j.value)) AS skill_key, v.created_at
    FROM volunteers v CROSS JOIN LATERAL json_array_elements_text(v.skills::json) AS j(value)
    UNION ALL
    SELECT trim(j.value), lower(trim(j.value)), p.created_at
    FROM positions p CROSS JOIN LATERAL json_array_elements_text(p.required_skills::json) AS j(value)
) skills WHERE skill <> '' GROUP BY skill_key;
INSERT INTO held_qualifications (volunteer_id, qualification_id, granted_at, source, note)
SELECT DISTINCT v.id, q.id, v.created_at, 'GRANT', 'skill recorded before qualifications'
FROM volunteers v CROSS JOIN LATERAL json_array_elements_text(v.skills::json) AS j(value)
JOIN qualifications q ON q.name_key = lower(trim(j.value));
INSERT INTO position_qualifications (position_id, qualification_id)
SELECT DISTINCT p.id, q.id FROM positions p CROSS JOIN LATERAL json_array_elements_text(p.required_skills::json) AS j(value)
JOIN qualifications q ON q.name_key = lower(trim(j.value));
UPDATE volunteers SET skills = COALESCE((SELECT json_agg(q.name ORDER BY q.name)::text FROM held_qualifications h
    JOIN qualifications q ON q.id = h.qualification_id WHERE h.volunteer_id = volunteers.id), '[]');
UPDATE positions SET required_skills = COALESCE((SELECT json_agg(q.name ORDER BY q.name)::text FROM position_qualifications pq
    JOIN qualifications q ON q.id = pq.qualification_id WHERE pq.position_id = positions.id), '[]');

-- +goose Down
ALTER TABLE volunteers DROP COLUMN qualification_expiry;
DROP INDEX shifts_course;
ALTER TABLE shifts DROP COLUMN course_id;
ALTER TABLE shifts DROP COLUMN kind;
DROP TABLE position_qualifications;
DROP TABLE held_qualifications;
DROP TABLE courses;
DROP TABLE qualifications;
