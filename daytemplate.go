package konullu

import (
	"context"
	"fmt"
	"slices"
	"time"
)

// DayBlock is a block of a centre's day: the part of a weekday its shifts
// use, wall-clock "HH:MM" in the centre's time zone on quarter hours (the
// step of availability), e.g. 09:00–13:30 and 13:30–18:00 on weekdays.
// A centre's day template is its blocks, sorted by weekday and start; the
// availability editor offers them to the volunteers who prefer the centre
// as their choices.
type DayBlock struct {
	Weekday    int    // 1 = Monday … 7 = Sunday
	Start, End string // "HH:MM", Start before End; End may be "24:00"
}

// MaxDayBlocks bounds a centre's day template; a template is derived from
// the shifts of DeriveTemplateDays before and after today.
const (
	MaxDayBlocks       = 70
	DeriveTemplateDays = 28
)

// ValidateDayTemplate checks a day template as a coordinator sets it: at
// most MaxDayBlocks blocks, each on a weekday 1–7, with quarter-hour times,
// start before end, sorted by weekday and start and not overlapping (blocks
// that touch are the rule: 09:00–13:30 and 13:30–18:00). Errors are
// INVALID_INPUT naming the field, e.g. "blocks[1].start".
func ValidateDayTemplate(blocks []DayBlock) error {
	if len(blocks) > MaxDayBlocks {
		return Invalid("blocks", "at most %d blocks", MaxDayBlocks)
	}
	for i, b := range blocks {
		field := fmt.Sprintf("blocks[%d]", i)
		if b.Weekday < 1 || b.Weekday > 7 {
			return Invalid(field+".weekday", "weekdays are 1 (Monday) to 7 (Sunday)")
		}
		r, err := parseRange(field, b.Start, b.End)
		if err != nil {
			return err
		}
		if i == 0 {
			continue
		}
		p := blocks[i-1]
		pr, _ := clockRange(p.Start, p.End)
		switch {
		case b.Weekday < p.Weekday || b.Weekday == p.Weekday && r.Start < pr.Start:
			return Invalid(field+".start", "blocks must be in order of weekday and start")
		case b.Weekday == p.Weekday && r.Start < pr.End:
			return Invalid(field+".start", "overlaps the block before it (%s–%s); blocks may touch, not overlap", p.Start, p.End)
		}
	}
	return nil
}

// DeriveDayTemplate is the day template of a centre that has not set one:
// the blocks its shifts use, read from their local start and end times. On
// each weekday the starts and ends of its shifts cut the day, and every
// piece some shift covers is a block, so 09:00–13:30 and 13:30–18:00 give
// those two blocks, and 09:00–17:00 with 12:00–20:00 give 09:00–12:00,
// 12:00–17:00 and 17:00–20:00: any of those shifts is a run of whole blocks.
// Shifts that cross midnight or whose times are not on quarter hours are
// left out.
func DeriveDayTemplate(periods []Period, loc *time.Location) []DayBlock {
	var spans [8][]MinuteRange
	for _, p := range periods {
		s, e := p.StartsAt.In(loc), p.EndsAt.In(loc)
		if !DateOf(s).Equal(DateOf(e)) && !(e.Hour() == 0 && e.Minute() == 0 && DateOf(e).Sub(DateOf(s)) == 24*time.Hour) {
			continue
		}
		sm := s.Hour()*60 + s.Minute()
		em := e.Hour()*60 + e.Minute()
		if em == 0 {
			em = 24 * 60
		}
		if sm%SlotMinutes != 0 || em%SlotMinutes != 0 || s.Second() != 0 || e.Second() != 0 || em <= sm {
			continue
		}
		wd := ISOWeekday(s)
		if !slices.Contains(spans[wd], MinuteRange{sm, em}) {
			spans[wd] = append(spans[wd], MinuteRange{sm, em})
		}
	}
	out := []DayBlock{}
	for wd := 1; wd <= 7; wd++ {
		var cuts []int
		for _, r := range spans[wd] {
			cuts = append(cuts, r.Start, r.End)
		}
		slices.Sort(cuts)
		cuts = slices.Compact(cuts)
		for i := 0; i+1 < len(cuts); i++ {
			piece := MinuteRange{cuts[i], cuts[i+1]}
			if covered(spans[wd], piece) {
				out = append(out, DayBlock{Weekday: wd, Start: FormatClock(piece.Start), End: FormatClock(piece.End)})
			}
		}
	}
	return out
}

// DayTemplateStore keeps the centres' day templates.
type DayTemplateStore interface {
	// DayTemplates returns the templates the centres set (centres without
	// one are absent).
	DayTemplates(ctx context.Context, centreIDs []int64) (map[int64][]DayBlock, error)
	// SetDayTemplate replaces a centre's template (validated by the
	// caller); an empty one returns the centre to the derived template.
	// NOT_FOUND when there is no such centre.
	SetDayTemplate(ctx context.Context, centreID int64, blocks []DayBlock) error
	// ShiftPeriodsOf returns the periods of a centre's shifts that start
	// within DeriveTemplateDays before or after now (the store's clock),
	// cancelled ones left out, at most limit of them.
	ShiftPeriodsOf(ctx context.Context, centreID int64, limit int) ([]Period, error)
	// BusyVolunteers returns the volunteers holding an active assignment
	// (CONFIRMED, WAITLISTED, CHECKED_IN) in a shift that overlaps [start, end).
	BusyVolunteers(ctx context.Context, start, end time.Time) ([]int64, error)
}
