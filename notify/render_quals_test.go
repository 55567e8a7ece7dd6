package notify

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/konullu/konullu"
)

// The expiry warning names the qualification in the recipient's language
// (the main name when it has none there) and the date.
func TestRenderQualificationExpiring(t *testing.T) {
	payload, _ := json.Marshal(map[string]any{"name": "First aid", "names": map[string]string{"az": "İlk tibbi yardım", "ru": "Первая помощь"},
		"expiresAt": "2030-04-03T05:00:00Z"})
	for lang, want := range map[konullu.Language][]string{
		konullu.LanguageAz: {"İlk tibbi yardım", "2030"},
		konullu.LanguageEn: {"First aid", "2030"},
		konullu.LanguageRu: {"Первая помощь", "2030"},
	} {
		m, err := Render(&konullu.OutboxMessage{ID: 1, Kind: konullu.NotifyQualificationExpiring, Payload: payload,
			Recipient: konullu.Recipient{Name: "Aysel", Language: lang}})
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range want {
			if !strings.Contains(m.Title+m.Body, w) {
				t.Errorf("%s: %q lacks %q", lang, m.Title+"\n"+m.Body, w)
			}
		}
		if strings.ContainsAny(m.Title+m.Body, "{}") {
			t.Errorf("%s: a placeholder is left: %q", lang, m.Body)
		}
	}
}
