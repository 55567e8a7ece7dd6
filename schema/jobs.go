package schema

import (
	"context"
	"slices"
	"strings"

	"github.com/graph-gophers/graphql-go"

	"github.com/konullu/konullu"
)

// JobRunner runs a scheduled job now and returns the recorded run
// (jobs.Scheduler.RunNow).
type JobRunner interface {
	RunNow(ctx context.Context, name string) (*konullu.JobRun, error)
}

// jobDeps are the root's dependencies for jobs and notifications; nil when
// the deployment has none (the API then answers UNAVAILABLE for them).
type jobDeps struct {
	notes    konullu.NotificationStore
	jobStore konullu.JobStore
	jobs     JobRunner
}

// errNoJobs answers the jobs and notifications API when it is not wired.
var errNoJobs = &konullu.Error{Code: konullu.EUNAVAILABLE, Message: "jobs and notifications are not available on this server"}

// withJobDefaults takes the notification and job stores from Store when it
// implements them, as store.DB does.
func (c Config) withJobDefaults() Config {
	if c.Notifications == nil {
		c.Notifications, _ = c.Store.(konullu.NotificationStore)
	}
	if c.JobStore == nil {
		c.JobStore, _ = c.Store.(konullu.JobStore)
	}
	return c
}

// jobRunResolver resolves JobRun.
type jobRunResolver struct{ run *konullu.JobRun }

func (j *jobRunResolver) ID() graphql.ID        { return globalID(kindJobRun, j.run.ID) }
func (j *jobRunResolver) Job() string           { return j.run.Job }
func (j *jobRunResolver) Instance() string      { return j.run.Instance }
func (j *jobRunResolver) StartedAt() dateTime   { return dateTime{j.run.StartedAt} }
func (j *jobRunResolver) FinishedAt() *dateTime { return dateTimePtr(j.run.FinishedAt) }
func (j *jobRunResolver) Status() string        { return string(j.run.Status) }
func (j *jobRunResolver) Items() int32          { return int32(j.run.Items) }
func (j *jobRunResolver) Error() *string        { return optional(j.run.Error) }

// pageSize reads an optional first argument: 1 to maxPageSize, default defaultPageSize.
func pageSize(first *int32) (int, error) {
	if first == nil {
		return defaultPageSize, nil
	}
	if *first < 1 || *first > maxPageSize {
		return 0, konullu.Invalid("first", "must be between 1 and %d", maxPageSize)
	}
	return int(*first), nil
}

// JobNames resolves Query.jobNames.
func (r *root) JobNames(ctx context.Context) ([]string, error) {
	// AUTHZ: the jobs are for admins.
	if err := requireAdmin(ctx); err != nil {
		return nil, err
	}
	return slices.Clone(konullu.JobNames), nil
}

// JobRuns resolves Query.jobRuns.
func (r *root) JobRuns(ctx context.Context, args struct {
	Job   *string
	First *int32
}) ([]*jobRunResolver, error) {
	// AUTHZ: job runs (instances, errors) are for admins.
	if err := requireAdmin(ctx); err != nil {
		return nil, err
	}
	if r.jobStore == nil {
		return nil, errNoJobs
	}
	limit, err := pageSize(args.First)
	if err != nil {
		return nil, err
	}
	job := deref(args.Job)
	if job != "" && !slices.Contains(konullu.JobNames, job) {
		return nil, konullu.Invalid("job", "unknown job %q", job)
	}
	runs, err := r.jobStore.JobRuns(ctx, job, limit)
	if err != nil {
		return nil, err
	}
	out := make([]*jobRunResolver, len(runs))
	for i, run := range runs {
		out[i] = &jobRunResolver{run}
	}
	return out, nil
}

// RunJob resolves Mutation.runJob.
func (r *root) RunJob(ctx context.Context, args struct{ Name string }) (*jobRunResolver, error) {
	// AUTHZ: only admins run jobs by hand.
	if err := requireAdmin(ctx); err != nil {
		return nil, err
	}
	if !slices.Contains(konullu.JobNames, args.Name) {
		return nil, konullu.Invalid("name", "unknown job %q; jobs are %s", args.Name, strings.Join(konullu.JobNames, ", "))
	}
	if r.jobs == nil {
		return nil, errNoJobs
	}
	run, err := r.jobs.RunNow(ctx, args.Name)
	if err != nil {
		return nil, err
	}
	return &jobRunResolver{run}, nil
}

// jobRunByID returns a job run for an admin, nil for anyone else.
func (r *root) jobRunByID(ctx context.Context, id int64) (*jobRunResolver, error) {
	// AUTHZ: job runs are for admins; others get null, as for objects that do not exist.
	if !konullu.ViewerFrom(ctx).IsAdmin() || r.jobStore == nil {
		return nil, nil
	}
	m, err := r.jobStore.JobRunsByIDs(ctx, []int64{id})
	if err != nil || m[id] == nil {
		return nil, err
	}
	return &jobRunResolver{m[id]}, nil
}
