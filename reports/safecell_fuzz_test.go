package reports_test

import (
	"testing"

	"github.com/konullu/konullu/reports"
)

// FuzzSafeCell: whatever the text, the cell written is the text itself or
// the text behind one quote, and never reads as a formula.
func FuzzSafeCell(f *testing.F) {
	for _, s := range hostileCells {
		f.Add(s)
	}
	f.Add("Aysel Məmmədova")
	f.Add("-12.5")
	f.Fuzz(func(t *testing.T, s string) {
		got := reports.SafeCell(s)
		if got != s && got != "'"+s {
			t.Fatalf("SafeCell(%q) = %q", s, got)
		}
		if formulaLike(got) {
			t.Fatalf("SafeCell(%q) = %q reads as a formula", s, got)
		}
	})
}
