package schema

import (
	"context"

	"github.com/graph-gophers/graphql-go"

	"github.com/konullu/konullu"
)

// positionResolver resolves Position. Positions are public, like centres;
// names and descriptions are in the reader's language (lang.go).
type positionResolver struct{ p *konullu.Position }

func (p *positionResolver) ID() graphql.ID { return globalID(kindPosition, p.p.ID) }
func (p *positionResolver) Name(ctx context.Context) string {
	return p.p.NameIn(readerLanguage(ctx))
}
func (p *positionResolver) Description(ctx context.Context) *string {
	return optional(p.p.DescriptionIn(readerLanguage(ctx)))
}
func (p *positionResolver) MainName() string             { return p.p.Name }
func (p *positionResolver) Names() *localizedText        { return &localizedText{p.p.Names} }
func (p *positionResolver) MainDescription() *string     { return optional(p.p.Description) }
func (p *positionResolver) Descriptions() *localizedText { return &localizedText{p.p.Descriptions} }
func (p *positionResolver) Archived() bool               { return p.p.Archived() }
func (p *positionResolver) ArchivedAt() *dateTime        { return optionalTime(p.p.ArchivedAt) }

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

// Positions resolves Query.positions: those in use, by name, unless
// archived ones are asked for too.
func (r *root) Positions(ctx context.Context, args struct{ IncludeArchived *bool }) ([]*positionResolver, error) {
	all, err := includeArchived(ctx, args.IncludeArchived)
	if err != nil {
		return nil, err
	}
	list, err := r.store.Positions(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]*positionResolver, 0, len(list))
	for _, p := range list {
		if all || !p.Archived() {
			out = append(out, &positionResolver{p})
		}
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
	Name                     string
	Description              *string
	RequiredSkills           *[]string
	MinimumAge               *int32
	Names                    *localizedTextInput
	Descriptions             *localizedTextInput
	RequiredQualificationIDs *[]graphql.ID
}

