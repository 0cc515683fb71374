/**
 * Schema1 on the harness `plain` registry (distribution 2.8 with schema1 pushes enabled): what a
 * validator will meet. The digest is that of the unsigned payload, and every GET re-signs, so
 * the bytes (and their sha256) differ between GETs while the digest header stays the same.
 */
import { describe, expect, inject, it } from 'vitest';
import { parseManifest } from '../../lib/core/manifest.js';
import { call, header, MANIFEST_ACCEPT } from '../../testbed/registry-client.js';
import { sha256 } from '../../testbed/images.js';
import { pushSchema1, SCHEMA1_SIGNED } from '../../testbed/schema1.js';
import { scenario } from '../../testbed/scenarios.js';

const regs = inject('registries');

describe('schema1 on the plain registry', () => {
  it('accepts a signed push; digest = sha256 of the unsigned payload; GETs are re-signed', async () => {
    const repo = `src/schema1-probe-${process.pid}`;
    const pushed = await pushSchema1(regs.plain, repo, 'v1', { architecture: 'arm64', os: 'linux' });
    const text = pushed.bytes.toString('utf8');
    const payload = `${text.slice(0, text.indexOf(',\n   "signatures"'))}\n}`;
    expect(pushed.digest).toBe(sha256(payload));
    const get = () => call({ reg: regs.plain }, repo, 'GET', `/v2/${repo}/manifests/v1`, { headers: { accept: MANIFEST_ACCEPT } });
    const [a, b] = [await get(), await get()];
    for (const r of [a, b]) {
      expect(r.status).toBe(200);
      expect(header(r, 'content-type')).toBe(SCHEMA1_SIGNED);
      expect(header(r, 'docker-content-digest')).toBe(pushed.digest);
      const m = parseManifest(r.body, SCHEMA1_SIGNED);
      expect(m.kind === 'schema1' && m.platform.architecture).toBe('arm64');
    }
    expect(sha256(a.body)).not.toBe(pushed.digest);
  });

  it('is refused by the tls registry (schema1 pushes disabled there, as by default)', async () => {
    await expect(pushSchema1(regs.tls, 'mirror/schema1-refused', 'v1', { architecture: 'amd64', os: 'linux' }))
      .rejects.toThrow(/-> (400|500)/);
  });

  it('seeds schema1 scenarios whose source tag serves schema1', async () => {
    const s = scenario(inject('scenarios'), 'schema1-to-one-entry-list');
    const r = await call({ reg: regs.plain }, s.source.repo, 'HEAD', `/v2/${s.source.repo}/manifests/${s.tag}`, {
      headers: { accept: MANIFEST_ACCEPT },
    });
    expect(header(r, 'content-type')).toBe(SCHEMA1_SIGNED);
  });
});
