package jobs

import (
	"context"
	"time"

	"github.com/konullu/konullu"
)

// reminders sends each confirmed volunteer the reminder due now: 24 and 2
// hours before the start by default, only the nearest kind that is due and
// never once the shift has started (konullu.ReminderDue). It works from the
// database, not from the tick, so after downtime it catches up on what is
// still useful; the reminders table's key makes it send each once.
func (s *Scheduler) reminders() Job {
	return Job{Name: konullu.JobReminders, Spec: DefaultSchedules[konullu.JobReminders], Timeout: 10 * time.Minute,
		Run: func(ctx context.Context, now time.Time) (int, error) {
			return s.cfg.Store.EnqueueReminders(ctx, now, s.set.ReminderLeads)
		}}
}

// definitions lists the jobs in the order runs are shown.
func (s *Scheduler) definitions() []Job {
	return []Job{s.reminders(), s.noShows(), s.hourTally(), s.digest(), s.reindex(), s.rosterProposals(), s.placeOffers(),
		s.qualificationExpiry()}
}
