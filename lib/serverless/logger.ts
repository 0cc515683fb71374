/**
 * A small structured logger for the Lambda functions (Powertools-compatible field names:
 * `level`, `message`, `service`, `timestamp`, `function_request_id`), one JSON object per line.
 * Level from `POWERTOOLS_LOG_LEVEL` or `LOG_LEVEL` (default INFO). Callers log messages, codes,
 * run ids and counts only: never credentials, tokens or Authorization headers. Lines are
 * written with core/terminal.ts's `jsonLine`: no control character reaches the log raw.
 */
import { jsonLine } from '../core/terminal.js';

export type LogLevel = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
const ORDER: Readonly<Record<LogLevel, number>> = { DEBUG: 10, INFO: 20, WARN: 30, ERROR: 40 };

export interface Logger {
  debug(message: string, extra?: Record<string, unknown>): void;
  info(message: string, extra?: Record<string, unknown>): void;
  warn(message: string, extra?: Record<string, unknown>): void;
  error(message: string, extra?: Record<string, unknown>): void;
  /** Sets (or clears) the request id added to every line. */
  setRequestId(id: string | undefined): void;
}

export interface LoggerOptions {
  readonly service?: string;
  readonly level?: string;
  readonly write?: (line: string) => void;
  readonly now?: () => Date;
}

/** An error as loggable fields: name, code and message, without the stack of foreign objects. */
export function errorFields(err: unknown): Record<string, unknown> {
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    return { error: { name: err.name, message: err.message, ...(typeof code === 'string' ? { code } : {}) } };
  }
  return { error: { message: String(err) } };
}

export function createLogger(opts: LoggerOptions = {}): Logger {
  const env = process.env;
  // Read per line, not at import: the level can be set after the module is loaded (tests, warm containers).
  const threshold = (): number => {
    const wanted = (opts.level ?? env.POWERTOOLS_LOG_LEVEL ?? env.LOG_LEVEL ?? 'INFO').toUpperCase() as LogLevel;
    return ORDER[wanted] ?? ORDER.INFO;
  };
  const service = opts.service ?? env.POWERTOOLS_SERVICE_NAME ?? 'mirror-validate';
  const write = opts.write ?? ((line: string) => process.stdout.write(`${line}\n`));
  const now = opts.now ?? (() => new Date());
  let requestId: string | undefined;
  const log = (level: LogLevel) => (message: string, extra: Record<string, unknown> = {}) => {
    if (ORDER[level] < threshold()) return;
    write(jsonLine({
      level, message, service, timestamp: now().toISOString(),
      ...(requestId ? { function_request_id: requestId } : {}), ...extra,
    }));
  };
  return {
    debug: log('DEBUG'), info: log('INFO'), warn: log('WARN'), error: log('ERROR'),
    setRequestId: (id) => { requestId = id; },
  };
}

/** The functions' shared logger. */
export const logger: Logger = createLogger();
