import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { DESKTOP, describeInBrowser, launchChromium, openPage, PHONE, type OpenedPage } from './support/browser';
import { computedStyle, elementsWiderThanViewport, horizontalOverflow } from './support/in-page';
import { ARTIFACTS, buildWebAssets, seedTraffic, startWebServer, type BuiltWeb, type WebServer } from './support/web-server';

const VIEWPORTS = { phone: PHONE, desktop: DESKTOP } as const;

/** Both pages at phone and desktop widths, with data in them; the screenshots are the README's. */
describeInBrowser('both pages at phone and desktop widths', () => {
  let built: BuiltWeb;
  let server: WebServer;
  let browser: Browser;
  let opened: OpenedPage | undefined;

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    built = buildWebAssets();
    browser = await launchChromium();
    server = await startWebServer(built.dir);
    await seedTraffic(server.harness, 16, ['uu', 'ud', 'd', 'uuuu', 'uuud', 'u', 'uud', '', 'uuuuu', 'dd', 'uuuud', 'u', 'du', 'uuu']);
  }, 40_000);
  afterAll(async () => {
    await server?.close();
    await browser?.close();
    built?.cleanup();
  });
  afterEach(async () => {
    if (!opened) return;
    expect(opened.problems).toEqual([]);
    await opened.context.close();
    opened = undefined;
  });

  for (const [name, viewport] of Object.entries(VIEWPORTS)) {
    it(`home fits a ${name} (${viewport.width}×${viewport.height})`, async () => {
      opened = await openPage(browser, server.url, { viewport });
      const { page } = opened;
      await page.click('#get-saying');
      await page.locator('#saying-card:not([hidden])').waitFor();
      await page.click('#vote-up');
      await page.locator('#up-count:not([hidden])').waitFor();
      expect(await elementsWiderThanViewport(page)).toEqual([]);
      expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
      expect(parseFloat(await computedStyle(page, '#saying-text', 'font-size'))).toBeGreaterThanOrEqual(18);
      await page.screenshot({ path: join(ARTIFACTS, `home-${name}.png`), fullPage: true });
    });

    it(`dashboard fits a ${name} (${viewport.width}×${viewport.height})`, async () => {
      opened = await openPage(browser, `${server.url}/dashboard`, { viewport });
      const { page } = opened;
      await page.locator('#refresh-state[data-state="ok"]').waitFor();
      await page.locator('#top-sayings li').first().waitFor();
      expect(await elementsWiderThanViewport(page)).toEqual([]);
      expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
      for (const canvas of await page.locator('canvas').all()) {
        const box = await canvas.boundingBox();
        expect(box?.width ?? 0).toBeGreaterThan(200);
        expect((box?.x ?? -1) + (box?.width ?? 0)).toBeLessThanOrEqual(viewport.width);
      }
      await page.screenshot({ path: join(ARTIFACTS, `dashboard-${name}-full.png`), fullPage: true });
      // The README's picture: the top of the page (tiles, cards, and on a desktop the charts).
      const clip = { x: 0, y: 0, width: viewport.width, height: name === 'phone' ? viewport.height * 2 : 2200 };
      await page.screenshot({ path: join(ARTIFACTS, `dashboard-${name}.png`), fullPage: true, clip });
    });
  }

  it('follows a dark colour scheme', async () => {
    opened = await openPage(browser, `${server.url}/dashboard`, { viewport: DESKTOP, colorScheme: 'dark' });
    const { page } = opened;
    await page.locator('#refresh-state[data-state="ok"]').waitFor();
    const background = await computedStyle(page, 'body', 'background-color');
    const [r = 255, g = 255, b = 255] = (background.match(/\d+/g) ?? []).map(Number);
    expect(r + g + b).toBeLessThan(120);
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-desktop-dark.png'), fullPage: true });
    await page.goto(server.url);
    await page.click('#get-saying');
    await page.locator('#saying-card:not([hidden])').waitFor();
    await page.screenshot({ path: join(ARTIFACTS, 'home-desktop-dark.png'), fullPage: true });
  });
});
