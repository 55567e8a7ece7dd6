package schema

import (
	"context"
	"time"

	"github.com/graph-gophers/graphql-go"

	"github.com/konullu/konullu"
)

// centreResolver resolves Centre. Centres are public: anyone may browse
// where volunteers are needed. Names and descriptions are in the reader's
// language (lang.go).
type centreResolver struct{ c *konullu.Centre }

func (c *centreResolver) ID() graphql.ID { return globalID(kindCentre, c.c.ID) }
func (c *centreResolver) Name(ctx context.Context) string {
	return c.c.NameIn(readerLanguage(ctx))
}
func (c *centreResolver) City() string     { return c.c.City }
func (c *centreResolver) Address() *string { return optional(c.c.Address) }
func (c *centreResolver) Timezone() string { return c.c.Timezone }
func (c *centreResolver) Description(ctx context.Context) *string {
	return optional(c.c.DescriptionIn(readerLanguage(ctx)))
}
func (c *centreResolver) MainName() string             { return c.c.Name }
func (c *centreResolver) Names() *localizedText        { return &localizedText{c.c.Names} }
func (c *centreResolver) MainDescription() *string     { return optional(c.c.Description) }
func (c *centreResolver) Descriptions() *localizedText { return &localizedText{c.c.Descriptions} }
func (c *centreResolver) Archived() bool               { return c.c.Archived() }
func (c *centreResolver) ArchivedAt() *dateTime        { return optionalTime(c.c.ArchivedAt) }

func optionalTime(t time.Time) *dateTime {
	if t.IsZero() {
		return nil
	}
	return &dateTime{t}
}

// includeArchived: archived centres and positions are listed for those who
// edit the catalogue (admins and coordinators); FORBIDDEN to others.
func includeArchived(ctx context.Context, asked *bool) (bool, error) {
	if asked == nil || !*asked {
		return false, nil
	}
	if err := requireCoordinatorOrAdmin(ctx); err != nil {
		return false, err
	}
	return true, nil
}

// Centres resolves Query.centres: those in use, by city then name, unless
// archived ones are asked for too.
func (r *root) Centres(ctx context.Context, args struct{ IncludeArchived *bool }) ([]*centreResolver, error) {
	all, err := includeArchived(ctx, args.IncludeArchived)
	if err != nil {
		return nil, err
	}
	list, err := r.store.Centres(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]*centreResolver, 0, len(list))
	for _, c := range list {
		if all || !c.Archived() {
			out = append(out, &centreResolver{c})
		}
	}
	return out, nil
}

func (r *root) centreByID(ctx context.Context, id int64) (*centreResolver, error) {
	c, ok, err := loadersFrom(ctx).centres.Get(ctx, id)
	if err != nil || !ok {
		return nil, err
	}
	return &centreResolver{c}, nil
}

type centreInput struct {
	Name         string
	City         string
	Address      *string
	Timezone     string
	Names        *localizedTextInput
	Description  *string
	Descriptions *localizedTextInput
}

// CreateCentre resolves Mutation.createCentre.
func (r *root) CreateCentre(ctx context.Context, args struct{ Input centreInput }) (*centreResolver, error) {
	// AUTHZ: only admins create centres.
	if err := requireAdmin(ctx); err != nil {
		return nil, err
	}
	in := args.Input
	c := &konullu.Centre{}
	var err error
	if c.Name, err = konullu.CleanText("name", in.Name, true, konullu.MaxCentreName); err != nil {
		return nil, err
	}
	if c.City, err = konullu.CleanText("city", in.City, true, 100); err != nil {
		return nil, err
	}
	if c.Address, err = konullu.CleanText("address", deref(in.Address), false, 300); err != nil {
		return nil, err
	}
	if _, err = konullu.ValidateTimezone("timezone", in.Timezone); err != nil {
		return nil, err
	}
	c.Timezone = in.Timezone
	if c.Names, err = cleanLocalized("names", in.Names, konullu.MaxCentreName); err != nil {
		return nil, err
	}
	if c.Description, err = konullu.CleanText("description", deref(in.Description), false, konullu.MaxCentreDescription); err != nil {
		return nil, err
	}
	if c.Descriptions, err = cleanLocalized("descriptions", in.Descriptions, konullu.MaxCentreDescription); err != nil {
		return nil, err
	}
	if err := r.store.CreateCentre(ctx, c); err != nil {
		return nil, err
	}
	auditCreated(ctx, kindCentre, c.ID)
	loadersFrom(ctx).reset()
	return &centreResolver{c}, nil
}

func (r *root) catalogue() (konullu.CatalogueStore, error) {
	cs, ok := r.store.(konullu.CatalogueStore)
	if !ok {
		return nil, &konullu.Error{Code: konullu.EUNAVAILABLE, Message: "the catalogue cannot be edited on this server"}
	}
	return cs, nil
}

