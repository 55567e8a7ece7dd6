package notify

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/konullu/konullu"
)

func TestRenderEveryKindInEveryLanguage(t *testing.T) {
	start := time.Date(2030, 3, 4, 6, 0, 0, 0, time.UTC) // 10:00 in Baku
	payloads := map[konullu.NotificationKind]any{
		konullu.NotifyReminder:          map[string]any{"reminder": "2h", "leadMinutes": 120},
		konullu.NotifyAward:             map[string]any{"thresholdHours": 100, "minutes": 6030, "band": "15-25"},
		konullu.NotifyShiftCancelled:    map[string]any{"reason": "su kəsilib"},
		konullu.NotifySeriesCancelled:   map[string]any{"reason": "təmir", "seriesShifts": 3},
		konullu.NotifySeriesChanged:     map[string]any{"seriesShifts": 2},
		konullu.NotifyAssigned:          map[string]any{"status": "WAITLISTED"},
		konullu.NotifyDigestCoordinator: map[string]any{"week": "2030-W10", "understaffed": 1, "shifts": []any{map[string]any{"id": 1, "centre": "ASAN 1", "timezone": "Asia/Baku", "position": "Guide", "startsAt": "2030-03-05T06:00:00Z", "confirmed": 1, "capacity": 3}}},
		konullu.NotifyDigestStaff:       map[string]any{"from": "2030-02-25T00:00:00Z", "to": "2030-03-04T00:00:00Z", "activeVolunteers": 7, "minutes": 1200, "assignments": 9, "noShows": 2, "shiftsFilled": 3, "shiftsUnderstaffed": 1},
	}
	kinds := []konullu.NotificationKind{konullu.NotifySignupConfirmed, konullu.NotifyPromoted, konullu.NotifyAssigned, konullu.NotifyShiftCancelled,
		konullu.NotifyShiftChanged, konullu.NotifySeriesChanged, konullu.NotifySeriesCancelled, konullu.NotifyReminder, konullu.NotifyAward, konullu.NotifyDigestCoordinator, konullu.NotifyDigestStaff, konullu.NotifyConsentRecorded}
	for _, lang := range []konullu.Language{konullu.LanguageAz, konullu.LanguageEn, konullu.LanguageRu} {
		for _, k := range kinds {
			m := &konullu.OutboxMessage{ID: 1, Kind: k, Recipient: konullu.Recipient{Name: "Aysel", Language: lang}}
			if p, ok := payloads[k]; ok {
				m.Payload, _ = json.Marshal(p)
			}
			if k != konullu.NotifyAward && k != konullu.NotifyDigestCoordinator && k != konullu.NotifyDigestStaff && k != konullu.NotifyConsentRecorded {
				m.Shift = &konullu.ShiftDetails{ShiftID: 1, AssignmentID: 2, StartsAt: start, EndsAt: start.Add(4 * time.Hour),
					CentreName: "ASAN xidmət №1", CentreTimezone: "Asia/Baku", PositionName: "Bələdçi", Status: konullu.ShiftPublished}
			}
			msg, err := Render(m)
			if err != nil {
				t.Fatalf("%s/%s: %v", lang, k, err)
			}
			if msg.Title == "" || msg.Body == "" || strings.ContainsAny(msg.Title+msg.Body, "{}") {
				t.Errorf("%s/%s: %q / %q", lang, k, msg.Title, msg.Body)
			}
			if _, err := AsEmail(msg, m.Recipient); err != nil {
				t.Fatal(err)
			}
		}
	}
	m := &konullu.OutboxMessage{Kind: konullu.NotifyReminder, Payload: json.RawMessage(`{"leadMinutes":120}`),
		Recipient: konullu.Recipient{Language: konullu.LanguageRu},
		Shift:     &konullu.ShiftDetails{StartsAt: start, CentreName: "ASAN", CentreTimezone: "Asia/Baku", PositionName: "Гид"}}
	msg, _ := Render(m)
	if want := "Напоминание: смена начнётся через 2 часа"; msg.Title != want {
		t.Fatalf("title %q, want %q", msg.Title, want)
	}
	if !strings.Contains(msg.Body, "понедельник, 4 марта 2030, 10:00 (Asia/Baku)") {
		t.Fatalf("the shift's local time is wrong: %q", msg.Body)
	}
	m.Recipient.Language = "xx"
	if msg, _ := Render(m); msg.Language != konullu.LanguageAz || !strings.Contains(msg.Title, "2 saat") {
		t.Fatalf("unknown languages fall back to az: %+v", msg)
	}
}

