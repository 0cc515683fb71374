import { describe, expect, it } from 'vitest';
import {
  constructDestination, constructRegistry, constructSource, isRegistrySegment, withDefaultProject,
} from '../../lib/core/overrides.js';
import { RefError } from '../../lib/core/ref.js';

describe('isRegistrySegment (hangar rule)', () => {
  it.each([
    ['reg.io', true], ['localhost:5000', true], ['localhost', true], ['10.0.0.1', true],
    ['library', false], ['nginx', false], ['Foo', false], ['localhostx', false],
  ])('%s -> %s', (segment, want) => {
    expect(isRegistrySegment(segment)).toBe(want);
  });
});

describe('constructRegistry', () => {
  const cases: [string, string | undefined, string][] = [
    // no override: keep a registry, else docker.io
    ['nginx', undefined, 'docker.io/nginx'],
    ['nginx', '', 'docker.io/nginx'],
    ['library/nginx', undefined, 'docker.io/library/nginx'],
    ['quay.io/coreos/etcd', undefined, 'quay.io/coreos/etcd'],
    ['localhost/a', undefined, 'localhost/a'],
    // override replaces a registry
    ['quay.io/coreos/etcd', 'mirror.io', 'mirror.io/coreos/etcd'],
    ['localhost:5000/a', 'mirror.io', 'mirror.io/a'],
    ['localhost/a', 'mirror.io:5000', 'mirror.io:5000/a'],
    // override is prepended to a registry-less name
    ['nginx', 'mirror.io', 'mirror.io/nginx'],
    ['library/nginx', 'mirror.io', 'mirror.io/library/nginx'],
    ['Foo/bar', 'mirror.io', 'mirror.io/Foo/bar'],
    // verbatim override adds path segments; empty segments are dropped
    ['nginx', 'host/ns', 'host/ns/nginx'],
    ['quay.io/a/b', 'host/ns', 'host/ns/a/b'],
    ['nginx', 'host/ns/', 'host/ns/nginx'],
    ['/a//b/', undefined, 'docker.io/a/b'],
    ['reg.io//a', 'x.io', 'x.io/a'],
  ];
  it.each(cases)('%s with %j -> %s', (name, override, want) => {
    expect(constructRegistry(name, override)).toBe(want);
  });

  it.each(['', '/', 'reg.io', 'localhost:5000/'])('rejects %j (no repository)', (name) => {
    expect(() => constructRegistry(name, 'x.io')).toThrow(RefError);
  });
});

describe('withDefaultProject', () => {
  it.each([
    ['reg.io/name', 'library', 'reg.io/library/name'],
    ['reg.io/name', 'mirror', 'reg.io/mirror/name'],
    ['reg.io/proj/name', 'library', 'reg.io/proj/name'],
    ['reg.io/a/b/c', 'library', 'reg.io/a/b/c'],
    ['reg.io/a/b/c/d', 'library', 'reg.io/a/b/c/d'],
  ])('%s + %s -> %s', (name, project, want) => {
    expect(withDefaultProject(name, project)).toBe(want);
  });
});

describe('constructSource / constructDestination', () => {
  it('hangar example: nginx mirrored-nginx with -d reg.io', () => {
    expect(constructSource('nginx')).toBe('docker.io/nginx');
    expect(constructDestination('mirrored-nginx', 'reg.io', 'library')).toBe('reg.io/library/mirrored-nginx');
  });

  it.each([
    ['mirrored-nginx', undefined, 'docker.io/library/mirrored-nginx'],
    ['reg.io/name', undefined, 'reg.io/library/name'],
    ['proj/name', 'reg.io', 'reg.io/proj/name'],
    ['name', 'host/ns', 'host/ns/name'],
    ['a/b/c', 'reg.io', 'reg.io/a/b/c'],
    ['other.io/name', 'reg.io', 'reg.io/library/name'],
  ])('destination %s with -d %j -> %s', (name, override, want) => {
    expect(constructDestination(name, override, 'library')).toBe(want);
  });

  it('never inserts a project into the source', () => {
    expect(constructSource('registry.k8s.io/pause', 'mirror.io')).toBe('mirror.io/pause');
  });
});
