// One studio behind the real headless server, and Debian's Chromium (driven by playwright-core)
// looking at it: what every end-to-end test file starts from. Any CSP violation, console error or
// failed request is recorded as a defect of the studio.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { EventBus } from '../../electron/api/event-bus';
import { createHandlers } from '../../electron/api/handlers';
import { ApiRouter } from '../../electron/api/router';
import { Studio } from '../../electron/services/studio';
import { startHeadlessServer, type HeadlessServer } from '../../electron/server/http-server';
import { repoRoot } from '../helpers';

export const shots = join(repoRoot, 'tests', 'e2e', 'screenshots');

export interface BrowserSession {
  base: string;
  studio: Studio;
  server: HeadlessServer;
  browser: Browser;
  page: Page;
  problems: string[];
  /** The studio's address for a hash route, without the token (the session cookie carries it). */
  at(hash: string): string;
  shot(name: string): Promise<unknown>;
  close(): Promise<void>;
}

export async function openBrowserSession(): Promise<BrowserSession> {
  const base = mkdtempSync(join(tmpdir(), 'leporello-e2e-'));
  const studio = new Studio({ home: join(base, 'home'), projectsRoot: join(base, 'projects'), shell: 'browser', events: new EventBus() });
  const server = await startHeadlessServer({
    router: new ApiRouter(createHandlers(studio)),
    events: studio.events,
    projectDir: () => studio.current?.dir ?? null,
  });
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  const page = await browser.newPage({ viewport: { width: 1360, height: 860 } });
  const problems: string[] = [];
  page.on('console', (m) => m.type() === 'error' && problems.push(`console: ${m.text()}`));
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  // A request still in flight when the test navigates is aborted by the browser: that is no defect.
  page.on('requestfailed', (r) => r.failure()?.errorText !== 'net::ERR_ABORTED' && problems.push(`request failed: ${r.url()} ${r.failure()?.errorText}`));
  // A refused request names itself: the console says only "400", the body says which call and why.
  page.on('response', async (r) => {
    if (r.status() >= 400) problems.push(`response ${r.status()}: ${r.request().postData() ?? r.url()} → ${await r.text().catch(() => '')}`);
  });
  mkdirSync(shots, { recursive: true });
  return {
    base,
    studio,
    server,
    browser,
    page,
    problems,
    at: (hash) => server.url.replace(/\?token=.*/, hash),
    shot: (name) => page.screenshot({ path: join(shots, `${name}.png`) }),
    async close() {
      await browser.close();
      await server.close();
      await studio.closeProject();
      rmSync(base, { recursive: true, force: true });
    },
  };
}
