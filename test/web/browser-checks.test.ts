import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { AxeLedger, expectAccessible, launchChromium, newPerson, tabTo } from '../support/browser';

/** The checks the browser specs lean on, shown to fail on pages that break what they guard. No stack needed. */
describe('the browser checks of the web specs', () => {
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
  });

  beforeEach(async () => {
    ({ context, page } = await newPerson(browser));
    // Pages of a made-up origin, served here: each path answers the HTML it names.
    await context.route('http://app.test/**', (route) =>
      route.fulfill({
        contentType: 'text/html',
        body: pages[new URL(route.request().url()).pathname] ?? clean,
      }),
    );
    return () => context.close();
  });

  const clean = `<!doctype html><html lang="en"><head><title>Fine</title></head><body><main><h1>Fine</h1>
    <label for="n">Name</label><input id="n"><button>Send</button></main></body></html>`;
  const pages: Record<string, string> = {
    '/unlabelled': `<!doctype html><html lang="en"><head><title>Bad</title></head><body><main><h1>Bad</h1>
      <input id="n"><img src="data:,"><button></button></main></body></html>`,
    '/no-focus-ring': `<!doctype html><html lang="en"><head><title>Rings</title>
      <style>button:focus, button:focus-visible { outline: none; }</style></head><body><main><h1>Rings</h1>
      <a href="#x">First</a><button>Second</button><button id="target">Third</button></main></body></html>`,
    '/focus-ring': `<!doctype html><html lang="en"><head><title>Rings</title>
      <style>:focus-visible { outline: 3px solid #1a4; }</style></head><body><main><h1>Rings</h1>
      <a href="#x">First</a><button>Second</button><button id="target">Third</button></main></body></html>`,
  };

  it('axe passes a page whose fields, images and buttons are named', async () => {
    await page.goto('http://app.test/');
    await expectAccessible(page, 'a clean page');
  });

  it('axe fails a page with an unlabelled field, an image without alt and an empty button, naming each', async () => {
    await page.goto('http://app.test/unlabelled');
    const failure = expectAccessible(page, 'a page of unnamed things');
    await expect(failure).rejects.toThrow(/\[critical\] label: .*\n.*#n/);
    await expect(failure).rejects.toThrow(/\[critical\] image-alt/);
    await expect(failure).rejects.toThrow(/\[critical\] button-name/);
  });

  it('Tab reaches a button when every element on the way shows its focus', async () => {
    await page.goto('http://app.test/focus-ring');
    const seen = await tabTo(page, page.locator('#target'));
    expect(seen.map((s) => s.element)).toEqual(['a "First"', 'button "Second"', 'button "Third"']);
  });

  it('Tab fails on the first element whose focus cannot be seen', async () => {
    await page.goto('http://app.test/no-focus-ring');
    await expect(tabTo(page, page.locator('#target'))).rejects.toThrow(/not visible on button "Second"/);
  });

  it('the ledger names a screen someone went to that axe never saw, counting case ids as one screen', async () => {
    const ledger = new AxeLedger();
    ledger.watch(page, 'desk');
    await page.goto('http://app.test/desk');
    await ledger.check(page, 'the inbox');
    await page.goto('http://app.test/cases/case-ggz-noord~demo-1');
    await page.goto('http://app.test/cases/case-ggz-noord~demo-2');
    expect(ledger.unchecked()).toEqual(['/cases/:id (desk)']);
    await ledger.check(page, 'a case');
    expect(ledger.unchecked()).toEqual([]);
  });
});
