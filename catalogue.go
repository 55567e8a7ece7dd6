package konullu

import (
	"context"
	"time"
)

// The catalogue (issue 12): centres and positions carry their names and
// descriptions in the app's languages, are edited by admins (and a centre
// by its coordinators), and are archived rather than deleted once they have
// history (shifts): an archived one leaves the pickers and browse lists,
// while shifts, assignments, reports and letters keep naming it.

// Limits of the catalogue's texts.
const (
	MaxCentreName          = 200
	MaxCentreDescription   = 2000
	MaxPositionName        = 200
	MaxPositionDescription = 2000
)

// Localized is text in a language: m[lang] when set, else main.
func Localized(main string, m map[string]string, lang Language) string {
	if s := m[string(lang)]; s != "" {
		return s
	}
	return main
}

// NameIn is the centre's name in a language (its main name when missing).
func (c *Centre) NameIn(lang Language) string { return Localized(c.Name, c.Names, lang) }

// DescriptionIn is the centre's description in a language.
func (c *Centre) DescriptionIn(lang Language) string {
	return Localized(c.Description, c.Descriptions, lang)
}

// Archived reports whether the centre is archived.
func (c *Centre) Archived() bool { return !c.ArchivedAt.IsZero() }

// NameIn is the position's name in a language (its main name when missing).
func (p *Position) NameIn(lang Language) string { return Localized(p.Name, p.Names, lang) }

// DescriptionIn is the position's description in a language.
func (p *Position) DescriptionIn(lang Language) string {
	return Localized(p.Description, p.Descriptions, lang)
}

// Archived reports whether the position is archived.
func (p *Position) Archived() bool { return !p.ArchivedAt.IsZero() }

// CentreUpdate changes the fields that are not nil. Names and Descriptions
// replace the whole map when given.
type CentreUpdate struct {
	Name         *string
	Names        map[string]string
	Description  *string
	Descriptions map[string]string
	City         *string
	Address      *string
	Timezone     *string
}

// PositionUpdate changes the fields that are not nil. QualificationIDs, when
// not nil, replaces what the position requires.
type PositionUpdate struct {
	Name             *string
	Names            map[string]string
	Description      *string
	Descriptions     map[string]string
	MinimumAge       *int
	QualificationIDs *[]int64
}

// CatalogueStore edits centres and positions. Archiving refuses with
// CONFLICT while shifts that have not ended and are not cancelled remain
// (extensions.comingShifts); deleting refuses with CONFLICT (extensions
// reason HAS_HISTORY) once any shift has used the centre or position.
type CatalogueStore interface {
	UpdateCentre(ctx context.Context, id int64, u CentreUpdate) (*Centre, error)
	UpdatePosition(ctx context.Context, id int64, u PositionUpdate) (*Position, error)
	SetCentreArchived(ctx context.Context, id int64, archived bool, now time.Time) (*Centre, error)
	SetPositionArchived(ctx context.Context, id int64, archived bool, now time.Time) (*Position, error)
	DeleteCentre(ctx context.Context, id int64) error
	DeletePosition(ctx context.Context, id int64) error
}

// ReasonHasHistory is extensions.reason of a refused deletion.
const ReasonHasHistory = "HAS_HISTORY"
