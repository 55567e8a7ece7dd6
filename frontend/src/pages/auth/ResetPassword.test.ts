import { describe, expect, it } from 'vitest';
import { tokenOfFragment } from './ResetPassword';

describe('tokenOfFragment', () => {
  it('reads the token of a reset link’s fragment', () => {
    expect(tokenOfFragment('#token=AbC-_123')).toBe('AbC-_123');
    expect(tokenOfFragment('token=xyz')).toBe('xyz');
  });
  it('is empty without one', () => {
    expect(tokenOfFragment('')).toBe('');
    expect(tokenOfFragment('#other=1')).toBe('');
  });
});
