// The volunteers list: which filter asks the API for what, and the guardian's
// consent form as the API takes it.
import type { GuardianConsentInput, VolunteerRowFragment, VolunteersQueryVariables } from '../gql/graphql';

/** The list's filters: everyone, those waiting for approval, minors without a guardian's consent. */
export const volunteerFilters = ['all', 'pending', 'consent'] as const;
export type VolunteerFilter = (typeof volunteerFilters)[number];

export const volunteersPageSize = 20;

/** The filter named in the URL; anything else is "all". */
export function parseVolunteerFilter(s: string | null | undefined): VolunteerFilter {
  return (volunteerFilters as readonly string[]).includes(s ?? '') ? (s as VolunteerFilter) : 'all';
}

/** The query's variables for a search, a filter and a page's cursor. */
export function volunteersVariables(search: string, filter: VolunteerFilter, after: string | null, first = volunteersPageSize): VolunteersQueryVariables {
  const s = search.trim().replace(/\s+/g, ' ');
  return {
    search: s || null,
    status: filter === 'pending' ? 'PENDING' : null,
    needsGuardianConsent: filter === 'consent' ? true : null,
    first,
    after,
  };
}

/** Whether a coordinator can approve the volunteer. */
export function canApprove(v: Pick<VolunteerRowFragment, 'status'>): boolean {
  return v.status === 'PENDING';
}

/** Whether the volunteer is under 18 with no guardian's consent on record. */
export function lacksConsent(v: Pick<VolunteerRowFragment, 'needsGuardianConsent' | 'hasGuardianConsent'>): boolean {
  return v.needsGuardianConsent && !v.hasGuardianConsent;
}

export interface ConsentForm {
  guardianName: string;
  relationship: string;
  contact: string;
  note: string;
}

export const emptyConsentForm: ConsentForm = { guardianName: '', relationship: '', contact: '', note: '' };

/** The required fields the form leaves empty (spaces count as empty). */
export function missingConsentFields(f: ConsentForm): ('guardianName' | 'relationship')[] {
  return (['guardianName', 'relationship'] as const).filter((k) => !f[k].trim());
}

/** The mutation's input: trimmed, with empty optional fields left out as null. */
export function consentInput(volunteerId: string, f: ConsentForm): GuardianConsentInput {
  return {
    volunteerId,
    guardianName: f.guardianName.trim(),
    relationship: f.relationship.trim(),
    contact: f.contact.trim() || null,
    note: f.note.trim() || null,
  };
}

/**
 * Cursors of the pages seen so far: pages[i] is the `after` of page i (null
 * for the first). Going forward pushes the page's end cursor; back pops it.
 */
export function nextPages(pages: readonly (string | null)[], endCursor: string | null | undefined): (string | null)[] {
  return endCursor ? [...pages, endCursor] : [...pages];
}

export function previousPages(pages: readonly (string | null)[]): (string | null)[] {
  return pages.length > 1 ? pages.slice(0, -1) : [null];
}
