// Package jobs will hold the scheduled jobs (reminders, no-shows, hour tallies, digest, reindex).
package jobs
