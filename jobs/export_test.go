package jobs

// Fire runs a job as a cron tick would: skipped when another instance holds
// its lease.
func (s *Scheduler) Fire(name string) { s.scheduled(s.jobs[name]) }
