/**
 * The HTML report in real headless Chromium (Debian's `chromium`, driven by playwright-core):
 * rows, filters, search, highlighted mismatches, no network, no console errors, a small DOM at
 * 100,000 lines. Screenshots go to test-artifacts/ (gitignored).
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { renderHtmlReport } from '../../lib/report/html.js';
import type { JsonReport } from '../../lib/core/report.js';
import { artifactsDir, launchChromium, openPage, type OpenedPage } from '../helpers/browser.js';
import { bigReport, sampleReport, XSS_INPUT } from './sample-report.js';

let browser: Browser;
let dir: string;
let artifacts: string;

beforeAll(async () => {
  browser = await launchChromium();
  dir = await mkdtemp(join(tmpdir(), 'mv-html-'));
  artifacts = await artifactsDir();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function open(name: string, html: string): Promise<OpenedPage> {
  const file = join(dir, name);
  await writeFile(file, html);
  return openPage(browser, file);
}

const visibleRows = (page: Page) => page.locator('#mv-window .row:not([hidden])');
const countText = (page: Page) => page.locator('#mv-count').textContent();
const waitCount = (page: Page, text: string) => expect.poll(() => countText(page)).toBe(text);

describe('HTML report in Chromium', () => {
  let o: OpenedPage;
  beforeAll(async () => { o = await open('sample.html', renderHtmlReport(sampleReport(), { listName: 'images.txt' })); }, 60_000);
  afterAll(async () => { await o?.page.close(); });

  it('shows every line, and hostile input only as text', async () => {
    expect(await visibleRows(o.page).count()).toBe(9);
    expect(await countText(o.page)).toBe('Showing 9 of 9 lines');
    const row7 = o.page.locator('#mv-window .row[data-idx="6"] .c-input');
    expect(await row7.textContent()).toBe(XSS_INPUT);
    expect(await o.page.evaluate('window.__pwned')).toBeUndefined();
    expect(await o.page.locator('img').count()).toBe(0);
  });

  it('filters by status, by code, and searches text', async () => {
    const { page } = o;
    await page.uncheck('input[name=mv-status][value=PASS]');
    expect(await visibleRows(page).count()).toBe(8);
    for (const s of ['ERROR', 'SKIPPED', 'INVALID']) await page.uncheck(`input[name=mv-status][value=${s}]`);
    expect(await visibleRows(page).locator('.c-status').allTextContents()).toEqual(['FAILED', 'FAILED', 'FAILED', 'FAILED']);
    for (const s of ['PASS', 'ERROR', 'SKIPPED', 'INVALID']) await page.check(`input[name=mv-status][value=${s}]`);
    await page.selectOption('#mv-code', 'AUTH');
    expect(await visibleRows(page).locator('.c-line').allTextContents()).toEqual(['5']);
    await page.selectOption('#mv-code', '');
    await page.fill('#mv-search', 'REDIS');
    await waitCount(page, 'Showing 1 of 9 lines');
    expect(await visibleRows(page).locator('.c-line').allTextContents()).toEqual(['2']);
    await page.fill('#mv-search', 'no-such-thing');
    await waitCount(page, 'Showing 0 of 9 lines');
    expect(await page.isVisible('#mv-empty')).toBe(true);
    await page.fill('#mv-search', '');
    await waitCount(page, 'Showing 9 of 9 lines');
  });

  it('the code table filters the lines', async () => {
    await o.page.click('.codebtn[data-code="DEST_NOT_FOUND"]');
    expect(await visibleRows(o.page).locator('.c-line').allTextContents()).toEqual(['4']);
    await o.page.selectOption('#mv-code', '');
  });

  it('shows each FAILED line with its specs side by side, mismatches highlighted, and its FAQ', async () => {
    const cards = o.page.locator('#mv-failures .detail');
    expect(await cards.evaluateAll((els) => els.map((e) => e.getAttribute('data-line')))).toEqual(['2', '3', '4', '9']);
    const digest = cards.nth(0).locator('table.spec tbody tr');
    expect(await digest.nth(0).locator('td.diff').count()).toBe(0);
    expect(await digest.nth(1).locator('td.diff').allTextContents()).toEqual([`sha256:${'c'.repeat(64)}`, `sha256:${'d'.repeat(64)}`]);
    // arm64 and arm64/v8 are one platform (containerd's normal form): paired on one row, only the digests differ
    expect(await digest.nth(1).locator('td').allTextContents()).toContain('linux/arm64/v8');
    const platform = cards.nth(1).locator('table.spec tbody tr');
    expect(await platform.nth(1).locator('td.diff').first().textContent()).toBe('linux/arm/v7');
    expect(await platform.nth(1).locator('td.miss').textContent()).toBe('missing');
    const media = cards.nth(3).locator('table.spec td.diff');
    expect(await media.allTextContents()).toEqual(['application/vnd.oci.image.index.v1+json', 'application/vnd.oci.image.manifest.v1+json']);
    expect(await cards.nth(0).locator('.faq').textContent()).toContain('the upstream image was updated after the mirror ran');
    expect(await cards.nth(2).locator('table.spec').count()).toBe(0);
    expect(await cards.nth(0).locator('dl.kv').textContent()).toContain('index: entries matched by digest and platform');
    expect(await cards.nth(2).locator('dl.kv').textContent()).toContain('artifact: same digest (no platform)');
    expect(await cards.nth(2).locator('.faq').textContent()).toContain('the signature or artifact was not mirrored');
  });

  it('opens the details of a clicked line', async () => {
    await o.page.click('#mv-window .row[data-idx="4"]');
    const detail = o.page.locator('#mv-detail .detail');
    expect(await detail.getAttribute('data-line')).toBe('5');
    expect(await detail.locator('.faq').textContent()).toContain('401/403 on either side');
    await o.page.screenshot({ path: join(artifacts, 'html-report.png'), fullPage: true });
  });

  it('fetched nothing but the file and logged no errors', () => {
    expect(o.requests).toEqual([o.url]);
    expect(o.errors).toEqual([]);
  });
});

describe('HTML report with 100,000 lines', () => {
  it('renders a small DOM, scrolls to the end and filters', async () => {
    const n = 100_000;
    const { page, requests, url, errors } = await open('big.html', renderHtmlReport(bigReport(n), { listName: 'big.txt' }));
    try {
      expect(await countText(page)).toBe(`Showing ${n} of ${n} lines`);
      const rowEls = await page.locator('#mv-window .row').count();
      expect(rowEls).toBeGreaterThan(10);
      expect(rowEls).toBeLessThanOrEqual(100);
      expect(await page.evaluate('document.getElementsByTagName("*").length')).toBeLessThan(3000);
      await page.evaluate('{ const v = document.getElementById("mv-viewport"); v.scrollTop = v.scrollHeight; }');
      await expect.poll(() => visibleRows(page).locator('.c-line').allTextContents()).toContain('100000');
      expect(await page.locator('#mv-window .row').count()).toBeLessThanOrEqual(100);
      await page.selectOption('#mv-code', 'DIGEST_MISMATCH');
      expect(await countText(page)).toBe(`Showing ${n / 10} of ${n} lines`);
      await page.click('#mv-window .row[data-idx="99"]');
      expect(await page.locator('#mv-detail .detail').getAttribute('data-line')).toBe('100');
      await page.locator('#mv-lines').screenshot({ path: join(artifacts, 'html-report-100k.png') });
      expect(await page.locator('#mv-failures .detail').count()).toBe(20);
      await page.click('#mv-more');
      expect(await page.locator('#mv-failures .detail').count()).toBe(40);
      expect(requests).toEqual([url]);
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  }, 120_000);
});

describe('HTML report with more than 100,000 lines', () => {
  it('says at the top that PASS lines are only counted, and lists and filters the others', async () => {
    const n = 120_000;
    const report = bigReport(n);
    const notPass = report.results.filter((r) => r.status !== 'PASS').length;
    const { page, requests, url, errors } = await open('capped.html', renderHtmlReport(report, { listName: 'capped.txt' }));
    try {
      expect(await page.locator('#mv-cap').isVisible()).toBe(true);
      expect(await page.locator('#mv-cap').textContent()).toContain(`the table lists the ${notPass} lines that did not pass`);
      const capBox = await page.locator('#mv-cap').boundingBox();
      expect(capBox!.y).toBeLessThan(200);
      expect(await countText(page)).toBe(`Showing ${notPass} of ${notPass} lines that did not pass (${n} lines in the run)`);
      expect(await page.locator('input[name=mv-status][value=PASS]').isDisabled()).toBe(true);
      expect(await visibleRows(page).locator('.c-status').allTextContents()).not.toContain('PASS');
      await page.selectOption('#mv-code', 'NETWORK');
      expect(await countText(page)).toBe(`Showing ${report.summary.errors} of ${notPass} lines that did not pass (${n} lines in the run)`);
      expect(await page.evaluate('document.getElementsByTagName("*").length')).toBeLessThan(3000);
      await page.screenshot({ path: join(artifacts, 'html-report-capped.png') });
      expect(requests).toEqual([url]);
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  }, 120_000);
});

describe('HTML report of a hostile report.json, under its hash-based CSP', () => {
  const PWN = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>';

  it('values of the wrong type (a count that is markup) are escaped: no script runs, the page works', async () => {
    const sample = sampleReport();
    // What a bucket could hold: strings where report.json has numbers (the renderer must not trust the types).
    const report = {
      ...sample, summary: { ...sample.summary, total: PWN, failed: PWN }, rateLimitRemaining: PWN, requests: { manifestHead: PWN },
    } as unknown as JsonReport;
    const { page, errors } = await open('hostile-values.html', renderHtmlReport(report, { listName: PWN }));
    try {
      expect(await page.evaluate('window.__pwned')).toBeUndefined();
      expect(await page.locator('img').count()).toBe(0);
      expect(await page.locator('header .muted').textContent()).toContain(PWN);
      expect(await countText(page)).toBe('Showing 9 of 9 lines');
      // The chart's bar widths are NaN for such counts: Chromium says so; nothing else is logged.
      expect(errors.filter((e) => !/attribute (width|x): Expected length, "NaN"/.test(e))).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('a script or handler that gets into the page anyway is blocked; the page\'s own script still runs', async () => {
    const html = renderHtmlReport(sampleReport(), { listName: 'images.txt' })
      .replace('<main>', `<main>${PWN}<div id="mv-inline" onclick="window.__pwned=3">x</div>`);
    const { page, errors } = await open('injected.html', html);
    try {
      await page.click('#mv-inline');
      expect(await page.evaluate('window.__pwned')).toBeUndefined();
      expect(errors.filter((e) => /Content Security Policy/.test(e)).length).toBeGreaterThan(0);
      expect(await countText(page)).toBe('Showing 9 of 9 lines');
      await page.fill('#mv-search', 'REDIS');
      await waitCount(page, 'Showing 1 of 9 lines');
    } finally {
      await page.close();
    }
  });
});
