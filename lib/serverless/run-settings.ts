/**
 * Per-run settings: the stack defaults (runtime-config), overridden by the list object's S3
 * metadata or by a schedule's `settings`, both named like the CLI flags:
 *
 * | name | CLI flag | value |
 * |---|---|---|
 * | `source` | `-s/--source` | registry override of every source (`host[:port][/path]`) |
 * | `destination` | `-d/--destination` | registry override of every destination |
 * | `arch` | `-a/--arch` | comma-separated architectures |
 * | `os` | `--os` | comma-separated operating systems |
 * | `default-project` | `--default-project` | project for destinations without one |
 * | `deep` | `--deep` | `true`/`false` |
 * | `attestations` | `--attestations` | `true`/`false` |
 * | `signatures` | `--signatures` | `true`/`false` |
 * | `tls-verify` | `--tls-verify` | `true`/`false`; `false` only where the stack allows it |
 *
 * On S3 these are user metadata (`aws s3 cp --metadata arch=amd64,deep=true`, i.e. the headers
 * `x-amz-meta-arch`, …). Anything else is an error, never ignored: an unknown name (a typo such
 * as `defaultproject`), a malformed value, or `tls-verify=false` on a stack that does not set
 * `ALLOW_INSECURE_TLS=true` (a list upload must not be able to turn certificate checks off).
 */
import { isProjectPath } from '../core/ref.js';
import type { RunSettings } from '../core/settings.js';
import { AwsRuntimeError } from './errors.js';

export const SETTING_NAMES = ['source', 'destination', 'arch', 'os', 'default-project', 'deep', 'attestations', 'signatures',
  'tls-verify'] as const;
export type SettingName = (typeof SETTING_NAMES)[number];

/** Raw overrides: strings from S3 metadata; strings, booleans or string arrays from a schedule input. */
export type RunOverrides = Readonly<Record<string, unknown>>;

export interface ResolveOptions {
  /** Whether `tls-verify=false` may be set per run (`ALLOW_INSECURE_TLS`). */
  readonly allowInsecureTls: boolean;
  /** Where the overrides come from, for messages: e.g. `S3 metadata of lists/a.txt`. */
  readonly origin: string;
}

const REGISTRY = /^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?(?::\d{1,5})?(?:\/[a-z0-9._-]+)*$/;
const TOKEN = /^[a-z0-9][a-z0-9._-]{0,31}$/;

function fail(opts: ResolveOptions, name: string, expected: string, value: unknown): never {
  const shown = typeof value === 'string' ? value : JSON.stringify(value) ?? String(value);
  throw new AwsRuntimeError('RUN_SETTINGS', `invalid run setting "${name}" in ${opts.origin}: expected ${expected}, got ${JSON.stringify(String(shown).slice(0, 100))}`);
}

function text(opts: ResolveOptions, name: string, v: unknown): string {
  if (typeof v !== 'string') return fail(opts, name, 'a string', v);
  return v.trim();
}

function tokens(opts: ResolveOptions, name: string, v: unknown): string[] {
  const items = (Array.isArray(v) ? v : typeof v === 'string' ? v.split(',') : fail(opts, name, 'a comma-separated list', v))
    .map((s: unknown) => (typeof s === 'string' ? s.trim().toLowerCase() : fail(opts, name, 'names such as amd64', s)))
    .filter((s) => s !== '');
  if (items.length === 0) return fail(opts, name, 'at least one value', v);
  for (const t of items) if (!TOKEN.test(t)) fail(opts, name, 'names such as amd64 or linux', t);
  return [...new Set(items)];
}

function flag(opts: ResolveOptions, name: string, v: unknown): boolean {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'string' && ['true', 'false'].includes(v.trim().toLowerCase())) return v.trim().toLowerCase() === 'true';
  return fail(opts, name, 'true or false', v);
}

function registry(opts: ResolveOptions, name: string, v: unknown): string {
  const s = text(opts, name, v);
  if (s.length > 255 || !REGISTRY.test(s)) fail(opts, name, 'a registry such as registry.example.com[:port][/project]', s);
  return s;
}

/**
 * The settings of one run: `defaults` with `overrides` applied.
 *
 * @throws AwsRuntimeError `RUN_SETTINGS` naming the setting, its origin and what was expected.
 */
export function resolveRunSettings(defaults: RunSettings, overrides: RunOverrides | undefined, opts: ResolveOptions): RunSettings {
  if (overrides === undefined) return defaults;
  if (typeof overrides !== 'object' || overrides === null || Array.isArray(overrides)) {
    return fail(opts, 'settings', 'an object of setting names to values', overrides);
  }
  const unknown = Object.keys(overrides).filter((k) => !(SETTING_NAMES as readonly string[]).includes(k.toLowerCase()));
  if (unknown.length > 0) {
    throw new AwsRuntimeError('RUN_SETTINGS',
      `unknown run setting ${unknown.map((k) => `"${k}"`).join(', ')} in ${opts.origin}: use ${SETTING_NAMES.join(', ')}`);
  }
  const out: { -readonly [K in keyof RunSettings]: RunSettings[K] } = { ...defaults };
  for (const [rawName, v] of Object.entries(overrides)) {
    const name = rawName.toLowerCase() as SettingName;
    switch (name) {
      case 'source': out.sourceRegistry = registry(opts, name, v); break;
      case 'destination': out.destRegistry = registry(opts, name, v); break;
      case 'arch': out.arch = tokens(opts, name, v); break;
      case 'os': out.os = tokens(opts, name, v); break;
      case 'default-project': {
        const p = text(opts, name, v);
        if (!isProjectPath(p)) fail(opts, name, 'a lowercase repository path such as library', p);
        out.defaultProject = p;
        break;
      }
      case 'deep': out.deep = flag(opts, name, v); break;
      case 'attestations': out.attestations = flag(opts, name, v); break;
      case 'signatures': out.signatures = flag(opts, name, v); break;
      case 'tls-verify': {
        const verify = flag(opts, name, v);
        if (!verify && !opts.allowInsecureTls) {
          throw new AwsRuntimeError('RUN_SETTINGS',
            `run setting "tls-verify=false" in ${opts.origin} is not allowed by this stack (it does not set ALLOW_INSECURE_TLS=true)`);
        }
        out.tlsVerify = verify;
        break;
      }
    }
  }
  return out;
}