func TestRuPlural(t *testing.T) {
	for n, want := range map[int]string{1: "1 час", 2: "2 часа", 5: "5 часов", 11: "11 часов", 21: "21 час", 24: "24 часа", 112: "112 часов"} {
		if got := ruPlural(n, "час", "часа", "часов"); got != want {
			t.Errorf("%d: %q, want %q", n, got, want)
		}
	}
}

func TestEmailHTMLEscapes(t *testing.T) {
	e, err := AsEmail(Message{Language: konullu.LanguageEn, Title: "<b>t</b>", Body: "a <script>\n\nb"}, konullu.Recipient{Name: "<i>x</i>"})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(e.HTML, "<script>") || strings.Contains(e.HTML, "<i>x") || !strings.Contains(e.HTML, "&lt;script&gt;") {
		t.Fatalf("unescaped HTML: %s", e.HTML)
	}
}

func TestRedact(t *testing.T) {
	got := redact("550 5.1.1 <aysel.m@example.az>: Recipient address rejected")
	if strings.Contains(got, "aysel.m") || !strings.Contains(got, "a***@example.az") {
		t.Fatal(got)
	}
}

// TestRenderSwapsAndMessages: the kinds of place swaps, messages and the
// reminder that asks for a confirmation, in every language.
func TestRenderSwapsAndMessages(t *testing.T) {
	start := time.Date(2030, 3, 4, 6, 0, 0, 0, time.UTC)
	shift := &konullu.ShiftDetails{ShiftID: 1, StartsAt: start, EndsAt: start.Add(4 * time.Hour),
		CentreName: "ASAN xidmət №1", CentreTimezone: "Asia/Baku", PositionName: "Bələdçi", Status: konullu.ShiftPublished}
	cases := []struct {
		kind    konullu.NotificationKind
		payload string
		want    map[konullu.Language]string // in the body
	}{
		{konullu.NotifyPlaceOffered, `{"offerId":3}`, map[konullu.Language]string{konullu.LanguageEn: "offers their place in the Bələdçi shift"}},
		{konullu.NotifyPlaceTaken, `{}`, map[konullu.Language]string{konullu.LanguageRu: "Вы освобождены"}},
		{konullu.NotifyOfferExpired, `{"offerId":3}`, map[konullu.Language]string{konullu.LanguageEn: "The place is still yours"}},
		{konullu.NotifyOfferExpired, `{"offerId":3,"coordinator":true,"name":"Aysel Məmmədova"}`,
			map[konullu.Language]string{konullu.LanguageAz: "Aysel Məmmədova", konullu.LanguageEn: "Aysel Məmmədova offered their place"}},
		{konullu.NotifyReminder, `{"leadMinutes":1440,"askConfirm":true}`,
			map[konullu.Language]string{konullu.LanguageEn: "reply YES (coming) or NO", konullu.LanguageAz: "BƏLİ", konullu.LanguageRu: "ДА (приду)"}},
		{konullu.NotifyMessage, `{"subject":"Come at 11:00 {not a placeholder}","message":"The hall opens later.","centre":"ASAN 1"}`,
			map[konullu.Language]string{konullu.LanguageEn: "The hall opens later.\n\n— the coordinator of ASAN 1"}},
	}
	for _, lang := range []konullu.Language{konullu.LanguageAz, konullu.LanguageEn, konullu.LanguageRu} {
		for _, c := range cases {
			m := &konullu.OutboxMessage{ID: 1, Kind: c.kind, Payload: json.RawMessage(c.payload), Shift: shift,
				Recipient: konullu.Recipient{Name: "Aysel", Language: lang}}
			msg, err := Render(m)
			if err != nil {
				t.Fatalf("%s/%s: %v", lang, c.kind, err)
			}
			if msg.Title == "" || msg.Body == "" || c.kind != konullu.NotifyMessage && strings.ContainsAny(msg.Title+msg.Body, "{}") {
				t.Errorf("%s/%s: %q / %q", lang, c.kind, msg.Title, msg.Body)
			}
			if w, ok := c.want[lang]; ok && !strings.Contains(msg.Body, w) {
				t.Errorf("%s/%s: body %q lacks %q", lang, c.kind, msg.Body, w)
			}
		}
	}
	// Without askConfirm (the 2-hour reminder) nothing is asked.
	m := &konullu.OutboxMessage{Kind: konullu.NotifyReminder, Payload: json.RawMessage(`{"leadMinutes":120}`), Shift: shift,
		Recipient: konullu.Recipient{Language: konullu.LanguageEn}}
	if msg, _ := Render(m); strings.Contains(msg.Body, "YES") {
		t.Errorf("the 2-hour reminder asks for a confirmation: %q", msg.Body)
	}
}
