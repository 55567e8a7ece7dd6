package reports

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	ics "github.com/arran4/golang-ical"

	"github.com/konullu/konullu"
)

// What a feed covers: recent history and what is ahead.
const (
	feedPast   = 90 * 24 * time.Hour
	feedFuture = 366 * 24 * time.Hour
)

// AssignmentUID is the iCalendar UID of an assignment's event. It is the
// one notify's emailed invitations use, so that a calendar holding both
// keeps one event.
func AssignmentUID(id int64) string { return fmt.Sprintf("assignment-%d@konullu", id) }

// ShiftUID is the iCalendar UID of a shift's event in a centre's feed.
func ShiftUID(id int64) string { return fmt.Sprintf("shift-%d@konullu", id) }

// WriteFeed writes the events of a feed as an iCalendar (RFC 5545) file.
//
// Times are written in UTC (DTSTART:20250330T050000Z). An event with a
// TZID needs a VTIMEZONE with the zone's rules in the same file, which Go's
// zone database cannot produce faithfully, and Outlook ignores IANA names
// without one; UTC instants import right in Google Calendar, Apple Calendar
// and Outlook alike and are shown in the reader's own zone, which for a
// volunteer at a centre is the centre's. The wall-clock time in the centre's
// zone is repeated in the description for anyone reading from elsewhere.
//
// The words of the descriptions are in lang, the reader's language
// (language.go); "" is English.
func WriteFeed(w io.Writer, name string, events []konullu.CalendarEvent, now time.Time, centreFeed bool, lang konullu.Language) error {
	words := feedWords[lang]
	if words == nil {
		words = feedWords[konullu.LanguageEn]
	}
	cal := ics.NewCalendarFor("Könüllü")
	cal.SetMethod(ics.MethodPublish)
	cal.SetName(name)
	cal.SetXWRCalName(name)
	cal.SetRefreshInterval("PT1H")
	cal.SetXPublishedTTL("PT1H")
	for _, e := range events {
		uid := ShiftUID(e.ShiftID)
		if !centreFeed {
			uid = AssignmentUID(e.AssignmentID)
		}
		ev := cal.AddEvent(uid)
		ev.SetDtStampTime(now)
		ev.SetLastModifiedAt(e.UpdatedAt)
		// SEQUENCE must grow whenever the event changes: seconds since 2020 of the last change do.
		ev.SetSequence(int(max(0, e.UpdatedAt.Unix()-1577836800)))
		ev.SetStartAt(e.StartsAt)
		ev.SetEndAt(e.EndsAt)
		summary := e.PositionName + " — " + e.CentreName
		if centreFeed {
			summary = fmt.Sprintf("%s (%d/%d)", e.PositionName, e.Booked, e.Capacity)
		}
		ev.SetSummary(summary)
		loc := e.CentreName
		for _, part := range []string{e.CentreAddress, e.CentreCity} {
			if part != "" {
				loc += ", " + part
			}
		}
		ev.SetLocation(loc)
		zone, err := time.LoadLocation(e.CentreTimezone)
		if err != nil {
			zone = time.UTC
		}
		desc := []string{fmt.Sprintf("%s, %s–%s (%s)", e.StartsAt.In(zone).Format("2006-01-02"),
			e.StartsAt.In(zone).Format("15:04"), e.EndsAt.In(zone).Format("15:04"), zone)}
		desc = append(desc, words["position"]+e.PositionName)
		status := ics.ObjectStatusConfirmed
		switch {
		case e.ShiftStatus == konullu.ShiftCancelled:
			status = ics.ObjectStatusCancelled
			desc = append(desc, words["shiftCancelled"])
			if e.CancelReason != "" {
				desc = append(desc, words["reason"]+e.CancelReason)
			}
		case centreFeed:
		case e.AssignmentStatus == konullu.AssignmentCancelled:
			status = ics.ObjectStatusCancelled
			desc = append(desc, words[cancelWords(e.CancelledBy)])
		case e.AssignmentStatus == konullu.AssignmentWaitlisted:
			status = ics.ObjectStatusTentative
			desc = append(desc, words["waitlisted"])
		case e.AssignmentStatus == konullu.AssignmentNoShow:
			desc = append(desc, words["noShow"])
		}
		ev.SetStatus(status)
		ev.SetDescription(strings.Join(desc, "\n"))
		if status == ics.ObjectStatusCancelled {
			ev.SetTimeTransparency(ics.TransparencyTransparent)
		}
	}
	return cal.SerializeTo(w)
}

