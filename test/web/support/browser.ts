import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

/** Debian's Chromium (`apt-get install -y chromium`); `npx playwright install` cannot work without network. */
export const CHROMIUM_PATH = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

export const PHONE = { width: 390, height: 844 } as const;
export const DESKTOP = { width: 1280, height: 800 } as const;

/**
 * Browser suites run when Chromium is installed, and always in CI (where a missing browser must fail,
 * not pass silently). Elsewhere they are skipped with a message saying how to install it.
 */
export const describeInBrowser: (name: string, fn: () => void) => void =
  existsSync(CHROMIUM_PATH) || process.env.CI
    ? describe
    : (name, fn) => {
        process.stderr.write(`[test/web] skipping "${name}": ${CHROMIUM_PATH} is missing. Install it with: apt-get update && apt-get install -y chromium\n`);
        describe.skip(`${name} (skipped: ${CHROMIUM_PATH} is missing)`, fn);
      };

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) throw new Error(`${CHROMIUM_PATH} is missing: install it with apt-get update && apt-get install -y chromium (.ci/run does).`);
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, timeout: 20_000 });
}

export interface OpenedPage {
  readonly context: BrowserContext;
  readonly page: Page;
  /** Uncaught page errors and Content-Security-Policy violations: a test ends with none. */
  readonly problems: string[];
  /** alert(), confirm() and prompt() calls: a saying must never cause one. */
  readonly dialogs: string[];
}

export async function openPage(
  browser: Browser,
  url: string,
  options: { viewport?: { width: number; height: number }; colorScheme?: 'light' | 'dark'; goto?: boolean } = {},
): Promise<OpenedPage> {
  const context = await browser.newContext({
    viewport: options.viewport ?? DESKTOP,
    colorScheme: options.colorScheme ?? 'light',
    reducedMotion: 'reduce',
    serviceWorkers: 'block',
  });
  context.setDefaultTimeout(10_000);
  const page = await context.newPage();
  const problems: string[] = [];
  const dialogs: string[] = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (msg) => {
    if (/Content Security Policy|Refused to/i.test(msg.text())) problems.push(`CSP: ${msg.text()}`);
  });
  page.on('dialog', (dialog) => {
    dialogs.push(`${dialog.type()}: ${dialog.message()}`);
    void dialog.dismiss();
  });
  if (options.goto !== false) await page.goto(url);
  return { context, page, problems, dialogs };
}
