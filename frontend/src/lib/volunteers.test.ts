import { describe, expect, it } from 'vitest';
import {
  canApprove,
  consentInput,
  emptyConsentForm,
  lacksConsent,
  missingConsentFields,
  nextPages,
  parseVolunteerFilter,
  previousPages,
  volunteersVariables,
} from './volunteers';

describe('the volunteers list’s filters', () => {
  it('ask for everyone, those waiting for approval, or minors without consent', () => {
    expect(volunteersVariables('', 'all', null)).toEqual({ search: null, status: null, needsGuardianConsent: null, first: 20, after: null });
    expect(volunteersVariables('', 'pending', null)).toMatchObject({ status: 'PENDING', needsGuardianConsent: null });
    expect(volunteersVariables('', 'consent', null)).toMatchObject({ status: null, needsGuardianConsent: true });
  });

  it('send the search trimmed, with runs of spaces as one, and nothing for blanks', () => {
    expect(volunteersVariables('  Leyla   Əliyeva ', 'all', null).search).toBe('Leyla Əliyeva');
    expect(volunteersVariables('   ', 'all', null).search).toBeNull();
  });

  it('carry the page’s cursor and size', () => {
    expect(volunteersVariables('a', 'pending', 'cur-2', 5)).toEqual({ search: 'a', status: 'PENDING', needsGuardianConsent: null, first: 5, after: 'cur-2' });
  });

  it('read the filter from the URL, anything unknown as all', () => {
    expect(parseVolunteerFilter('pending')).toBe('pending');
    expect(parseVolunteerFilter('consent')).toBe('consent');
    expect(parseVolunteerFilter('PENDING')).toBe('all');
    expect(parseVolunteerFilter(null)).toBe('all');
    expect(parseVolunteerFilter('toString')).toBe('all');
  });
});

describe('what a coordinator can do for a volunteer', () => {
  it('approves only those waiting for approval', () => {
    expect(canApprove({ status: 'PENDING' })).toBe(true);
    expect(canApprove({ status: 'ACTIVE' })).toBe(false);
    expect(canApprove({ status: 'SUSPENDED' })).toBe(false);
  });

  it('records a consent only for a minor who has none', () => {
    expect(lacksConsent({ needsGuardianConsent: true, hasGuardianConsent: false })).toBe(true);
    expect(lacksConsent({ needsGuardianConsent: true, hasGuardianConsent: true })).toBe(false);
    expect(lacksConsent({ needsGuardianConsent: false, hasGuardianConsent: false })).toBe(false);
  });
});

describe('the guardian’s consent form', () => {
  it('needs the guardian’s name and relationship', () => {
    expect(missingConsentFields(emptyConsentForm)).toEqual(['guardianName', 'relationship']);
    expect(missingConsentFields({ ...emptyConsentForm, guardianName: 'Səbinə', relationship: '  ' })).toEqual(['relationship']);
    expect(missingConsentFields({ ...emptyConsentForm, guardianName: 'Səbinə', relationship: 'ana' })).toEqual([]);
  });

  it('sends trimmed values and leaves out empty optional ones', () => {
    expect(consentInput('Vm9sdW50ZWVyOjE=', { guardianName: ' Səbinə Əliyeva ', relationship: 'ana ', contact: ' ', note: '' })).toEqual({
      volunteerId: 'Vm9sdW50ZWVyOjE=',
      guardianName: 'Səbinə Əliyeva',
      relationship: 'ana',
      contact: null,
      note: null,
    });
    expect(consentInput('x', { guardianName: 'a', relationship: 'b', contact: '+994 50 000 11 22', note: 'Signed form seen' })).toMatchObject({
      contact: '+994 50 000 11 22',
      note: 'Signed form seen',
    });
  });
});

describe('pages of the list', () => {
  it('go forward by the end cursor and back to the one before', () => {
    let pages: (string | null)[] = [null];
    pages = nextPages(pages, 'c1');
    pages = nextPages(pages, 'c2');
    expect(pages).toEqual([null, 'c1', 'c2']);
    expect(nextPages(pages, null)).toEqual(pages);
    pages = previousPages(pages);
    expect(pages).toEqual([null, 'c1']);
    expect(previousPages(previousPages(pages))).toEqual([null]);
  });
});
