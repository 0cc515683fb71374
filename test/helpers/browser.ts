/**
 * Headless Chromium for the HTML report tests: Debian's `chromium` (or $CHROMIUM_PATH) driven by
 * playwright-core. {@link openPage} allows only the page's own file URL: every other request is
 * aborted and recorded, as are console errors, page errors and dialogs.
 */
import { resolve, join } from 'node:path';
import { mkdir } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';

const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** `test-artifacts/` at the repo root (gitignored), created on demand. */
export async function artifactsDir(): Promise<string> {
  const dir = join(resolve(fileURLToPath(new URL('.', import.meta.url)), '..', '..'), 'test-artifacts');
  await mkdir(dir, { recursive: true });
  return dir;
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
}

export interface OpenedPage {
  readonly page: Page;
  readonly url: string;
  /** Every request the page made (the file itself first). */
  readonly requests: string[];
  /** Console errors/warnings, uncaught page errors and dialogs. */
  readonly errors: string[];
}

/** Opens the report file and waits for its script to finish the first render. */
export async function openPage(browser: Browser, file: string): Promise<OpenedPage> {
  const url = pathToFileURL(file).href;
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  const requests: string[] = [];
  const errors: string[] = [];
  page.on('request', (r) => requests.push(r.url()));
  page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('dialog', (d) => { errors.push(`dialog: ${d.message()}`); void d.dismiss(); });
  await page.route('**/*', (route) => (route.request().url() === url ? route.continue() : route.abort()));
  await page.goto(url);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 30_000 });
  return { page, url, requests, errors };
}
