/**
 * Test PKI for the integration harness: a throw-away CA, a server certificate for 127.0.0.1 and
 * localhost signed by it, and a self-signed token-signing certificate (the registry's
 * `rootcertbundle`). Generated with the `openssl` CLI into a temporary directory.
 *
 * No vitest imports: usable from scripts too.
 */
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Paths and PEM contents of the generated material. */
export interface TestPki {
  readonly caFile: string;
  readonly caPem: string;
  readonly serverCertFile: string;
  readonly serverKeyFile: string;
  readonly serverCertPem: string;
  readonly serverKeyPem: string;
  /** Self-signed certificate whose key signs the test JWTs; the registry's `rootcertbundle`. */
  readonly tokenCertFile: string;
  readonly tokenCertPem: string;
  readonly tokenKeyPem: string;
  /** Base64 (not base64url) DER of the token certificate, for the JWT `x5c` header. */
  readonly tokenCertDerB64: string;
}

async function openssl(cwd: string, args: string[]): Promise<void> {
  try {
    await run('openssl', args, { cwd });
  } catch (err) {
    const stderr = (err as { stderr?: string }).stderr ?? '';
    throw new Error(`openssl ${args[0] ?? ''} failed: ${stderr.trim()}`, { cause: err });
  }
}

/** Convert a PEM certificate to base64 DER (the body between the armour lines). */
export function pemToDerB64(pem: string): string {
  return pem
    .replace(/-----BEGIN CERTIFICATE-----/, '')
    .replace(/-----END CERTIFICATE-----[\s\S]*$/, '')
    .replace(/\s+/g, '');
}

/**
 * Generate the CA, the server certificate (SAN IP:127.0.0.1, DNS:localhost) and the token
 * certificate in `dir`. Takes a few hundred milliseconds (three RSA-2048 keys).
 */
export async function generateTestPki(dir: string): Promise<TestPki> {
  const f = (name: string): string => path.join(dir, name);
  const days = '2';
  await openssl(dir, [
    'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-sha256', '-days', days,
    '-keyout', f('ca.key'), '-out', f('ca.pem'), '-subj', '/CN=mirror-validate test CA',
    '-addext', 'basicConstraints=critical,CA:TRUE',
    '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
  ]);
  await openssl(dir, [
    'req', '-newkey', 'rsa:2048', '-nodes', '-sha256',
    '-keyout', f('server.key'), '-out', f('server.csr'), '-subj', '/CN=127.0.0.1',
  ]);
  await writeFile(f('server.ext'), [
    'subjectAltName=IP:127.0.0.1,DNS:localhost',
    'basicConstraints=CA:FALSE',
    'keyUsage=critical,digitalSignature,keyEncipherment',
    'extendedKeyUsage=serverAuth',
    '',
  ].join('\n'));
  await openssl(dir, [
    'x509', '-req', '-sha256', '-days', days, '-in', f('server.csr'),
    '-CA', f('ca.pem'), '-CAkey', f('ca.key'), '-CAcreateserial',
    '-out', f('server.pem'), '-extfile', f('server.ext'),
  ]);
  await openssl(dir, [
    'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-sha256', '-days', days,
    '-keyout', f('token.key'), '-out', f('token.pem'), '-subj', '/CN=mirror-validate test token signer',
  ]);
  const [caPem, serverCertPem, serverKeyPem, tokenCertPem, tokenKeyPem] = await Promise.all(
    ['ca.pem', 'server.pem', 'server.key', 'token.pem', 'token.key'].map((n) => readFile(f(n), 'utf8')),
  );
  return {
    caFile: f('ca.pem'),
    caPem: caPem!,
    serverCertFile: f('server.pem'),
    serverKeyFile: f('server.key'),
    serverCertPem: serverCertPem!,
    serverKeyPem: serverKeyPem!,
    tokenCertFile: f('token.pem'),
    tokenCertPem: tokenCertPem!,
    tokenKeyPem: tokenKeyPem!,
    tokenCertDerB64: pemToDerB64(tokenCertPem!),
  };
}
