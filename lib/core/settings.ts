/**
 * Settings of one validation run. The CLI fills them from flags and environment; the AWS
 * pipeline from stack defaults overridden by S3 object metadata or the schedule's input.
 */
import type { ImageItem } from './types.js';

export interface RunSettings {
  /** `-s/--source` (or SOURCE_REGISTRY): replaces or prefixes the source registry of every line. */
  readonly sourceRegistry?: string;
  /** `-d/--destination` (or DEST_REGISTRY). */
  readonly destRegistry?: string;
  /** Project inserted into `registry/name` destinations. Default `library`. */
  readonly defaultProject: string;
  /** `-a/--arch`, default amd64,arm64. */
  readonly arch: readonly string[];
  /** `--os`, default linux,windows. */
  readonly os: readonly string[];
  /** HEAD config and layer blobs of every matched destination child. */
  readonly deep: boolean;
  /** Compare attestation manifests too. */
  readonly attestations: boolean;
  /**
   * Require the source's cosign tags (`sha256-<hex>.sig/.att/.sbom`) and OCI 1.1 referrers of
   * every validated digest at the destination with the same digests.
   */
  readonly signatures: boolean;
  /** `--tls-verify`, default true. false: accept self-signed certificates, fall back to HTTP. */
  readonly tlsVerify: boolean;
}

export { DEFAULT_SETTINGS } from './defaults.js';

/** One unit of work: a parsed image line of a run. This is the SQS message body. */
export interface WorkItem extends ImageItem {
  readonly runId: string;
}
