import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sha1Hex } from '../../src/cache/sha1.js';

const nodeSha1 = (text: string): string => createHash('sha1').update(text, 'utf8').digest('hex');

describe('sha1Hex', () => {
  it.each([
    ['', 'da39a3ee5e6b4b0d3255bfef95601890afd80709'],
    ['abc', 'a9993e364706816aba3e25717850c26c9cd0d89d'],
    ['abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq', '84983e441c3bd26ebaae4aa1f95129e5e54670f1'],
    ['The quick brown fox jumps over the lazy dog', '2fd4e1c67a2d28fced849ee1bb76e7391b93eb12'],
  ])('%j hashes to the FIPS 180 / well-known digest', (text, digest) => {
    expect(sha1Hex(text)).toBe(digest);
  });

  it('agrees with node:crypto at every length around the 55/56/64-byte padding edges', () => {
    for (let length = 0; length <= 200; length += 1) {
      const text = 'x'.repeat(length);
      expect(sha1Hex(text), `length ${length}`).toBe(nodeSha1(text));
    }
  });

  it('a million bytes', () => {
    const text = 'a'.repeat(1_000_000);
    expect(sha1Hex(text)).toBe('34aa973cd4c4daa4f61eeb2bdbad27316534016f');
  });

  it('agrees with node:crypto on any text, multi-byte UTF-8 and lone surrogates included', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (text) => {
        expect(sha1Hex(text)).toBe(nodeSha1(text));
      }),
      { numRuns: 200 },
    );
  });
});
