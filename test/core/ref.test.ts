import { describe, expect, it } from 'vitest';
import { apiHost, formatReference, parseReference, RefError } from '../../lib/core/ref.js';
import type { ImageRef } from '../../lib/core/types.js';

const D64 = 'sha256:' + 'a'.repeat(64);

describe('parseReference: good references', () => {
  const good: [string, ImageRef][] = [
    ['nginx', { registry: 'docker.io', repository: 'library/nginx', tag: 'latest' }],
    ['nginx:1.25', { registry: 'docker.io', repository: 'library/nginx', tag: '1.25' }],
    ['bitnami/redis:7', { registry: 'docker.io', repository: 'bitnami/redis', tag: '7' }],
    ['docker.io/nginx', { registry: 'docker.io', repository: 'library/nginx', tag: 'latest' }],
    ['docker.io/library/nginx:1', { registry: 'docker.io', repository: 'library/nginx', tag: '1' }],
    ['index.docker.io/nginx', { registry: 'docker.io', repository: 'library/nginx', tag: 'latest' }],
    ['registry-1.docker.io/foo/bar:x', { registry: 'docker.io', repository: 'foo/bar', tag: 'x' }],
    ['quay.io/coreos/etcd:v3.5', { registry: 'quay.io', repository: 'coreos/etcd', tag: 'v3.5' }],
    ['registry.k8s.io/pause:3.9', { registry: 'registry.k8s.io', repository: 'pause', tag: '3.9' }],
    ['localhost/foo', { registry: 'localhost', repository: 'foo', tag: 'latest' }],
    ['localhost:5000/foo/bar:t', { registry: 'localhost:5000', repository: 'foo/bar', tag: 't' }],
    ['127.0.0.1:5000/a', { registry: '127.0.0.1:5000', repository: 'a', tag: 'latest' }],
    ['[::1]:5000/a/b:c', { registry: '[::1]:5000', repository: 'a/b', tag: 'c' }],
    ['[fe80::1]/a', { registry: '[fe80::1]', repository: 'a', tag: 'latest' }],
    ['Foo/bar', { registry: 'Foo', repository: 'bar', tag: 'latest' }],
    ['reg.io/a/b/c/d:1', { registry: 'reg.io', repository: 'a/b/c/d', tag: '1' }],
    ['reg.io/a_b/c__d/e-f/g--h/i.j', { registry: 'reg.io', repository: 'a_b/c__d/e-f/g--h/i.j', tag: 'latest' }],
    [`nginx@${D64}`, { registry: 'docker.io', repository: 'library/nginx', digest: D64 }],
    [`nginx:1.25@${D64}`, { registry: 'docker.io', repository: 'library/nginx', tag: '1.25', digest: D64 }],
    [`reg.io:443/x@${D64}`, { registry: 'reg.io:443', repository: 'x', digest: D64 }],
    ['x@sha512:' + 'b'.repeat(128), { registry: 'docker.io', repository: 'library/x', digest: 'sha512:' + 'b'.repeat(128) }],
    ['x:_Tag.1-2', { registry: 'docker.io', repository: 'library/x', tag: '_Tag.1-2' }],
    [`x:${'t'.repeat(128)}`, { registry: 'docker.io', repository: 'library/x', tag: 't'.repeat(128) }],
  ];
  it.each(good)('%s', (text, want) => {
    const got = parseReference(text);
    expect(got).toEqual(want);
    expect(Object.keys(got).sort()).toEqual(Object.keys(want).sort());
  });
});

