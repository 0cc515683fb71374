/**
 * Registry credentials in Lambda (SPEC §4 step 4): a Secrets Manager secret and ECR tokens.
 *
 * The secret is a JSON object:
 *
 * ```json
 * { "registry.example.com": { "username": "robot", "password": "..." },
 *   "DEST_USERNAME": "...", "DEST_PASSWORD": "...",
 *   "SOURCE_USERNAME": "...", "SOURCE_PASSWORD": "..." }
 * ```
 *
 * Per side, in order: the side's pair (`SOURCE_*` for source-side requests, `DEST_*` for
 * destination-side ones, exactly like the CLI's environment variables: they apply to every
 * registry of that side), then the registry's own entry (`docker.io` also matches its aliases),
 * then, for `<account>.dkr.ecr.<region>.amazonaws.com` hosts, an ECR `GetAuthorizationToken`
 * token, else anonymous. The secret is read once and cached (`secretTtlMs`, default 15 min);
 * ECR tokens are cached until shortly before they expire. Secret values never reach messages.
 */
import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { GetAuthorizationTokenCommand, type ECRClient } from '@aws-sdk/client-ecr';
import type { Credential, CredentialLookup } from '../registry/auth.js';
import { lookupHostKey } from '../registry/auth-files.js';
import { AwsRuntimeError } from './errors.js';

export interface SecretCredentialsOptions {
  readonly secretId: string;
  readonly secrets: SecretsManagerClient;
  /** ECR client of a region (clients are made per registry region). */
  readonly ecr?: (region: string) => ECRClient;
  readonly secretTtlMs?: number;
  /** An ECR token is renewed when it has less than this left. Default 75 min (validators live up to 1 h). */
  readonly ecrMarginMs?: number;
  readonly now?: () => number;
}

export interface RegistryCredentials {
  readonly source: CredentialLookup;
  readonly destination: CredentialLookup;
}

interface ParsedSecret {
  readonly sides: { readonly source?: Credential; readonly destination?: Credential };
  readonly registries: Readonly<Record<string, Credential>>;
}

const ECR_HOST = /^\d{12}\.dkr\.ecr(?:-fips)?\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?$/;

/** The region of an ECR registry host, or undefined for any other registry. */
export function ecrRegion(registry: string): string | undefined {
  return ECR_HOST.exec(registry.toLowerCase())?.[1];
}

/** Parses the secret's JSON. @throws AwsRuntimeError `CREDENTIALS` (without echoing values). */
export function parseCredentialsSecret(text: string): ParsedSecret {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new AwsRuntimeError('CREDENTIALS', 'the credentials secret is not valid JSON');
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new AwsRuntimeError('CREDENTIALS', 'the credentials secret must be a JSON object of registry names to {"username","password"}');
  }
  const o = raw as Record<string, unknown>;
  const pair = (prefix: string): Credential | undefined => {
    const u = o[`${prefix}_USERNAME`];
    const p = o[`${prefix}_PASSWORD`];
    if (u === undefined && p === undefined) return undefined;
    if (typeof u !== 'string' || typeof p !== 'string' || u === '' || p === '') {
      throw new AwsRuntimeError('CREDENTIALS', `the credentials secret must set both ${prefix}_USERNAME and ${prefix}_PASSWORD as non-empty strings`);
    }
    return { username: u, password: p };
  };
  const registries: Record<string, Credential> = {};
  for (const [key, value] of Object.entries(o)) {
    if (/^(SOURCE|DEST)_(USERNAME|PASSWORD)$/.test(key)) continue;
    const v = value as { username?: unknown; password?: unknown } | null;
    if (typeof v !== 'object' || v === null || typeof v.username !== 'string' || typeof v.password !== 'string' || v.username === '') {
      throw new AwsRuntimeError('CREDENTIALS', `the credentials secret entry "${key.slice(0, 100)}" must be {"username": "...", "password": "..."}`);
    }
    registries[key] = { username: v.username, password: v.password };
  }
  return { sides: { source: pair('SOURCE'), destination: pair('DEST') }, registries };
}

/** Source- and destination-side credential lookups backed by the secret and ECR. */
export function createSecretCredentials(opts: SecretCredentialsOptions): RegistryCredentials {
  const now = opts.now ?? Date.now;
  const ttl = opts.secretTtlMs ?? 15 * 60_000;
  const margin = opts.ecrMarginMs ?? 75 * 60_000;
  let secret: { value: Promise<ParsedSecret>; at: number } | undefined;
  const ecrTokens = new Map<string, { value: Promise<{ cred: Credential; expires: number }> }>();

  const readSecret = (): Promise<ParsedSecret> => {
    if (!secret || now() - secret.at >= ttl) {
      const value = opts.secrets.send(new GetSecretValueCommand({ SecretId: opts.secretId })).then(
        (out) => parseCredentialsSecret(out.SecretString ?? '{}'),
        (err: unknown) => {
          throw new AwsRuntimeError('CREDENTIALS', `cannot read the credentials secret: ${(err as Error)?.name ?? 'error'}`, { cause: err });
        });
      const entry = { value, at: now() };
      value.catch(() => { if (secret === entry) secret = undefined; });
      secret = entry;
    }
    return secret.value;
  };

  const ecrToken = async (region: string): Promise<Credential> => {
    const cached = ecrTokens.get(region);
    if (cached) {
      const got = await cached.value.catch(() => undefined);
      if (got && got.expires - now() > margin) return got.cred;
    }
    if (!opts.ecr) throw new AwsRuntimeError('CREDENTIALS', `no ECR client for region ${region}`);
    const value = opts.ecr(region).send(new GetAuthorizationTokenCommand({})).then((out) => {
      const data = out.authorizationData?.[0];
      const decoded = Buffer.from(data?.authorizationToken ?? '', 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon <= 0) throw new AwsRuntimeError('CREDENTIALS', `ECR GetAuthorizationToken in ${region} returned no usable token`);
      return {
        cred: { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) },
        expires: data?.expiresAt?.getTime() ?? now() + 12 * 3_600_000,
      };
    });
    ecrTokens.set(region, { value });
    try {
      return (await value).cred;
    } catch (err) {
      ecrTokens.delete(region);
      if (err instanceof AwsRuntimeError) throw err;
      throw new AwsRuntimeError('CREDENTIALS', `ECR GetAuthorizationToken in ${region} failed: ${(err as Error)?.name ?? 'error'}`, { cause: err });
    }
  };

  const side = (which: 'source' | 'destination'): CredentialLookup => async (registry) => {
    const parsed = await readSecret();
    const fromSide = parsed.sides[which];
    if (fromSide) return fromSide;
    const entry = lookupHostKey(parsed.registries, registry);
    if (entry) return entry;
    const region = ecrRegion(registry);
    return region ? ecrToken(region) : undefined;
  };
  return { source: side('source'), destination: side('destination') };
}
