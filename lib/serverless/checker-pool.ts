/**
 * The validator Lambda's checkers: one per distinct run settings (TLS verification, platform
 * filter, deep, attestations, signatures), built on first use and kept for `maxAgeMs` (default 1 h, so
 * rotated secrets and ECR tokens are picked up). Each run's settings are read from its run
 * record (`runs/<runId>/run.json`) once and remembered for the container's lifetime.
 *
 * The record is not trusted to turn certificate checks off: `tlsVerify: false` is honoured only
 * when this stack allows it (`ALLOW_INSECURE_TLS=true`, or a stack default of `TLS_VERIFY=false`),
 * the same rule the splitter applied; otherwise the run is validated with TLS verification.
 */
import type { LineResult } from '../core/types.js';
import type { RunSettings, WorkItem } from '../core/settings.js';
import type { ContentCache, ObjectStore } from '../ports.js';
import { createImageChecker, type ImageChecker } from '../engine/image-checker.js';
import { runKeys } from '../pipeline/run-layout.js';
import { readJson, type RunRecord } from '../pipeline/run-record.js';
import type { RegistryCredentials } from './credentials.js';
import { AwsRuntimeError } from './errors.js';

export interface CheckerPoolOptions {
  readonly store: ObjectStore;
  readonly credentials: RegistryCredentials;
  readonly allowlist: readonly string[];
  /** Explicitly listed registries may be on loopback (local test stands only). */
  readonly allowLoopback?: boolean;
  readonly cache?: ContentCache;
  readonly timeoutMs: number;
  readonly maxAgeMs?: number;
  readonly now?: () => number;
  /** Tests shorten registry retries. */
  readonly retry?: { retries?: number; baseMs?: number; maxMs?: number };
  /** Whether a run may have `tlsVerify: false` (the splitter's rule); default false. */
  readonly insecureTlsAllowed?: boolean;
  /** Told when a run record asks for what the stack does not allow (it is not honoured). */
  readonly distrusted?: (runId: string, message: string) => void;
}

const MAX_RUNS = 200;

export class CheckerPool {
  private readonly settings = new Map<string, Promise<RunSettings>>();
  private readonly checkers = new Map<string, { v: ImageChecker; at: number }>();
  private retired: ImageChecker[] = [];

  constructor(private readonly opts: CheckerPoolOptions) {}

  /** The settings of run `runId`. @throws AwsRuntimeError `LIST` when the run has no record. */
  settingsOf(runId: string): Promise<RunSettings> {
    let p = this.settings.get(runId);
    if (!p) {
      p = readJson<RunRecord>(this.opts.store, runKeys(runId).record).then((r) => {
        if (!r) throw new AwsRuntimeError('LIST', `run ${runId} has no run record`);
        if (r.settings.tlsVerify === false && !this.opts.insecureTlsAllowed) {
          this.opts.distrusted?.(runId, 'run record asks for tls-verify=false, which this stack does not allow: validating with TLS verification');
          return { ...r.settings, tlsVerify: true };
        }
        return r.settings;
      });
      if (this.settings.size >= MAX_RUNS) this.settings.delete(this.settings.keys().next().value!);
      this.settings.set(runId, p);
      p.catch(() => this.settings.delete(runId));
    }
    return p;
  }

  private checkerFor(s: RunSettings): ImageChecker {
    const now = (this.opts.now ?? Date.now)();
    const key = JSON.stringify([s.tlsVerify, s.arch, s.os, s.deep, s.attestations, s.signatures]);
    const found = this.checkers.get(key);
    if (found && now - found.at < (this.opts.maxAgeMs ?? 3_600_000)) return found.v;
    if (found) this.retired.push(found.v);
    const v = createImageChecker({
      settings: s,
      sourceCredentials: this.opts.credentials.source,
      destCredentials: this.opts.credentials.destination,
      allowlist: this.opts.allowlist,
      ...(this.opts.allowLoopback ? { allowLoopback: true } : {}),
      cache: this.opts.cache,
      timeoutMs: this.opts.timeoutMs,
      ...(this.opts.retry ? { retry: this.opts.retry } : {}),
    });
    this.checkers.set(key, { v, at: now });
    return v;
  }

  /** Validates `item` with its run's settings. */
  async validate(item: WorkItem): Promise<LineResult> {
    return this.checkerFor(await this.settingsOf(item.runId)).validate(item);
  }

  /** Closes checkers replaced since the last call (call between batches). */
  async closeRetired(): Promise<void> {
    const old = this.retired;
    this.retired = [];
    await Promise.allSettled(old.map((v) => v.close()));
  }

  async close(): Promise<void> {
    const all = [...this.checkers.values()].map((e) => e.v);
    this.checkers.clear();
    await this.closeRetired();
    await Promise.allSettled(all.map((v) => v.close()));
  }
}
