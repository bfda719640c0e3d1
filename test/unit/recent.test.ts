/** kernel/recent.ts: the values made last for a few keys, the one used longest ago let go first. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Recent } from '../../kernel/recent.js';

describe('Recent', () => {
  it('makes a value once while it is among the recent ones, and lets the one used longest ago go', () => {
    const made: string[] = [];
    const recent = new Recent<string, string>(2);
    const get = (key: string): string => recent.get(key, (k) => (made.push(k), k.toUpperCase()));
    assert.equal(get('a'), 'A');
    assert.equal(get('b'), 'B');
    assert.equal(get('a'), 'A'); // used again: now the newest
    assert.equal(get('c'), 'C'); // lets 'b' go, the one used longest ago
    assert.equal(get('a'), 'A');
    assert.equal(get('b'), 'B'); // made again
    assert.deepEqual(made, ['a', 'b', 'c', 'b']);
  });
});
