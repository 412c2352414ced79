// Browser tests: a real server process on a fresh SQLite file with the demo data, and Debian's
// Chromium driven by playwright-core (never a downloaded browser). Without Chromium the suites are
// skipped with a notice from the test runner.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

/** What the console's own requests carry on a change: a cookie-session POST without it is refused (CSRF). */
export const CONSOLE_CHANGE_HEADERS = { 'x-hotline-csrf': '1' };

export const CHROMIUM = process.env.HOTLINE_TEST_CHROMIUM;
export const ROOT = resolve(import.meta.dirname, '..', '..');
/**
 * Where the browser suites save the docs' screenshots: docs/screenshots with
 * HOTLINE_UPDATE_SCREENSHOTS=1 (`npm run screenshots`), otherwise a scratch directory, so a test run
 * leaves the work tree as it found it.
 */
export const SCREENSHOTS = process.env.HOTLINE_UPDATE_SCREENSHOTS === '1' ? join(ROOT, 'docs', 'screenshots') : mkdtempSync(join(tmpdir(), 'hotline-screenshots-'));
export const DEMO_PASSWORD = 'demo12345';

/** Skip reason for node:test when there is no browser. */
export const skipWithoutBrowser = CHROMIUM ? false : 'Chromium not found (/usr/bin/chromium)';

async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolvePort(port));
    });
  });
}

export interface RunningConsole {
  baseUrl: string;
  /** The server's data directory (its SQLite file, and sms.log: what the development SMS gateway "sends"). */
  dataDir: string;
  browser: Browser;
  /** What `npm start` printed so far (its progress and addresses). */
  output(): string;
  /** A fresh browser session (its own cookies) logged in as the user, on their landing page. */
  loginAs(username: string, viewport?: { width: number; height: number }): Promise<{ context: BrowserContext; page: Page }>;
  stop(): Promise<void>;
}

export async function startConsole(): Promise<RunningConsole> {
  const dataDir = mkdtempSync(join(tmpdir(), 'hotline-browser-'));
  const port = await freePort();
  const server: ChildProcess = spawn(process.execPath, [join(ROOT, 'bin', 'hotline.js'), 'start'], {
    env: { ...process.env, HOTLINE_DATA_DIR: dataDir, HOTLINE_DATABASE_URL: '', PORT: String(port), LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let printed = '';
  server.stdout!.setEncoding('utf8').on('data', (chunk: string) => (printed += chunk));
  const baseUrl = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    if (server.exitCode !== null) throw new Error('server exited during start');
    try {
      if ((await fetch(`${baseUrl}/healthz`)).ok) break;
    } catch {
      /* not up yet */
    }
    if (i > 300) throw new Error('server did not start within 60 s');
    await new Promise((r) => setTimeout(r, 200));
  }
  const browser = await chromium.launch({
    executablePath: CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'],
  });
  const contexts: BrowserContext[] = [];
  return {
    baseUrl,
    dataDir,
    browser,
    output: () => printed,
    async loginAs(username, viewport = { width: 1366, height: 768 }) {
      const context = await browser.newContext({ viewport, locale: 'zh-CN', timezoneId: 'Asia/Shanghai', reducedMotion: 'reduce' });
      // Generous: on two shared cores a page can take a while; a real failure still fails, only later.
      context.setDefaultTimeout(60_000);
      contexts.push(context);
      const page = await context.newPage();
      await page.goto(`${baseUrl}/login`);
      await page.getByLabel('用户名').fill(username);
      await page.getByLabel('密码').fill(DEMO_PASSWORD);
      await page.getByRole('button', { name: /登\s*录/ }).click();
      await page.waitForURL((url) => !url.pathname.startsWith('/login'));
      return { context, page };
    },
    async stop() {
      for (const c of contexts) await c.close().catch(() => undefined);
      await browser.close().catch(() => undefined);
      server.kill('SIGTERM');
      await new Promise((r) => (server.exitCode !== null ? r(null) : server.once('exit', r)));
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
