// Drives the demo page in Debian's Chromium from Node (Playwright under Bun is unreliable).
// Talks to the bun test over stdio: JSON lines out; commands in: "restarted" after each gateway
// restart, then "finish".
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { chromium } from 'playwright-core';

const [pageUrl, screenshotPath, executablePath] = process.argv.slice(2);
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];
const say = (message) =>
  process.stdout.write(`${JSON.stringify({ ...message, at: Date.now() })}\n`);
const commands = createInterface({ input: process.stdin });
const nextCommand = () => new Promise((resolve) => commands.once('line', resolve));

// Proves to the test that this is Node, not Bun posing as `node` (oven-sh/bun#3361).
say({ phase: 'started', node: process.versions.node, bun: process.versions.bun ?? null });
const profile = mkdtempSync(join(tmpdir(), 'sse-demo-chromium-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath,
  headless: true,
  args: FLAGS,
  viewport: { width: 1400, height: 900 },
});
const errors = [];
// The test stops a driver that is stuck with SIGTERM: still close Chromium and its profile.
process.once('SIGTERM', () => {
  void context.close().finally(() => {
    rmSync(profile, { recursive: true, force: true });
    process.exit(1);
  });
});
try {
  const page = await context.newPage();
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(pageUrl);
  const demo = () =>
    page.evaluate(() => ({
      state: window.demo.state,
      totals: window.demo.totals,
      lastSeq: window.demo.lastSeq,
      rows: document.querySelectorAll('section.chain tbody tr').length,
      log: [...document.querySelectorAll('#log li')].map((li) => li.textContent),
    }));
  // Rows appear and then change in place: some cell already showing a quote shows a newer one.
  await page.waitForFunction(() => window.demo.totals.events >= 50, null, { timeout: 15000 });
  await page.evaluate(() => {
    window.cellsBefore = new Map(
      [...document.querySelectorAll('section.chain td[data-seq]')].map((cell) => [
        cell,
        cell.dataset.seq,
      ]),
    );
  });
  const changed = await page.waitForFunction(
    () => {
      for (const [cell, seq] of window.cellsBefore) {
        const after = cell.dataset.seq;
        if (cell.isConnected && after !== seq) return { before: seq, after };
      }
      return false;
    },
    null,
    { timeout: 15000 },
  );
  const { before: cellBefore, after: cellAfter } = await changed.jsonValue();
  say({ phase: 'loaded', cellBefore, cellAfter, ...(await demo()) });

  let before = (await demo()).lastSeq;
  // The test restarts the gateway, then says "restarted"; "finish" ends the session.
  for (let restarts = 1; (await nextCommand()) === 'restarted'; restarts++) {
    await page.waitForFunction((n) => window.demo.totals.reconnects >= n, restarts, {
      timeout: 30000,
    });
    // Resumed and live again: every chain feed moved at least 100 updates past where it was.
    await page.waitForFunction(
      (seen) =>
        Object.entries(seen).every(
          ([key, seq]) => !key.startsWith('chain:') || (window.demo.lastSeq[key] ?? 0) >= seq + 100,
        ),
      before,
      { timeout: 30000 },
    );
    const now = await demo();
    say({ phase: `resumed-${restarts}`, before, ...now });
    before = now.lastSeq;
  }
  await page.screenshot({ path: screenshotPath });

  // The symbol picker reconnects with ?symbols=SPX: QQQ's table goes, only SPX flows.
  await page.uncheck('#picker input[value="QQQ"]');
  await page.waitForFunction(() => window.demo.totals.events >= 100, null, { timeout: 15000 });
  const picked = await demo();
  say({
    phase: 'picked',
    endpoint: await page.textContent('#endpoint'),
    tables: await page.$$eval('section.chain', (all) => all.map((s) => s.dataset.symbol)),
    ...picked,
  });
  say({ phase: 'done', errors, ...(await demo()) });
} catch (error) {
  // The first line says what failed; Playwright appends pages of Chromium's log after it.
  say({ phase: 'failed', message: String(error).split('\n')[0]?.slice(0, 500), errors });
  process.exitCode = 1;
} finally {
  await context.close();
  rmSync(profile, { recursive: true, force: true });
  commands.close();
}