describe('parseReference: bad references', () => {
  const bad: [string, RegExp][] = [
    ['', /empty image reference/],
    ['Nginx', /repository "Nginx" must be lowercase/],
    ['docker.io/Foo/bar', /repository "Foo\/bar" must be lowercase/],
    ['reg.io/foo/Bar:1', /repository "foo\/Bar" must be lowercase/],
    ['nginx@sha256:abc', /invalid digest "sha256:abc": expected sha256 with 64 or sha512 with 128 lowercase hex/],
    [`nginx@sha256:${'a'.repeat(63)}`, /expected sha256 with 64/],
    [`nginx@sha256:${'a'.repeat(65)}`, /expected sha256 with 64/],
    [`nginx@sha256:${'A'.repeat(64)}`, /expected sha256 with 64/],
    [`nginx@sha512:${'b'.repeat(64)}`, /invalid digest "sha512:/],
    [`nginx@sha384:${'c'.repeat(96)}`, /invalid digest "sha384:/],
    [`nginx@md5:${'d'.repeat(32)}`, /invalid digest "md5:/],
    ['nginx@md5:abc', /invalid digest "md5:abc"/],
    ['nginx@', /invalid digest ""/],
    [`a@b@${D64}`, /invalid digest/],
    ['nginx:', /invalid tag ""/],
    ['nginx:-bad', /invalid tag "-bad"/],
    [`nginx:${'t'.repeat(129)}`, /invalid tag/],
    ['nginx:a b', /invalid tag "a b"/],
    ['reg.io/', /missing repository name/],
    [':tag', /missing repository name/],
    ['reg.io/a//b', /invalid repository name "a\/\/b"/],
    ['reg.io/a/', /invalid repository name/],
    ['reg.io/-a', /invalid repository name "-a"/],
    ['reg.io/a-', /invalid repository name/],
    ['reg.io/a..b', /invalid repository name/],
    ['reg.io/a___b', /invalid repository name/],
    ['reg.io/a b', /invalid repository name/],
    ['reg_io.com/a', /invalid registry host "reg_io.com"/],
    ['-reg.io/a', /invalid registry host/],
    ['reg.io:port/a', /invalid registry host/],
    ['[zz::1]/a', /invalid registry host/],
    ['a'.repeat(64).replace(/a/g, 'f'), /looks like an image ID/],
    [`reg.io/${'a'.repeat(250)}`, /longer than 255 characters/],
  ];
  it.each(bad)('%j', (text, message) => {
    let err: unknown;
    try {
      parseReference(text);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(RefError);
    expect((err as RefError).code).toBe('INVALID_REFERENCE');
    expect((err as RefError).message).toMatch(message);
    expect((err as RefError).message).not.toContain('\n');
  });

  it('counts the docker.io normalisation in the 255-character limit', () => {
    const path = 'a'.repeat(255 - 'docker.io/library/'.length);
    expect(parseReference(path).repository).toBe(`library/${path}`);
    expect(() => parseReference(`${path}a`)).toThrow(/longer than 255/);
  });
});

describe('parseReference with explicitRegistry', () => {
  it.each([
    ['myhost/ns/name:1', { registry: 'myhost', repository: 'ns/name', tag: '1' }],
    ['docker.io/nginx', { registry: 'docker.io', repository: 'library/nginx', tag: 'latest' }],
    ['reg.io/a', { registry: 'reg.io', repository: 'a', tag: 'latest' }],
  ])('%s', (text, want) => {
    expect(parseReference(text, { explicitRegistry: true })).toEqual(want);
  });

  it('without the option a dot-less first segment is a Docker Hub namespace', () => {
    expect(parseReference('myhost/ns/name')).toMatchObject({ registry: 'docker.io', repository: 'myhost/ns/name' });
  });

  it.each(['nginx', 'bad_host/x'])('rejects %s', (text) => {
    expect(() => parseReference(text, { explicitRegistry: true })).toThrow(RefError);
  });
});

describe('formatReference', () => {
  const cases: [ImageRef, string][] = [
    [{ registry: 'docker.io', repository: 'library/nginx', tag: '1' }, 'docker.io/library/nginx:1'],
    [{ registry: 'reg.io', repository: 'a/b', digest: D64 }, `reg.io/a/b@${D64}`],
    [{ registry: 'reg.io', repository: 'a', tag: 't', digest: D64 }, `reg.io/a:t@${D64}`],
  ];
  it.each(cases)('%j -> %s', (ref, want) => {
    expect(formatReference(ref)).toBe(want);
  });

  it('round-trips through parseReference', () => {
    for (const text of ['nginx', 'index.docker.io/a/b:c', `[::1]:5000/x:y@${D64}`, 'localhost:5000/a']) {
      const ref = parseReference(text);
      expect(parseReference(formatReference(ref))).toEqual(ref);
    }
  });
});

describe('apiHost', () => {
  it.each([
    ['docker.io', 'registry-1.docker.io'],
    ['index.docker.io', 'registry-1.docker.io'],
    ['quay.io', 'quay.io'],
    ['localhost:5000', 'localhost:5000'],
  ])('%s -> %s', (registry, want) => {
    expect(apiHost(registry)).toBe(want);
  });
});
