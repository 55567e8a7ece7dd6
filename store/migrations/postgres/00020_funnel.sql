-- +goose Up
-- The programme report's funnel: for each accepted applicant, the shifts
-- they attended. Only attended assignments are in the index (a fraction of
-- all), with the shift's id, so that the report reads them without the
-- table; the shift's start comes from shifts_id_starts the same way.
CREATE INDEX assignments_attended ON assignments (volunteer_id, shift_id) WHERE status IN ('CHECKED_IN', 'COMPLETED');
CREATE INDEX shifts_id_starts ON shifts (id) INCLUDE (starts_at);
-- Accepted applications of a period across all cohorts.
CREATE INDEX applications_accepted ON applications (created_at) INCLUDE (cohort_id, volunteer_id, id) WHERE status = 'ACCEPTED';

-- +goose Down
DROP INDEX applications_accepted;
DROP INDEX shifts_id_starts;
DROP INDEX assignments_attended;