// Calendar serves GET /calendar/{file}: the feed whose secret is the file
// name before ".ics". The secret is the only credential (calendar programs
// cannot send a bearer token), so unknown and rotated secrets are 404. A
// centre's feed stops working once its owner no longer coordinates the
// centre (admins keep theirs).
func Calendar(d Deps) http.Handler {
	d = d.withDefaults()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		token, ok := strings.CutSuffix(r.PathValue("file"), ".ics")
		if !ok {
			d.fail(w, r, konullu.NotFound("calendar feed"))
			return
		}
		f, err := d.Reports.CalendarFeedByToken(r.Context(), token)
		if err != nil {
			d.fail(w, r, err)
			return
		}
		name := "Könüllü"
		if f.CentreID != 0 {
			users, err := d.Store.UsersByIDs(r.Context(), []int64{f.UserID})
			if err != nil {
				d.fail(w, r, err)
				return
			}
			u := users[f.UserID]
			// AUTHZ: a centre's feed is for its coordinators (and admins) only.
			if u == nil || !(&konullu.Viewer{UserID: u.ID, Roles: u.Roles, CentreIDs: u.CentreIDs}).CanManageCentre(f.CentreID) {
				d.fail(w, r, konullu.NotFound("calendar feed"))
				return
			}
			centres, err := d.Store.CentresByIDs(r.Context(), []int64{f.CentreID})
			if err != nil {
				d.fail(w, r, err)
				return
			}
			if c := centres[f.CentreID]; c != nil {
				name = "Könüllü — " + c.Name
			}
		}
		now := d.Now()
		events, err := d.Reports.CalendarEvents(r.Context(), f, now.Add(-feedPast), now.Add(feedFuture))
		if err != nil {
			d.fail(w, r, err)
			return
		}
		w.Header().Set("Content-Type", "text/calendar; charset=utf-8")
		w.Header().Set("Content-Disposition", `inline; filename="konullu.ics"`)
		w.Header().Set("Cache-Control", "private, max-age=300")
		w.Header().Set("Referrer-Policy", "no-referrer")
		lang, _, err := d.readerLanguage(r, f.UserID)
		if err != nil {
			d.fail(w, r, err)
			return
		}
		if err := WriteFeed(w, name, events, now, f.CentreID != 0, lang); err != nil {
			d.Logger.ErrorContext(r.Context(), "calendar feed failed", "error", err.Error())
			panic(http.ErrAbortHandler)
		}
	})
}

// cancelWords is the key of the words that say why a place was cancelled.
func cancelWords(c konullu.CancelCause) string {
	switch c {
	case konullu.CancelShiftCancelled:
		return "shiftCancelled"
	case konullu.CancelReleased:
		return "released"
	case konullu.CancelPlaceGiven:
		return "placeGiven"
	}
	return "withdrew"
}

// feedWords are the words of feed descriptions, by language.
var feedWords = map[konullu.Language]map[string]string{
	konullu.LanguageEn: {
		"position": "Position: ", "reason": "Reason: ", "shiftCancelled": "The centre cancelled this shift.",
		"withdrew": "You withdrew from this shift.", "released": "The coordinator released your place.",
		"placeGiven": "You gave your place to another volunteer.", "waitlisted": "You are on the waitlist.",
		"noShow": "Recorded as a no-show.",
	},
	konullu.LanguageAz: {
		"position": "Vəzifə: ", "reason": "Səbəb: ", "shiftCancelled": "Mərkəz bu növbəni ləğv edib.",
		"withdrew": "Siz bu növbədən imtina etmisiniz.", "released": "Koordinator yerinizi azad edib.",
		"placeGiven": "Yerinizi başqa könüllüyə vermisiniz.", "waitlisted": "Siz gözləmə siyahısındasınız.",
		"noShow": "Gəlmədiyiniz qeyd olunub.",
	},
	konullu.LanguageRu: {
		"position": "Должность: ", "reason": "Причина: ", "shiftCancelled": "Центр отменил эту смену.",
		"withdrew": "Вы отказались от этой смены.", "released": "Координатор освободил ваше место.",
		"placeGiven": "Вы передали своё место другому волонтёру.", "waitlisted": "Вы в листе ожидания.",
		"noShow": "Отмечена неявка.",
	},
}
