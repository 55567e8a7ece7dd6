package reports

import "unicode"

// formulaStart are the characters with which a spreadsheet program reads a
// cell as a formula or a command (OWASP, "CSV Injection"): = + - @, tab and
// carriage return, and the full-width forms of the first four, which some
// programs fold to ASCII before they decide.
func formulaStart(r rune) bool {
	switch r {
	case '=', '+', '-', '@', '\t', '\r', '＝', '＋', '－', '＠':
		return true
	}
	return false
}

// plainNumber reports whether s is a decimal number ([+-]digits[.digits]),
// which no spreadsheet runs as a formula even with a sign in front.
func plainNumber(s string) bool {
	if s != "" && (s[0] == '+' || s[0] == '-') {
		s = s[1:]
	}
	digits, dot := 0, -1
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			digits++
		case c == '.' && dot < 0 && digits > 0:
			dot = i
		default:
			return false
		}
	}
	return digits > 0 && dot != len(s)-1
}

// SafeCell neutralises a text cell of an export: when a spreadsheet program
// would read it as a formula, it gets a leading single quote, which every
// program shows as text and none evaluates. The decision looks past leading
// spaces and invisible characters, since programs skip them too. Plain
// numbers stay as they are. Every CSV and XLSX cell the product writes goes
// through it (WriteCSV, WriteXLSX): names of volunteers, centres and
// positions come from people who may be attackers.
func SafeCell(s string) string {
	if s == "" {
		return s
	}
	// Most cells start with a letter or digit: decided without a loop.
	if c := s[0]; c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' {
		return s
	}
	if plainNumber(s) {
		return s
	}
	for _, r := range s {
		switch {
		case formulaStart(r):
			return "'" + s
		case unicode.IsSpace(r), unicode.Is(unicode.Cf, r): // spaces, zero-width characters, byte-order marks
			continue
		}
		return s
	}
	return s
}
