/**
 * `--report` in every format from the real CLI against the harness registries: one run with
 * passes, a failure, a skip, an error and invalid lines writes JSON, JUnit XML and HTML that
 * agree; the HTML page is checked in headless Chromium.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import type { Browser } from 'playwright-core';
import { scenario } from '../../testbed/scenarios.js';
import { artifactsDir, launchChromium, openPage } from '../helpers/browser.js';
import { runCli, type CliRun } from './cli-helpers.js';

const regs = inject('registries');
const scenarios = inject('scenarios');
const destEnv = { DEST_USERNAME: regs.tls.username!, DEST_PASSWORD: regs.tls.password! };

describe('--report json, xml and html from one run', () => {
  let run: CliRun;
  let browser: Browser;

  beforeAll(async () => {
    const lines = [
      scenario(scenarios, 'docker-list-filtered').listLine,
      scenario(scenarios, 'upstream-updated').listLine,
      scenario(scenarios, 'no-matching-platform').listLine,
      'one two',
      '127.0.0.1:1/src/gone mirror/gone 1.0',
    ];
    // runCli passes `--report <dir>/report.json`; the extra flags add the other two formats.
    run = await runCli(lines, ['--tls-verify=false', '-d', regs.tls.host], destEnv, ['report.xml', 'report.html']);
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => { await browser?.close(); });

  it('writes a JUnit file whose cases and counts match the JSON report', async () => {
    const report = await run.report();
    const xml = await readFile(join(run.dir, 'report.xml'), 'utf8');
    expect(XMLValidator.validate(xml)).toBe(true);
    const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', isArray: (n) => n === 'testcase' || n === 'testsuite' }).parse(xml);
    const suite = doc.testsuites.testsuite[0];
    expect(suite.name).toBe('list.txt');
    expect(suite.testcase.map((c: { name: string }) => c.name)).toEqual(report.results.map((r) => `line ${r.line}: ${r.input}`));
    expect([suite.tests, suite.failures, suite.errors, suite.skipped].map(Number))
      .toEqual([report.summary.total, report.summary.failed, report.summary.errors! + report.summary.invalid!, report.summary.skipped]);
    expect(suite.testcase[1].failure.type).toBe('DIGEST_MISMATCH');
    expect(run.code).toBe(1);
  });

  it('writes an HTML page that shows every line and the failure with its mismatching digests', async () => {
    const { page, url, requests, errors } = await openPage(browser, join(run.dir, 'report.html'));
    try {
      expect(await page.locator('#mv-window .row:not([hidden])').count()).toBe(5);
      const card = page.locator('#mv-failures .detail');
      expect(await card.count()).toBe(1);
      expect(await card.getAttribute('data-line')).toBe('2');
      expect(await card.locator('td.diff').count()).toBeGreaterThanOrEqual(2);
      expect(await card.locator('td.diff').first().textContent()).toMatch(/^sha256:[0-9a-f]{64}$/);
      expect(await card.locator('.faq').textContent()).toContain('run mirror again');
      await page.screenshot({ path: join(await artifactsDir(), 'html-report-cli.png'), fullPage: true });
      expect(requests).toEqual([url]);
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  });
});
