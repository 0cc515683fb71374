/** Manifest fixtures copied from hangar's test suites (test/fixtures/manifests), and builders. */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

const dir = new URL('../fixtures/manifests/', import.meta.url);

/** Raw bytes of a fixture file. */
export function fixtureBytes(name: string): Uint8Array {
  return new Uint8Array(readFileSync(new URL(name, dir)));
}

/** `sha256:<hex>` of bytes. */
export function digestOf(bytes: Uint8Array): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

export function encode(value: unknown): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(value));
}

/** A fake but well-formed sha256 digest made from a short label. */
export function fakeDigest(label: string): string {
  return `sha256:${createHash('sha256').update(label).digest('hex')}`;
}
