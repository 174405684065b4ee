import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { describeInBrowser, launchChromium, openPage, type OpenedPage } from './support/browser';
import { layoutOf, markNodes, optionValues, waitForShownCards } from './support/in-page';
import { ARTIFACTS, buildWebAssets, seedTraffic, startWebServer, type BuiltWeb, type WebServer } from './support/web-server';

/** The dashboard refreshes every 5 s; one refresh must land well within this. */
const REFRESH_WAIT_MS = 8000;

async function loaded(page: Page): Promise<void> {
  await page.locator('#refresh-state[data-state="ok"]').waitFor();
}

/**
 * Every section and card above the top sayings (whose list grows with new votes, below everything
 * else): a refresh that moves none of them caused no layout jump.
 */
const STABLE = 'main > :not(#top-section), .tile, .model-card, .chart-card, canvas';

describeInBrowser('the dashboard in Chromium', () => {
  let built: BuiltWeb;
  let server: WebServer;
  let browser: Browser;
  const opened: OpenedPage[] = [];

  const open = async (path: string, options: Parameters<typeof openPage>[2] = {}): Promise<Page> => {
    const o = await openPage(browser, `${server.url}${path}`, options);
    opened.push(o);
    return o.page;
  };

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    built = buildWebAssets();
    browser = await launchChromium();
  }, 40_000);
  afterAll(async () => {
    await browser?.close();
    built?.cleanup();
  });
  beforeEach(async () => {
    server = await startWebServer(built.dir);
  });
  afterEach(async () => {
    for (const o of opened.splice(0)) {
      expect(o.problems).toEqual([]);
      expect(o.dialogs).toEqual([]);
      await o.context.close();
    }
    await server.close();
  });

  it('explains its empty states before any traffic or vote', async () => {
    const page = await open('/dashboard');
    await loaded(page);
    await page.locator('#top-empty', { hasText: 'No votes in this window' }).waitFor();
    expect(await page.isVisible('#charts-empty')).toBe(true);
    expect(await page.textContent('#charts-empty')).toMatch(/home page/);
    expect(await page.textContent('#total-requests')).toBe('0');
    expect(await page.textContent('#total-approval')).toBe('—');
    expect(await page.textContent('#total-upvotes')).toBe('0');
    expect(await page.locator('.model-card').count()).toBeGreaterThanOrEqual(4);
    expect(await page.locator('.model-card .model-note', { hasText: 'No traffic in this window.' }).count()).toBeGreaterThanOrEqual(4);
    expect(await page.locator('.model-card[data-status="offline"] .badge', { hasText: 'offline' }).count()).toBeGreaterThanOrEqual(4);
    expect(await page.locator('canvas').count()).toBe(6);
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-empty.png'), fullPage: true });
  });

  it('shows a vote after its next refresh, updating in place without re-creating charts or moving the layout', async () => {
    await seedTraffic(server.harness, 6);
    const dash = await open('/dashboard');
    await loaded(dash);
    expect(await dash.textContent('#total-upvotes')).toBe('0');
    expect(await dash.isVisible('#charts-empty')).toBe(false);
    // Mark the live nodes: after a refresh they must be the same nodes, not new ones.
    await markNodes(dash, 'canvas, .model-card', 'original');
    const before = await layoutOf(dash, STABLE);
    const firstUpdate = await dash.textContent('#updated');

    const home = await open('/');
    await home.click('#get-saying');
    await home.locator('#saying-card[data-request="7"]').waitFor();
    const saying = (await home.textContent('#saying-text')) ?? '';
    await home.click('#vote-up');
    await home.locator('#up-count', { hasText: '1' }).waitFor();

    await dash.locator('#total-upvotes', { hasText: /^1$/ }).waitFor({ timeout: REFRESH_WAIT_MS });
    expect(await dash.textContent('#updated')).not.toBe(firstUpdate);
    await dash.locator('#top-sayings .top-text', { hasText: saying }).waitFor();
    expect(await dash.textContent('#top-sayings .top-votes')).toBe('1 up · 0 down');
    expect(await dash.textContent('#total-approval')).toBe('100%');
    expect(await dash.locator('canvas[data-marker="original"]').count()).toBe(6);
    expect(await dash.locator('.model-card:not([data-marker="original"])').count()).toBe(0);
    expect(await layoutOf(dash, STABLE)).toBe(before);
  });

  it('filters by vendor, model and time window, keeping the filters in the URL', async () => {
    await seedTraffic(server.harness, 6);
    const page = await open('/dashboard');
    await loaded(page);
    const all = await page.locator('.model-card:visible').count();
    expect(all).toBeGreaterThanOrEqual(4);

    const stats = page.waitForRequest((r) => r.url().includes('/stats?') && r.url().includes('vendor=openai'));
    await page.selectOption('#filter-vendor', 'openai');
    expect(new URL((await stats).url()).searchParams.get('vendor')).toBe('openai');
    await waitForShownCards(page, { vendor: 'openai' });
    expect(page.url()).toMatch(/\?vendor=openai$/);
    expect(await optionValues(page, '#filter-model')).toEqual(['', 'gpt-4.1', 'gpt-4.1-mini']);

    await page.selectOption('#filter-model', 'gpt-4.1');
    await waitForShownCards(page, { count: 1 });
    expect(await page.getAttribute('.model-card:visible', 'data-model')).toBe('gpt-4.1');

    const windowed = page.waitForRequest((r) => r.url().includes('/stats?') && r.url().includes('model=gpt-4.1'));
    await page.selectOption('#filter-window', '15m');
    const q = new URL((await windowed).url()).searchParams;
    expect(Number(q.get('to')) - Number(q.get('from'))).toBe(15 * 60_000);
    expect(page.url()).toMatch(/\?window=15m&vendor=openai&model=gpt-4.1$/);

    // The URL restores the view; changing the vendor drops a model of another vendor.
    await page.reload();
    await loaded(page);
    expect(await page.inputValue('#filter-model')).toBe('gpt-4.1');
    await page.selectOption('#filter-vendor', 'anthropic');
    await waitForShownCards(page, { vendor: 'anthropic' });
    expect(await page.inputValue('#filter-model')).toBe('');
  });

  it('keeps the last data and says so when a refresh fails', async () => {
    const page = await open('/dashboard');
    await loaded(page);
    await page.route('**/stats?*', (route) =>
      route.fulfill({ status: 503, contentType: 'application/json', body: JSON.stringify({ error: { code: 'storage_unavailable', message: 'Storage is down.' } }) }),
    );
    // A filter change refreshes at once (no need to wait for the timer).
    await page.selectOption('#filter-window', '1h');
    await page.locator('#dash-error', { hasText: 'Storage is unavailable right now.' }).waitFor();
    expect(await page.textContent('#dash-error-detail')).toMatch(/Showing the data from \d\d:\d\d:\d\d/);
    expect(await page.getAttribute('#refresh-state', 'data-state')).toBe('error');
    expect(await page.locator('.model-card').count()).toBeGreaterThanOrEqual(4);
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-error.png') });
    await page.unroute('**/stats?*');
    await page.selectOption('#filter-window', '24h');
    await page.locator('#refresh-state[data-state="ok"]').waitFor();
    expect(await page.isVisible('#dash-error')).toBe(false);
  });
});
