import type { Page } from 'playwright-core';

/*
 * Code that runs inside the page, written as strings: the test program is type-checked without DOM
 * types (adding them would leak `document` into the server code's type-check), so page-side callbacks
 * cannot be typed TypeScript functions here.
 */

const q = (selector: string): string => JSON.stringify(selector);

export const activeElementId = (page: Page): Promise<string | undefined> => page.evaluate<string | undefined>('document.activeElement?.id');

export const computedStyle = (page: Page, selector: string, property: string): Promise<string> =>
  page.evaluate<string>(`getComputedStyle(document.querySelector(${q(selector)})).getPropertyValue(${q(property)})`);

export const activeOutlineStyle = (page: Page): Promise<string> => page.evaluate<string>('getComputedStyle(document.activeElement).outlineStyle');

/** How far the page scrolls sideways: 0 when nothing is wider than the viewport. */
export const horizontalOverflow = (page: Page): Promise<number> =>
  page.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth');

/** Elements whose box sticks out of the viewport's width, named for the failure message. */
export const elementsWiderThanViewport = (page: Page): Promise<string[]> =>
  page.evaluate<string[]>(`[...document.querySelectorAll('body *')]
    .filter((e) => e.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5)
    .slice(0, 5)
    .map((e) => e.tagName.toLowerCase() + '#' + e.id + '.' + e.className)`);

/** Position and size of every element matching `selector`, as one comparable string. */
export const layoutOf = (page: Page, selector: string): Promise<string> =>
  page.evaluate<string>(`JSON.stringify([...document.querySelectorAll(${q(selector)})].map((e) => {
    const r = e.getBoundingClientRect();
    return [e.tagName, e.id, Math.round(r.x), Math.round(r.y), Math.round(r.width), Math.round(r.height)];
  }))`);

/** Tags the current nodes, so that a later check can tell whether they were replaced. */
export const markNodes = (page: Page, selector: string, marker: string): Promise<void> =>
  page.evaluate<void>(`document.querySelectorAll(${q(selector)}).forEach((e) => { e.dataset.marker = ${q(marker)}; })`);

export const optionValues = (page: Page, selector: string): Promise<string[]> =>
  page.evaluate<string[]>(`[...document.querySelectorAll(${q(selector + ' option')})].map((o) => o.value)`);

/**
 * Polls an expression from the test side. (page.waitForFunction with a string evaluates it with `eval`
 * inside the page, which the pages' Content-Security-Policy rightly refuses.)
 */
export async function waitUntilTrue(page: Page, expression: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await page.evaluate<boolean>(expression))) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for: ${expression}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Waits until the shown (not hidden) model cards are exactly those of `vendor`, or `count` of them. */
export async function waitForShownCards(page: Page, want: { vendor?: string; count?: number }): Promise<void> {
  const shown = `[...document.querySelectorAll('.model-card')].filter((c) => !c.hidden)`;
  const checks = [
    want.vendor === undefined ? 'true' : `${shown}.every((c) => c.dataset.vendor === ${q(want.vendor)})`,
    want.count === undefined ? 'true' : `${shown}.length === ${want.count}`,
  ];
  await waitUntilTrue(page, checks.join(' && '));
}
