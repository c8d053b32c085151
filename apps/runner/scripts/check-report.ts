// The report check (`pnpm test:report`, not part of `pnpm test`): runs `omni backtest` into a temp
// directory, opens its report.html in Debian's Chromium through playwright-core (no browser
// download), and checks that it renders offline without errors. Saves a screenshot into a temp
// folder it prints (kept after the check); only `--update-screenshot` rewrites the tracked
// docs/report-screenshot.png (do that when the report's look changes on purpose).
//
//   node --conditions=omni-source --import tsx apps/runner/scripts/check-report.ts [--update-screenshot] [backtest flags...]
//
// Other arguments go to `omni backtest` (default: the bundled EURUSD daily series, as `pnpm omni
// backtest` runs it). CHROMIUM_PATH overrides /usr/bin/chromium. Exits 1 when a check fails.

import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type Browser, chromium } from 'playwright-core';
import { runCli } from '../src/program.js';
import { reportCheckOptions, UPDATE_SCREENSHOT_FLAG } from '../src/report-check-options.js';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const options = reportCheckOptions(args, {
  repoRoot: resolve(here, '../../..'),
  // A folder of this check's own, kept afterwards so the screenshot can be looked at.
  outDir: args.includes(UPDATE_SCREENSHOT_FLAG) ? '' : mkdtempSync(join(tmpdir(), 'omni-report-screenshot-')),
});
const screenshotPath = options.screenshotPath;
const executablePath = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const CHARTS = ['price', 'equity', 'drawdown'] as const;

interface Check {
  readonly name: string;
  readonly ok: boolean;
  readonly detail: string;
}

const checks: Check[] = [];
function check(name: string, ok: boolean, detail: string): void {
  checks.push({ name, ok, detail });
  process.stdout.write(`${ok ? 'ok  ' : 'FAIL'} ${name}: ${detail}\n`);
}

function finish(): never {
  const failed = checks.filter((c) => !c.ok).length;
  process.stdout.write(`report check: ${checks.length - failed} passed, ${failed} failed\n`);
  process.exit(failed === 0 ? 0 : 1);
}

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'omni-report-check-'));
  let browser: Browser | undefined;
  try {
    const runDir = join(work, 'run');
    const errLines: string[] = [];
    const code = await runCli(['backtest', '--quiet', '--out', runDir, ...options.backtestArgs], {
      out: () => undefined,
      err: (t) => errLines.push(t),
      isTty: false,
    });
    const reportFile = join(runDir, 'report.html');
    check(
      'backtest writes report.html',
      code === 0 && existsSync(reportFile),
      code === 0 ? reportFile : `exit ${code}: ${errLines.join(' ')}`,
    );
    if (!existsSync(reportFile)) return;
    const summary = JSON.parse(readFileSync(join(runDir, 'summary.json'), 'utf8')) as { trades: number };
    // The trades table lists every record of trades.jsonl, orders cancelled at their fill included.
    const tradeRecords = readFileSync(join(runDir, 'trades.jsonl'), 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '').length;

    if (!existsSync(executablePath)) {
      check('chromium is installed', false, `${executablePath} not found (apt-get install chromium)`);
      return;
    }
    browser = await chromium.launch({
      executablePath,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    const page = await browser.newPage({ viewport: { width: 1280, height: 1500 } });
    const consoleErrors: string[] = [];
    const pageErrors: string[] = [];
    const blocked: string[] = [];
    const failedLocal: string[] = [];
    page.on('console', (msg) => {
      if (msg.type() === 'error') consoleErrors.push(msg.text());
    });
    page.on('pageerror', (err) => pageErrors.push(err.message));
    page.on('websocket', (ws) => blocked.push(ws.url()));
    page.on('requestfailed', (req) => {
      if (req.url().startsWith('file:')) failedLocal.push(req.url());
    });
    // Every request that is not the local file is aborted and recorded: the report must need none.
    await page.route('**/*', async (route) => {
      const url = route.request().url();
      if (url.startsWith('file:')) await route.continue();
      else {
        blocked.push(url);
        await route.abort('blockedbyclient');
      }
    });

    await page.goto(pathToFileURL(reportFile).href, { waitUntil: 'load' });
    const rendered = await page
      .waitForFunction(() => document.body.dataset['rendered'] === 'true', undefined, { timeout: 15_000 })
      .then(() => true)
      .catch(() => false);
    check('the page script finished', rendered, `document.body.dataset.rendered === 'true': ${rendered}`);

    for (const id of CHARTS) {
      // The chart draws on canvases; count them and the pixels that are not the white background.
      const probe = await page.evaluate((chartId) => {
        const canvases = Array.from(document.querySelectorAll<HTMLCanvasElement>(`#${chartId} canvas`));
        let inked = 0;
        for (const c of canvases) {
          if (c.width === 0 || c.height === 0) continue;
          const data = c.getContext('2d')?.getImageData(0, 0, c.width, c.height).data;
          if (!data) continue;
          for (let i = 0; i < data.length; i += 4) {
            const alpha = data[i + 3] ?? 0;
            const white = (data[i] ?? 0) > 245 && (data[i + 1] ?? 0) > 245 && (data[i + 2] ?? 0) > 245;
            if (alpha > 0 && !white) inked++;
          }
        }
        return { canvases: canvases.length, inked };
      }, id);
      check(
        `the ${id} chart is drawn`,
        probe.canvases > 0 && probe.inked > 500,
        `${probe.canvases} canvases, ${probe.inked} non-background pixels`,
      );
    }

    const tables = await page.evaluate(() => ({
      cards: document.querySelectorAll('.card').length,
      engines: document.querySelectorAll('#engines tbody tr').length,
      trades: document.querySelectorAll('#trades tbody tr').length,
    }));
    check(
      'headline cards and tables are filled',
      tables.cards > 0 && tables.engines === 3 && tables.trades === Math.min(200, tradeRecords),
      `${tables.cards} cards, ${tables.engines} engine rows, ${tables.trades} trade rows (trades.jsonl: ${tradeRecords} records, summary: ${summary.trades} trades)`,
    );

    // Let late timers and animation frames run before judging the error lists.
    await page.waitForTimeout(500);
    check(
      'no console errors',
      consoleErrors.length === 0,
      consoleErrors.length === 0 ? 'none' : consoleErrors.join(' | '),
    );
    check(
      'no page errors',
      pageErrors.length === 0,
      pageErrors.length === 0 ? 'none' : pageErrors.join(' | '),
    );
    check(
      'no network request attempted',
      blocked.length === 0 && failedLocal.length === 0,
      blocked.length === 0 && failedLocal.length === 0
        ? 'every non-file:// request would have been aborted; none was made'
        : `blocked: ${blocked.join(', ') || 'none'}; failed local: ${failedLocal.join(', ') || 'none'}`,
    );

    mkdirSync(dirname(screenshotPath), { recursive: true });
    await page.screenshot({ path: screenshotPath, fullPage: false });
    check(
      options.updatesDocs ? 'screenshot saved to docs (--update-screenshot)' : 'screenshot saved',
      existsSync(screenshotPath),
      screenshotPath,
    );
  } finally {
    await browser?.close();
    rmSync(work, { recursive: true, force: true });
  }
}

try {
  await main();
} catch (err) {
  check('report check ran', false, err instanceof Error ? err.message : String(err));
}
finish();