func validMinimumAge(n int32) error {
	if n < 0 || n > 100 {
		return konullu.Invalid("minimumAge", "must be between 0 and 100")
	}
	return nil
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
	if p.Name, err = konullu.CleanText("name", in.Name, true, konullu.MaxPositionName); err != nil {
		return nil, err
	}
	if p.Description, err = konullu.CleanText("description", deref(in.Description), false, konullu.MaxPositionDescription); err != nil {
		return nil, err
	}
	if p.Names, err = cleanLocalized("names", in.Names, konullu.MaxPositionName); err != nil {
		return nil, err
	}
	if p.Descriptions, err = cleanLocalized("descriptions", in.Descriptions, konullu.MaxPositionDescription); err != nil {
		return nil, err
	}
	if p.RequiredSkills, err = konullu.CleanList("requiredSkills", deref(in.RequiredSkills), maxSkills, maxSkillLength); err != nil {
		return nil, err
	}
	if in.RequiredQualificationIDs != nil {
		// Qualifications of the catalogue, required by their (unique) names.
		names, err := r.qualificationNamesByID(ctx, "requiredQualificationIds", *in.RequiredQualificationIDs)
		if err != nil {
			return nil, err
		}
		p.RequiredSkills = append(p.RequiredSkills, names...)
	}
	if in.MinimumAge != nil {
		if err := validMinimumAge(*in.MinimumAge); err != nil {
			return nil, err
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

// qualificationNamesByID are the main names of qualifications given by id;
// NOT_FOUND on field for an unknown one.
func (r *root) qualificationNamesByID(ctx context.Context, field string, gids []graphql.ID) ([]string, error) {
	ids, err := parseIDs(field, kindQualification, gids)
	if err != nil {
		return nil, err
	}
	if len(ids) > konullu.MaxRequiredQualifications {
		return nil, konullu.Invalid(field, "at most %d qualifications", konullu.MaxRequiredQualifications)
	}
	qs, err := r.qualStore()
	if err != nil {
		return nil, err
	}
	m, err := qs.QualificationsByIDs(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make([]string, 0, len(ids))
	for _, id := range ids {
		q, ok := m[id]
		if !ok {
			return nil, &konullu.Error{Code: konullu.ENOTFOUND, Message: "qualification not found", Field: field}
		}
		out = append(out, q.Name)
	}
	return out, nil
}

type updatePositionInput struct {
	Name                     *string
	Names                    *localizedTextInput
	Description              *string
	Descriptions             *localizedTextInput
	MinimumAge               *int32
	RequiredQualificationIDs *[]graphql.ID
}

// UpdatePosition resolves Mutation.updatePosition.
func (r *root) UpdatePosition(ctx context.Context, args struct {
	ID    graphql.ID
	Input updatePositionInput
}) (*positionResolver, error) {
	// AUTHZ: only admins: a position is shared by every centre.
	if err := requireAdmin(ctx); err != nil {
		return nil, err
	}
	id, err := parseID("id", kindPosition, args.ID)
	if err != nil {
		return nil, err
	}
	in := args.Input
	var u konullu.PositionUpdate
	if in.Name != nil {
		s, err := konullu.CleanText("name", *in.Name, true, konullu.MaxPositionName)
		if err != nil {
			return nil, err
		}
		u.Name = &s
	}
	if in.Names != nil {
		if u.Names, err = cleanLocalized("names", in.Names, konullu.MaxPositionName); err != nil {
			return nil, err
		}
	}
	if in.Description != nil {
		s, err := konullu.CleanText("description", *in.Description, false, konullu.MaxPositionDescription)
		if err != nil {
			return nil, err
		}
		u.Description = &s
	}
	if in.Descriptions != nil {
		if u.Descriptions, err = cleanLocalized("descriptions", in.Descriptions, konullu.MaxPositionDescription); err != nil {
			return nil, err
		}
	}
	if in.MinimumAge != nil {
		if err := validMinimumAge(*in.MinimumAge); err != nil {
			return nil, err
		}
		n := int(*in.MinimumAge)
		u.MinimumAge = &n
	}
	if in.RequiredQualificationIDs != nil {
		ids, err := parseIDs("requiredQualificationIds", kindQualification, *in.RequiredQualificationIDs)
		if err != nil {
			return nil, err
		}
		if len(ids) > konullu.MaxRequiredQualifications {
			return nil, konullu.Invalid("requiredQualificationIds", "at most %d qualifications", konullu.MaxRequiredQualifications)
		}
		u.QualificationIDs = &ids
	}
	cs, err := r.catalogue()
	if err != nil {
		return nil, err
	}
	p, err := cs.UpdatePosition(ctx, id, u)
	if err != nil {
		return nil, err
	}
	loadersFrom(ctx).reset()
	return &positionResolver{p}, nil
}

// ArchivePosition resolves Mutation.archivePosition.
func (r *root) ArchivePosition(ctx context.Context, args struct{ ID graphql.ID }) (*positionResolver, error) {
	return r.setPositionArchived(ctx, args.ID, true)
}

// RestorePosition resolves Mutation.restorePosition.
func (r *root) RestorePosition(ctx context.Context, args struct{ ID graphql.ID }) (*positionResolver, error) {
	return r.setPositionArchived(ctx, args.ID, false)
}

func (r *root) setPositionArchived(ctx context.Context, gid graphql.ID, archived bool) (*positionResolver, error) {
	// AUTHZ: only admins archive and restore positions.
	if err := requireAdmin(ctx); err != nil {
		return nil, err
	}
	id, err := parseID("id", kindPosition, gid)
	if err != nil {
		return nil, err
	}
	cs, err := r.catalogue()
	if err != nil {
		return nil, err
	}
	p, err := cs.SetPositionArchived(ctx, id, archived, r.now())
	if err != nil {
		return nil, err
	}
	loadersFrom(ctx).reset()
	return &positionResolver{p}, nil
}

// DeletePosition resolves Mutation.deletePosition.
func (r *root) DeletePosition(ctx context.Context, args struct{ ID graphql.ID }) (bool, error) {
	// AUTHZ: only admins delete positions.
	if err := requireAdmin(ctx); err != nil {
		return false, err
	}
	id, err := parseID("id", kindPosition, args.ID)
	if err != nil {
		return false, err
	}
	cs, err := r.catalogue()
	if err != nil {
		return false, err
	}
	if err := cs.DeletePosition(ctx, id); err != nil {
		return false, err
	}
	loadersFrom(ctx).reset()
	return true, nil
}
