/**
 * Named defaults: the one place every default of the CLI, the Lambda runtime configuration and
 * the CDK stack configuration comes from. Change a value here and every mode, the stack and the
 * README table (checked by test/docs) move together.
 */
import type { RunSettings } from './settings.js';

/** Run settings when neither a flag, S3 metadata, schedule input nor stack context says otherwise. */
export const DEFAULT_SETTINGS: RunSettings = Object.freeze({
  defaultProject: 'library',
  arch: Object.freeze(['amd64', 'arm64']),
  os: Object.freeze(['linux', 'windows']),
  deep: false,
  attestations: false,
  signatures: false,
  tlsVerify: true,
});

/** CLI: `-j/--jobs` default and clamp range (hangar 2023). */
export const CLI_JOBS = Object.freeze({ default: 1, min: 1, max: 20 });
/** CLI: `-o/--failed` default. */
export const FAILED_FILE_NAME = 'mirror-validate-failed.txt';
/** CLI: `--timeout` default, seconds per image. */
export const CLI_IMAGE_TIMEOUT_SECONDS = 600;

/** Receives of a work message before its line is recorded as ERROR (SQS redrive, and locally). */
export const MAX_RECEIVE_COUNT = 3;
/** After this a sweeper may close a run; missing lines become ERROR NO_RESULT. */
export const RUN_DEADLINE_MINUTES = 60;
/** Validator Lambda timeout; also its per-image time limit. */
export const VALIDATOR_TIMEOUT_SECONDS = 120;
/** Serverless: maximum concurrent validator invocations (SQS `maxConcurrency`). */
export const SERVERLESS_JOBS = 10;
/** Serverless: work messages per validator invocation. */
export const BATCH_SIZE = 5;
/** Days `runs/` objects are kept. */
export const RUNS_RETENTION_DAYS = 90;
/** Where lists are dropped in the bucket. */
export const INPUT_PREFIX = 'lists/';
/** CloudWatch Logs retention of the functions, days. */
export const LOG_RETENTION_DAYS = 30;
/** Largest list the splitter accepts, bytes. */
export const MAX_LIST_BYTES = 512 * 1024 * 1024;
/** Registry retry backoff: first delay and cap, ms. */
export const REGISTRY_RETRY = Object.freeze({ baseMs: 200, maxMs: 10_000 });
/** HTML report: up to this many lines the table lists every line; beyond, only lines that did not PASS. */
export const HTML_ALL_LINES_MAX = 100_000;
/** Lines per shard of a run's results (the aggregator's unit of compaction). */
export const SHARD_LINES = 1000;