type updateCentreInput struct {
	Name         *string
	Names        *localizedTextInput
	Description  *string
	Descriptions *localizedTextInput
	City         *string
	Address      *string
	Timezone     *string
}

// UpdateCentre resolves Mutation.updateCentre.
func (r *root) UpdateCentre(ctx context.Context, args struct {
	ID    graphql.ID
	Input updateCentreInput
}) (*centreResolver, error) {
	id, err := parseID("id", kindCentre, args.ID)
	if err != nil {
		return nil, err
	}
	// AUTHZ: admins, and the centre's coordinators (not its time zone).
	if err := requireManager(ctx, id); err != nil {
		return nil, err
	}
	in := args.Input
	var u konullu.CentreUpdate
	if in.Name != nil {
		s, err := konullu.CleanText("name", *in.Name, true, konullu.MaxCentreName)
		if err != nil {
			return nil, err
		}
		u.Name = &s
	}
	if in.Names != nil {
		if u.Names, err = cleanLocalized("names", in.Names, konullu.MaxCentreName); err != nil {
			return nil, err
		}
	}
	if in.Description != nil {
		s, err := konullu.CleanText("description", *in.Description, false, konullu.MaxCentreDescription)
		if err != nil {
			return nil, err
		}
		u.Description = &s
	}
	if in.Descriptions != nil {
		if u.Descriptions, err = cleanLocalized("descriptions", in.Descriptions, konullu.MaxCentreDescription); err != nil {
			return nil, err
		}
	}
	if in.City != nil {
		s, err := konullu.CleanText("city", *in.City, true, 100)
		if err != nil {
			return nil, err
		}
		u.City = &s
	}
	if in.Address != nil {
		s, err := konullu.CleanText("address", *in.Address, false, 300)
		if err != nil {
			return nil, err
		}
		u.Address = &s
	}
	if in.Timezone != nil {
		if _, err := konullu.ValidateTimezone("timezone", *in.Timezone); err != nil {
			return nil, err
		}
		cur, ok, err := loadersFrom(ctx).centres.Get(ctx, id)
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, &konullu.Error{Code: konullu.ENOTFOUND, Message: "centre not found", Field: "id"}
		}
		if cur.Timezone != *in.Timezone {
			if !konullu.ViewerFrom(ctx).IsAdmin() {
				return nil, &konullu.Error{Code: konullu.EFORBIDDEN, Message: "only an admin changes a centre's time zone", Field: "timezone"}
			}
			u.Timezone = in.Timezone
		}
	}
	cs, err := r.catalogue()
	if err != nil {
		return nil, err
	}
	c, err := cs.UpdateCentre(ctx, id, u)
	if err != nil {
		return nil, err
	}
	loadersFrom(ctx).reset()
	return &centreResolver{c}, nil
}

// ArchiveCentre resolves Mutation.archiveCentre.
func (r *root) ArchiveCentre(ctx context.Context, args struct{ ID graphql.ID }) (*centreResolver, error) {
	return r.setCentreArchived(ctx, args.ID, true)
}

// RestoreCentre resolves Mutation.restoreCentre.
func (r *root) RestoreCentre(ctx context.Context, args struct{ ID graphql.ID }) (*centreResolver, error) {
	return r.setCentreArchived(ctx, args.ID, false)
}

func (r *root) setCentreArchived(ctx context.Context, gid graphql.ID, archived bool) (*centreResolver, error) {
	// AUTHZ: only admins archive and restore centres, as they create them.
	if err := requireAdmin(ctx); err != nil {
		return nil, err
	}
	id, err := parseID("id", kindCentre, gid)
	if err != nil {
		return nil, err
	}
	cs, err := r.catalogue()
	if err != nil {
		return nil, err
	}
	c, err := cs.SetCentreArchived(ctx, id, archived, r.now())
	if err != nil {
		return nil, err
	}
	loadersFrom(ctx).reset()
	return &centreResolver{c}, nil
}

// DeleteCentre resolves Mutation.deleteCentre.
func (r *root) DeleteCentre(ctx context.Context, args struct{ ID graphql.ID }) (bool, error) {
	// AUTHZ: only admins delete centres.
	if err := requireAdmin(ctx); err != nil {
		return false, err
	}
	id, err := parseID("id", kindCentre, args.ID)
	if err != nil {
		return false, err
	}
	cs, err := r.catalogue()
	if err != nil {
		return false, err
	}
	if err := cs.DeleteCentre(ctx, id); err != nil {
		return false, err
	}
	loadersFrom(ctx).reset()
	return true, nil
}

// optional turns the empty string of an optional field into null.
func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}
