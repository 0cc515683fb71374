import { describe, expect, it } from 'vitest';
import { findChallenge, parseChallenges, splitScopes, type Challenge } from '../../lib/registry/challenge.js';

const cases: Array<[string, string | string[], Challenge[]]> = [
  ['docker hub bearer', 'Bearer realm="https://auth.docker.io/token",service="registry.docker.io"', [
    { scheme: 'bearer', params: { realm: 'https://auth.docker.io/token', service: 'registry.docker.io' } },
  ]],
  ['comma inside a quoted scope', 'Bearer realm="https://r/t",service="svc",scope="repository:a/b:pull,push"', [
    { scheme: 'bearer', params: { realm: 'https://r/t', service: 'svc', scope: 'repository:a/b:pull,push' } },
  ]],
  ['scheme is case-insensitive', 'BEARER Realm="x"', [{ scheme: 'bearer', params: { realm: 'x' } }]],
  ['basic with realm', 'Basic realm="https://123.dkr.ecr.us-east-1.amazonaws.com/"', [
    { scheme: 'basic', params: { realm: 'https://123.dkr.ecr.us-east-1.amazonaws.com/' } },
  ]],
  ['two challenges in one header', 'Basic realm="harbor", Bearer realm="https://h/service/token",service="harbor-registry"', [
    { scheme: 'basic', params: { realm: 'harbor' } },
    { scheme: 'bearer', params: { realm: 'https://h/service/token', service: 'harbor-registry' } },
  ]],
  ['bare scheme then another', 'Negotiate, Basic realm="r"', [
    { scheme: 'negotiate', params: {} },
    { scheme: 'basic', params: { realm: 'r' } },
  ]],
  ['token68', 'Negotiate YIIB+/w==, Basic realm="r"', [
    { scheme: 'negotiate', params: {}, token68: 'YIIB+/w==' },
    { scheme: 'basic', params: { realm: 'r' } },
  ]],
  ['escapes inside quotes', 'Bearer realm="a\\"b\\\\c",error="insufficient_scope"', [
    { scheme: 'bearer', params: { realm: 'a"b\\c', error: 'insufficient_scope' } },
  ]],
  ['spaces around = and commas', 'Bearer realm = "x" ,  service=y ,scope="s"', [
    { scheme: 'bearer', params: { realm: 'x', service: 'y', scope: 's' } },
  ]],
  ['unquoted url value', 'Bearer realm=https://auth.example.com/token,service=reg', [
    { scheme: 'bearer', params: { realm: 'https://auth.example.com/token', service: 'reg' } },
  ]],
  ['several header values', ['Basic realm="a"', 'Bearer realm="b"'], [
    { scheme: 'basic', params: { realm: 'a' } },
    { scheme: 'bearer', params: { realm: 'b' } },
  ]],
  ['first duplicate parameter wins', 'Bearer realm="a",realm="b"', [{ scheme: 'bearer', params: { realm: 'a' } }]],
  ['empty header', '', []],
  ['garbage is skipped, not thrown', '"unterminated, Basic realm="r"', [{ scheme: 'basic', params: { realm: 'r' } }]],
  ['insufficient_scope with multiple scopes', 'Bearer realm="r",error="insufficient_scope",scope="repository:a:pull repository:b:pull"', [
    { scheme: 'bearer', params: { realm: 'r', error: 'insufficient_scope', scope: 'repository:a:pull repository:b:pull' } },
  ]],
];

describe('parseChallenges', () => {
  it.each(cases)('%s', (_name, header, expected) => {
    expect(parseChallenges(header)).toEqual(expected);
  });

  it('returns [] for an absent header', () => {
    expect(parseChallenges(undefined)).toEqual([]);
  });

  it('never throws on arbitrary input', () => {
    for (const s of ['=', ',,,', '"', 'a=', 'Bearer ="x"', 'Bearer realm="x', '\\', 'B\tC=D']) {
      expect(() => parseChallenges(s)).not.toThrow();
    }
  });
});

describe('findChallenge / splitScopes', () => {
  it('finds by scheme regardless of case', () => {
    const cs = parseChallenges('Basic realm="a", Bearer realm="b"');
    expect(findChallenge(cs, 'BEARER')?.params.realm).toBe('b');
    expect(findChallenge(cs, 'digest')).toBeUndefined();
  });

  it('splits space-separated scopes', () => {
    expect(splitScopes('repository:a:pull  repository:b:pull,push')).toEqual(['repository:a:pull', 'repository:b:pull,push']);
    expect(splitScopes(undefined)).toEqual([]);
  });
});
