import { describe, expect, it } from 'vitest';
import { appendEntries, auditNextCursor, auditVariables, diffJson, prettyJson } from './audit';

describe('the audit log’s query', () => {
  it('filters by the action’s exact name, or not at all', () => {
    expect(auditVariables(' recordGuardianConsent ', null)).toEqual({ action: 'recordGuardianConsent', first: 25, after: null });
    expect(auditVariables('  ', '41', 10)).toEqual({ action: null, first: 10, after: '41' });
  });

  it('pages by the last entry’s id while pages are full', () => {
    const page = Array.from({ length: 3 }, (_, i) => ({ id: String(90 - i) }));
    expect(auditNextCursor(page, 3)).toBe('88');
    expect(auditNextCursor(page.slice(0, 2), 3)).toBeNull();
    expect(auditNextCursor([], 3)).toBeNull();
  });

  it('appends a page without showing an entry twice', () => {
    expect(appendEntries([{ id: '9' }, { id: '8' }], [{ id: '8' }, { id: '7' }]).map((e) => e.id)).toEqual(['9', '8', '7']);
  });
});

describe('a change’s JSON', () => {
  it('is indented for reading, and text that is not JSON is shown as it is', () => {
    expect(prettyJson('{"a":1,"b":{"c":[1,2]}}')).toBe('{\n  "a": 1,\n  "b": {\n    "c": [\n      1,\n      2\n    ]\n  }\n}');
    expect(prettyJson('not json')).toBe('not json');
    expect(prettyJson(null)).toBeNull();
    expect(prettyJson('"Səbinə"')).toBe('"Səbinə"');
  });

  it('tells field by field what changed', () => {
    const before = '{"id":5,"status":"PENDING","skills":[],"city":"Bakı","phone":"+994"}';
    const after = '{"id":5,"status":"ACTIVE","skills":["first aid"],"city":"Bakı","consent":{"guardianName":"Səbinə"}}';
    expect(diffJson(before, after)).toEqual([
      { field: 'status', kind: 'changed', before: '"PENDING"', after: '"ACTIVE"' },
      { field: 'skills', kind: 'changed', before: '[]', after: '["first aid"]' },
      { field: 'phone', kind: 'removed', before: '"+994"' },
      { field: 'consent', kind: 'added', after: '{"guardianName":"Səbinə"}' },
    ]);
  });

  it('has every field added for a created object, removed for a deleted one', () => {
    expect(diffJson(null, '{"id":1,"name":"A"}')).toEqual([
      { field: 'id', kind: 'added', after: '1' },
      { field: 'name', kind: 'added', after: '"A"' },
    ]);
    expect(diffJson('{"id":1}', null)).toEqual([{ field: 'id', kind: 'removed', before: '1' }]);
    expect(diffJson('{"id":1}', '{"id":1}')).toEqual([]);
  });

  it('cannot be compared field by field unless both sides are objects', () => {
    expect(diffJson('[1]', '[2]')).toBeNull();
    expect(diffJson('{"a":1}', 'oops')).toBeNull();
  });
});
