-- +goose Up
-- The programme report's funnel: for each accepted applicant, the shifts
-- they attended. Only attended assignments are in the index, with the
-- shift's id, so that the report reads them without the table.
CREATE INDEX assignments_attended ON assignments (volunteer_id, shift_id) WHERE status IN ('CHECKED_IN', 'COMPLETED');
-- Accepted applications of a period across all cohorts.
CREATE INDEX applications_accepted ON applications (created_at) INCLUDE (cohort_id, volunteer_id, id) WHERE status = 'ACCEPTED';

-- +goose Down
DROP INDEX applications_accepted;
DROP INDEX assignments_attended;
