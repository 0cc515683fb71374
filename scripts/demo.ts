/**
 * `npm run demo`: try mirror-validate without the internet. Starts two throw-away Debian
 * `docker-registry` instances on 127.0.0.1 (a plain-HTTP "public" source and a TLS + htpasswd
 * "private" destination, plus a bearer-token one), fills them with sample images (correct
 * mirrors and broken ones), writes a sample list, and runs the built CLI on it.
 *
 * Needs `npm run build` first and the Debian packages `docker-registry apache2-utils openssl`.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { harnessInfo, startRegistries } from '../testbed/registry-harness.js';
import { closeClients } from '../testbed/registry-client.js';
import { seedScenarios } from '../testbed/scenarios.js';

const harness = await startRegistries();
let code = 2;
try {
  const info = harnessInfo(harness);
  const scenarios = (await seedScenarios(info)).filter((s) => s.flags.length === 0
    && s.source.creds === 'none' && s.dest.registry === 'tls' && s.dest.creds === 'tester');
  const dir = await mkdtemp(join(tmpdir(), 'mirror-validate-demo-'));
  const list = join(dir, 'list.txt');
  await writeFile(list, ['# sample list: SOURCE DESTINATION TAG', ...scenarios.map((s) => `# ${s.name}: ${s.description}\n${s.listLine}`), 'this line is not valid', ''].join('\n'));
  const failed = join(dir, 'mirror-validate-failed.txt');
  const report = join(dir, 'report.json');
  const html = join(dir, 'report.html');
  process.stderr.write(`demo: source ${info.plain.url} (plain HTTP), destination ${info.tls.url} (TLS, user "tester")\n`);
  process.stderr.write(`demo: mirror-validate -f ${list} -j 10 --tls-verify=false --report ${report} --report ${html}\n\n`);
  code = await new Promise<number>((resolve) => {
    const child = spawn(process.execPath, ['dist/bin/cli.js', '-f', list, '-j', '10', '--tls-verify=false', '--no-cache',
      '-o', failed, '--report', report, '--report', html], {
      stdio: 'inherit',
      env: { ...process.env, DEST_USERNAME: info.tls.username, DEST_PASSWORD: info.tls.password },
    });
    child.on('exit', (c) => resolve(c ?? 2));
  });
  process.stderr.write(`\ndemo: exit code ${code} (1 = some lines FAILED, ERROR or INVALID, as expected here)\n`);
  process.stderr.write(`demo: failed list ${failed}:\n${await readFile(failed, 'utf8').catch(() => '(none)\n')}`);
  process.stderr.write(`demo: JSON report ${report}\ndemo: HTML report ${html} (open it in a browser)\n`);
} finally {
  await closeClients();
  await harness.stop();
}
process.exitCode = code === 1 ? 0 : code;
