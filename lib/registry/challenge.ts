/**
 * RFC 7235 `WWW-Authenticate` parsing.
 *
 *   challenge  = auth-scheme [ 1*SP ( token68 / #auth-param ) ]
 *   auth-param = token BWS "=" BWS ( token / quoted-string )
 *
 * One header may carry several challenges separated by commas, and commas also separate
 * parameters, so a comma is followed either by `name=` (a parameter) or by a new scheme.
 * Quoted strings may contain commas (`scope="repository:a/b:pull,push"`) and `\` escapes.
 * The parser is lenient: it never throws, and skips what it cannot read. Unquoted values are
 * read up to the next comma or space (registries send `realm=https://…` unquoted at times).
 */

/** One parsed challenge. `scheme` and parameter names are lower-cased. */
export interface Challenge {
  readonly scheme: string;
  readonly params: Readonly<Record<string, string>>;
  readonly token68?: string;
}

const TCHAR = /[!#$%&'*+\-.^_`|~0-9A-Za-z]/;
const TOKEN68_RE = /^[A-Za-z0-9\-._~+/]+=*/;

class Scanner {
  pos = 0;
  constructor(readonly s: string) {}

  get done(): boolean {
    return this.pos >= this.s.length;
  }
  get ch(): string {
    return this.s.charAt(this.pos);
  }
  skipWs(): void {
    while (this.ch === ' ' || this.ch === '\t') this.pos++;
  }
  skipWsAndCommas(): void {
    while (this.ch === ' ' || this.ch === '\t' || this.ch === ',') this.pos++;
  }
  token(): string {
    const start = this.pos;
    while (!this.done && TCHAR.test(this.ch)) this.pos++;
    return this.s.slice(start, this.pos);
  }
  quoted(): string {
    // Caller checked the opening quote.
    this.pos++;
    let out = '';
    while (!this.done && this.ch !== '"') {
      if (this.ch === '\\' && this.pos + 1 < this.s.length) this.pos++;
      out += this.ch;
      this.pos++;
    }
    this.pos++; // closing quote (or end)
    return out;
  }
  bareValue(): string {
    const start = this.pos;
    while (!this.done && this.ch !== ',' && this.ch !== ' ' && this.ch !== '\t') this.pos++;
    return this.s.slice(start, this.pos);
  }
  /** True when the text at the cursor is `token BWS "="` (an auth-param, not a new scheme). */
  atParam(): boolean {
    const save = this.pos;
    const name = this.token();
    this.skipWs();
    const isParam = name.length > 0 && this.ch === '=';
    this.pos = save;
    return isParam;
  }
  /** Skips to the next comma (recovery after something unreadable). */
  skipItem(): void {
    while (!this.done && this.ch !== ',') this.pos++;
  }
}

/** Parses one or several `WWW-Authenticate` header values into challenges, in order. */
export function parseChallenges(header: string | readonly string[] | undefined): Challenge[] {
  if (header === undefined) return [];
  const values = typeof header === 'string' ? [header] : header;
  return values.flatMap((v) => parseOne(v));
}

function parseOne(value: string): Challenge[] {
  const sc = new Scanner(value);
  const out: Challenge[] = [];
  for (;;) {
    sc.skipWsAndCommas();
    if (sc.done) return out;
    const scheme = sc.token();
    if (scheme === '') {
      sc.pos++;
      sc.skipItem();
      continue;
    }
    sc.skipWs();
    const params: Record<string, string> = {};
    let token68: string | undefined;
    const m68 = TOKEN68_RE.exec(value.slice(sc.pos));
    if (m68 && !sc.atParam()) {
      token68 = m68[0];
      sc.pos += token68.length;
    } else {
      readParams(sc, params);
    }
    out.push(token68 === undefined ? { scheme: scheme.toLowerCase(), params } : { scheme: scheme.toLowerCase(), params, token68 });
  }
}

function readParams(sc: Scanner, params: Record<string, string>): void {
  for (;;) {
    sc.skipWs();
    if (sc.done) return;
    if (sc.ch === ',') {
      // Another parameter follows, or a new challenge starts.
      const save = sc.pos;
      sc.skipWsAndCommas();
      if (sc.done) return;
      if (!sc.atParam()) {
        sc.pos = save;
        return;
      }
    }
    if (!sc.atParam()) {
      sc.skipItem();
      continue;
    }
    const name = sc.token().toLowerCase();
    sc.skipWs();
    sc.pos++; // '='
    sc.skipWs();
    const val = sc.ch === '"' ? sc.quoted() : sc.bareValue();
    if (!(name in params)) params[name] = val;
  }
}

/** The challenge for `scheme` (case-insensitive), if any. */
export function findChallenge(challenges: readonly Challenge[], scheme: string): Challenge | undefined {
  const want = scheme.toLowerCase();
  return challenges.find((c) => c.scheme === want);
}

/** Splits a `scope` parameter into its space-separated scopes. */
export function splitScopes(scope: string | undefined): string[] {
  return (scope ?? '').split(/\s+/).filter((s) => s.length > 0);
}
