package schema

import (
	"context"

	"github.com/graph-gophers/graphql-go"

	"github.com/konullu/konullu"
)

// centreResolver resolves Centre. Centres are public: anyone may browse
// where volunteers are needed.
type centreResolver struct{ c *konullu.Centre }

func (c *centreResolver) ID() graphql.ID   { return globalID(kindCentre, c.c.ID) }
func (c *centreResolver) Name() string     { return c.c.Name }
func (c *centreResolver) City() string     { return c.c.City }
func (c *centreResolver) Address() *string { return optional(c.c.Address) }
func (c *centreResolver) Timezone() string { return c.c.Timezone }

// Centres resolves Query.centres.
func (r *root) Centres(ctx context.Context) ([]*centreResolver, error) {
	list, err := r.store.Centres(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]*centreResolver, len(list))
	for i, c := range list {
		out[i] = &centreResolver{c}
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
	Name     string
	City     string
	Address  *string
	Timezone string
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
	if c.Name, err = konullu.CleanText("name", in.Name, true, 200); err != nil {
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
	if err := r.store.CreateCentre(ctx, c); err != nil {
		return nil, err
	}
	auditCreated(ctx, kindCentre, c.ID)
	loadersFrom(ctx).reset()
	return &centreResolver{c}, nil
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
