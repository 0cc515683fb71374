#!/usr/bin/env node
/**
 * Fails (exit 1, one line) unless this Node satisfies package.json `engines.node`. Plain
 * JavaScript without dependencies: .ci/run calls it before `npm ci`.
 *
 * `satisfies` understands the npm range forms the dependencies use: `||` alternatives of
 * space-separated comparators (`>=`, `>`, `<=`, `<`, `=`), caret ranges (`^20.19.0`), x-ranges
 * and bare versions (`20`, `20.x`, `*`).
 */
import { readFileSync } from 'node:fs';
import process from 'node:process';
import { URL } from 'node:url';

/** `20.19` -> [20, 19, 0]; missing or `x` parts are null. */
function parts(v) {
  return v.replace(/^v/, '').split('.').slice(0, 3).map((p) => (p === undefined || /^[x*]$/i.test(p) || p === '' ? null : Number.parseInt(p, 10)))
    .concat([null, null, null]).slice(0, 3);
}

function compare(a, b) {
  for (let i = 0; i < 3; i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) - (b[i] ?? 0);
  return 0;
}

/** Does the single comparator `c` (e.g. `>=20.19.0`, `^20.19.0`, `20.x`) hold for version `v`? */
function holds(v, c) {
  const m = /^(>=|<=|>|<|=|\^|~)?\s*v?([\dx*]+(?:\.[\dx*]+){0,2})$/i.exec(c);
  if (!m) throw new Error(`unsupported range ${JSON.stringify(c)}`);
  const [, op = '', raw] = m;
  const want = parts(raw);
  const known = want.filter((p) => p !== null).length;
  const upper = (level) => want.slice(0, level).map((p, i) => (i === level - 1 ? p + 1 : p)).concat([0, 0, 0]).slice(0, 3);
  switch (op) {
    case '>=': return compare(v, want) >= 0;
    case '>': return compare(v, want) > 0;
    case '<=': return compare(v, want) <= 0;
    case '<': return compare(v, want) < 0;
    case '^': return compare(v, want) >= 0 && compare(v, upper(want[0] === 0 && known > 1 ? 2 : 1)) < 0;
    case '~': return compare(v, want) >= 0 && compare(v, upper(Math.min(2, known))) < 0;
    default: return known === 0 || (compare(v, want) >= 0 && compare(v, upper(known)) < 0);
  }
}

/** True when `version` (e.g. `v20.19.2`) satisfies the npm `range`. */
export function satisfies(version, range) {
  const v = parts(version);
  return range.split('||').some((alt) => {
    const comparators = alt.trim().replace(/([<>=^~]+)\s+/g, '$1').split(/\s+/).filter(Boolean);
    return comparators.length === 0 || comparators.every((c) => holds(v, c));
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const range = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).engines?.node;
  if (range && !satisfies(process.version, range)) {
    process.stderr.write(`Node ${process.version} is too old for mirror-validate: package.json engines needs node ${range}\n`);
    process.exit(1);
  }
  process.stdout.write(`node ${process.version} satisfies engines ${range}\n`);
}
