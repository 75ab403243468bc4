/** The text syntax (aws-vault's) and STS's limits, value by value. */
import { describe, expect, it } from 'vitest';
import { parseKeyList, parseTagList, policyProblem, sourceIdentityProblem, tagsProblem } from '../../src/session/session-params.js';

const origin = { name: 'AWS_SESSION_TAGS', inFile: false };

describe("aws-vault's list syntax", () => {
  it.each([
    ['tag2,tag3,tag4', ['tag2', 'tag3', 'tag4']],
    [' tagA ,  tagB  ,   tagC   ', ['tagA', 'tagB', 'tagC']],
    ['tag1,', ['tag1']],
    [',tagA', ['tagA']],
    ['', []],
    [',', []],
  ])('transitive keys %j → %j', (text, keys) => {
    expect(parseKeyList(text)).toEqual(keys);
  });

  it('session tags: split at commas, then at the first =, key and value trimmed', () => {
    expect(parseTagList('tag1 = value1 , tag2=value2 ,tag3=a=b', origin)).toEqual([
      { key: 'tag1', value: 'value1' },
      { key: 'tag2', value: 'value2' },
      { key: 'tag3', value: 'a=b' },
    ]);
    expect(parseTagList('empty=', origin)).toEqual([{ key: 'empty', value: '' }]);
  });

  it('an item without = (a trailing comma included) is refused, naming the variable (exit 2)', () => {
    expect(() => parseTagList('a=b,', origin)).toThrow(expect.objectContaining({ exitCode: 2, message: 'AWS_SESSION_TAGS: "" is not KEY=VALUE' }));
    expect(() => parseTagList('a=b,c', { name: 'session_tags in profile p', inFile: true })).toThrow(expect.objectContaining({ exitCode: 5 }));
  });
});

describe("STS's limits", () => {
  it('source identity: 2–64 of [\\w+=,.@-]', () => {
    expect(sourceIdentityProblem('ab')).toBeUndefined();
    expect(sourceIdentityProblem('a+b=c,d.e@f-g_h')).toBeUndefined();
    expect(sourceIdentityProblem('a'.repeat(64))).toBeUndefined();
    expect(sourceIdentityProblem('a')).toMatch(/2–64/);
    expect(sourceIdentityProblem('a'.repeat(65))).toMatch(/2–64/);
    expect(sourceIdentityProblem('é-user')).toMatch(/only letters, digits/);
  });

  it('tags: letters of any script, spaces and _.:/=+-@; lengths in characters, not UTF-16 units', () => {
    expect(tagsProblem([{ key: 'Équipe 東京', value: 'café:/=+-@_.' }])).toBeUndefined();
    expect(tagsProblem([{ key: 'é'.repeat(128), value: '𝔸'.repeat(256) }])).toBeUndefined();
    expect(tagsProblem([{ key: 'é'.repeat(129), value: '' }])).toMatch(/1–128.*129/);
    expect(tagsProblem([{ key: 'k', value: '𝔸'.repeat(257) }])).toMatch(/0–256.*257/);
    expect(tagsProblem([{ key: 'k', value: 'a,b' }])).toMatch(/value of tag "k"/);
    expect(tagsProblem([{ key: 'k!', value: '' }])).toMatch(/tag key "k!"/);
  });

  it('tags: at most 50, no key twice (case-insensitively)', () => {
    const tags = (n: number) => Array.from({ length: n }, (_, i) => ({ key: `k${i}`, value: '' }));
    expect(tagsProblem(tags(50))).toBeUndefined();
    expect(tagsProblem(tags(51))).toMatch(/at most 50.*51/);
    expect(tagsProblem([{ key: 'Team', value: 'a' }, { key: 'TEAM', value: 'b' }])).toMatch(/"TEAM" is given twice/);
  });

  it('policy: a JSON object of 1–2048 characters of tab, line breaks and U+0020–U+00FF', () => {
    expect(policyProblem('{"Version": "2012-10-17",\n\t"Statement": []}')).toBeUndefined();
    expect(policyProblem('')).toMatch(/1–2048/);
    expect(policyProblem(`{"a": "${'x'.repeat(2042)}"}`)).toMatch(/1–2048/);
    expect(policyProblem('{"a": "é"}')).toBeUndefined();
    expect(policyProblem('{"a": "東"}')).toMatch(/U\+0020–U\+00FF/);
    expect(policyProblem('{"a": ')).toMatch(/not valid JSON/);
    expect(policyProblem('"text"')).toMatch(/not a JSON object/);
  });
});
