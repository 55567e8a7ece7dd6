package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/konullu/konullu"
)

// The programme's qualifications: positions require them and volunteers
// hold them (the seeder's skills are their names), and a course of two
// training sessions grants the basic one.
var qualifications = []konullu.Qualification{
	{Name: "ASAN School basic course", Names: map[string]string{"az": "ASAN məktəbi: əsas kurs", "en": "ASAN School basic course", "ru": "Школа ASAN: базовый курс"},
		Description: "The service standards, the centres' agencies and how to guide citizens."},
	{Name: "First aid", ValidityMonths: 24, Names: map[string]string{"az": "İlk tibbi yardım", "en": "First aid", "ru": "Первая помощь"},
		Description: "A first-aid certificate; renewed every two years."},
	{Name: "English B2", Names: map[string]string{"az": "İngilis dili B2", "en": "English B2", "ru": "Английский язык B2"},
		Description: "Upper-intermediate English, for helping foreign visitors."},
}

func (s *seeder) createQualifications(ctx context.Context) error {
	qs, ok := s.st.(konullu.QualificationStore)
	if !ok {
		return nil
	}
	for _, q := range qualifications {
		q := q
		if err := qs.CreateQualification(ctx, &q); err != nil && konullu.ErrorCode(err) != konullu.ECONFLICT {
			return fmt.Errorf("qualification %q: %w", q.Name, err)
		}
	}
	return nil
}

// createCourse opens the basic course at the first centre: two morning
// sessions in the coming days, published for signup.
func (s *seeder) createCourse(ctx context.Context) error {
	qs, ok := s.st.(konullu.QualificationStore)
	if !ok || len(s.centres) == 0 || len(s.positions) == 0 {
		return nil
	}
	all, err := qs.Qualifications(ctx)
	if err != nil {
		return err
	}
	var basic int64
	for _, q := range all {
		if q.Name == qualifications[0].Name {
			basic = q.ID
		}
	}
	if basic == 0 {
		return nil
	}
	c := &konullu.Course{Name: "ASAN School basic course — winter intake", QualificationID: basic}
	if err := qs.CreateCourse(ctx, c); err != nil {
		return fmt.Errorf("course: %w", err)
	}
	now := s.opts.Now.In(s.loc)
	var periods []konullu.Period
	for _, days := range []int{2, 4} {
		d := now.AddDate(0, 0, days)
		start := time.Date(d.Year(), d.Month(), d.Day(), 10, 0, 0, 0, s.loc)
		periods = append(periods, konullu.Period{StartsAt: start, EndsAt: start.Add(3 * time.Hour)})
	}
	if _, err := s.st.CreateShifts(ctx, konullu.NewShifts{CentreID: s.centres[0].ID, PositionID: s.positions[0].ID, Capacity: 20,
		Publish: true, Kind: konullu.ShiftTraining, CourseID: c.ID, Periods: periods}); err != nil {
		return fmt.Errorf("course sessions: %w", err)
	}
	s.res.Shifts += len(periods)
	return nil
}
