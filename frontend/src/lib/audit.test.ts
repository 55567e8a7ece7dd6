import { describe, expect, it } from 'vitest';
import { appendEntries, auditNextCursor, auditVariables, diffJson, filterFromParams, filterToParams, noAuditFilter, prettyJson } from './audit';

describe('the audit log’s query', () => {
  it('filters by the action’s exact name, or not at all', () => {
    expect(auditVariables({ ...noAuditFilter, action: ' recordGuardianConsent ' }, null, 'Asia/Baku')).toEqual({
      action: 'recordGuardianConsent', actorId: null, objectIds: null, from: null, to: null, first: 25, after: null,
    });
    expect(auditVariables({ ...noAuditFilter, action: '  ' }, '41', 'UTC', 10)).toMatchObject({ action: null, first: 10, after: '41' });
  });

  it('filters by person, objects and whole days in the reader’s zone, the last day included', () => {
    const f = { ...noAuditFilter, actorId: 'VXNlcjo1', objectIds: ['VXNlcjo3', 'Vm9sdW50ZWVyOjI'], from: '2026-12-01', to: '2026-12-08' };
    expect(auditVariables(f, null, 'Asia/Baku')).toMatchObject({
      actorId: 'VXNlcjo1',
      objectIds: ['VXNlcjo3', 'Vm9sdW50ZWVyOjI'],
      from: '2026-11-30T20:00:00.000Z',
      to: '2026-12-08T20:00:00.000Z',
    });
    expect(auditVariables({ ...noAuditFilter, from: 'nonsense' }, null, 'UTC').from).toBeNull();
  });

  it('keeps the filters in the address, names with ids', () => {
    const f = { ...noAuditFilter, action: 'grantRole', actorId: 'VXNlcjo1', actorName: 'Aysel Məmmədova', objectIds: ['a', 'b'], objectName: 'Bakı ASAN 1', from: '2026-12-01' };
    const p = filterToParams(f);
    expect(p.get('actor')).toBe('VXNlcjo1');
    expect(p.has('to')).toBe(false);
    expect(filterFromParams(new URLSearchParams(p.toString()))).toEqual(f);
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
