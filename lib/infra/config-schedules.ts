/**
 * Schedules from configuration: `[{ "name", "listKey", "cron", "timezone"? }]`. Each one makes
 * EventBridge Scheduler invoke the splitter with `{bucket, key: listKey, source: "schedule", name}`,
 * so a list already in the bucket is validated again on a timetable.
 */
import { invalid, jsonValue } from './context-values.js';

/** One schedule that re-validates a list already in the bucket. */
export interface ScheduleConfig {
  /** Unique, 1-48 characters `[A-Za-z0-9_-]`; names the schedule and its runs. */
  readonly name: string;
  /** Key of the list in the bucket; must be under the input prefix. */
  readonly listKey: string;
  /** A Scheduler expression: `cron(m h dom mon dow y)`, `rate(...)`, or the six cron fields bare. */
  readonly cron: string;
  /** IANA time zone of the cron expression. Default UTC. */
  readonly timezone?: string;
}

const NAME = /^[A-Za-z0-9_-]{1,48}$/;
const TZ = /^[A-Za-z][A-Za-z0-9_+/-]{0,63}$/;

/** `cron(...)`/`rate(...)` as given; six bare cron fields are wrapped in `cron(...)`. */
export function normalizeCron(key: string, raw: string): string {
  const s = raw.trim();
  if (/^rate\(\s*\d+\s+(minute|minutes|hour|hours|day|days)\s*\)$/.test(s)) return s;
  const inner = /^cron\((.*)\)$/.exec(s)?.[1] ?? s;
  const fields = inner.trim().split(/\s+/);
  if (fields.length !== 6 || fields.some((f) => !/^[0-9A-Za-z*?,/#LW-]+$/.test(f))) {
    return invalid(key, 'a cron expression with 6 fields "min hour day-of-month month day-of-week year", or rate(...)', raw);
  }
  return `cron(${fields.join(' ')})`;
}

/** Parses and checks the `schedules` value; `inputPrefix` bounds where list keys may live. */
export function parseSchedules(value: unknown, inputPrefix: string): ScheduleConfig[] {
  const key = 'schedules';
  if (value === undefined || value === null || value === '') return [];
  const raw = jsonValue(key, value);
  if (!Array.isArray(raw)) return invalid(key, 'a JSON array of {name, listKey, cron}', value);
  const seen = new Set<string>();
  return raw.map((item: unknown, i) => {
    const at = `${key}[${i}]`;
    if (typeof item !== 'object' || item === null || Array.isArray(item)) return invalid(at, 'an object', item);
    const o = item as Record<string, unknown>;
    const { name, listKey, cron, timezone } = o;
    if (typeof name !== 'string' || !NAME.test(name)) return invalid(`${at}.name`, '1-48 characters [A-Za-z0-9_-]', name);
    if (seen.has(name)) return invalid(`${at}.name`, 'a name not used by another schedule', name);
    seen.add(name);
    if (typeof listKey !== 'string' || !listKey.startsWith(inputPrefix) || listKey.length === inputPrefix.length) {
      return invalid(`${at}.listKey`, `an object key under the input prefix "${inputPrefix}"`, listKey);
    }
    if (typeof cron !== 'string') return invalid(`${at}.cron`, 'a cron expression string', cron);
    if (timezone !== undefined && (typeof timezone !== 'string' || !TZ.test(timezone))) {
      return invalid(`${at}.timezone`, 'an IANA time zone such as "Europe/Berlin"', timezone);
    }
    const extra = Object.keys(o).filter((k) => !['name', 'listKey', 'cron', 'timezone'].includes(k));
    if (extra.length > 0) return invalid(at, 'only name, listKey, cron and timezone', extra.join(','));
    return { name, listKey, cron: normalizeCron(`${at}.cron`, cron), ...(timezone ? { timezone } : {}) };
  });
}
