package schema

import (
	"context"

	"github.com/graph-gophers/graphql-go"

	"github.com/konullu/konullu"
)

// positionResolver resolves Position. Positions are public, like centres.
type positionResolver struct{ p *konullu.Position }

func (p *positionResolver) ID() graphql.ID       { return globalID(kindPosition, p.p.ID) }
func (p *positionResolver) Name() string         { return p.p.Name }
func (p *positionResolver) Description() *string { return optional(p.p.Description) }

func (p *positionResolver) RequiredSkills() []string {
	if p.p.RequiredSkills == nil {
		return []string{}
	}
	return p.p.RequiredSkills
}

func (p *positionResolver) MinimumAge() *int32 {
	if p.p.MinimumAge <= 0 {
		return nil
	}
	n := int32(p.p.MinimumAge)
	return &n
}

// Positions resolves Query.positions.
func (r *root) Positions(ctx context.Context) ([]*positionResolver, error) {
	list, err := r.store.Positions(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]*positionResolver, len(list))
	for i, p := range list {
		out[i] = &positionResolver{p}
	}
	return out, nil
}

func (r *root) positionByID(ctx context.Context, id int64) (*positionResolver, error) {
	p, ok, err := loadersFrom(ctx).positions.Get(ctx, id)
	if err != nil || !ok {
		return nil, err
	}
	return &positionResolver{p}, nil
}

type positionInput struct {
	Name           string
	Description    *string
	RequiredSkills *[]string
	MinimumAge     *int32
}

// CreatePosition resolves Mutation.createPosition.
func (r *root) CreatePosition(ctx context.Context, args struct{ Input positionInput }) (*positionResolver, error) {
	// AUTHZ: only admins create positions.
	if err := requireAdmin(ctx); err != nil {
		return nil, err
	}
	in := args.Input
	p := &konullu.Position{}
	var err error
	if p.Name, err = konullu.CleanText("name", in.Name, true, 200); err != nil {
		return nil, err
	}
	if p.Description, err = konullu.CleanText("description", deref(in.Description), false, 2000); err != nil {
		return nil, err
	}
	if p.RequiredSkills, err = konullu.CleanList("requiredSkills", deref(in.RequiredSkills), maxSkills, maxSkillLength); err != nil {
		return nil, err
	}
	if in.MinimumAge != nil {
		if *in.MinimumAge < 0 || *in.MinimumAge > 100 {
			return nil, konullu.Invalid("minimumAge", "must be between 0 and 100")
		}
		p.MinimumAge = int(*in.MinimumAge)
	}
	if err := r.store.CreatePosition(ctx, p); err != nil {
		return nil, err
	}
	auditCreated(ctx, kindPosition, p.ID)
	loadersFrom(ctx).reset()
	return &positionResolver{p}, nil
}
