import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { demoIdentities, identityButton, signIn } from '../support/browser-app';
import { expectAccessible, launchChromium, newPerson, saveFailureShots } from '../support/browser';
import { startStack, type Stack } from '../support/browser-stack';
import { LANGS, textsFor } from '../support/browser-text';

describe('signing in to the web app of npm start', () => {
  let stack: Stack;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let errors: string[];

  beforeAll(async () => {
    [stack, browser] = await Promise.all([startStack(), launchChromium()]);
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  beforeEach(async () => {
    ({ context, page, errors } = await newPerson(browser));
  });

  afterEach(async (test) => {
    if (test.task.result?.state === 'fail') {
      console.error(`screenshots: ${await saveFailureShots({ page }, test.task.name)}`);
      console.error(`npm start said:\n${stack.output()}`);
    }
    await context.close();
    expect(errors).toEqual([]);
  });

  it('opens on the sign-in page in Dutch, listing every demo identity', async () => {
    const t = await textsFor('nl');
    await page.goto(`${stack.url}/`);
    await expect.poll(() => page.title()).toContain(t('auth:title'));
    expect(await page.locator('html').getAttribute('lang')).toBe('nl');
    await page.getByRole('heading', { level: 1, name: t('auth:title'), exact: true }).waitFor();
    const list = page.getByRole('region', { name: t('auth:local.heading'), exact: true });
    for (const identity of await demoIdentities(stack)) {
      await list.getByRole('button', { name: identityButton(t, identity), exact: true }).waitFor();
    }
    await expectAccessible(page, 'the sign-in page');
  });

  for (const lang of LANGS) {
    it(`signs the police desk in, in ${lang}, with the token in memory only`, async () => {
      const t = await textsFor(lang);
      await signIn(page, stack, t, lang, 'police-desk');
      await page
        .getByText(t('common:signedInAs', { role: t('enums:role.police_desk'), tenant: 'noord-nl' }), {
          exact: true,
        })
        .waitFor();
      await expectAccessible(page, `the desk's first screen (${lang})`);
      const stored =
        JSON.stringify(await context.storageState()) +
        (await page.evaluate<string>('JSON.stringify(sessionStorage)'));
      expect(stored).not.toMatch(/eyJ[\w-]+\.[\w-]+\./);

      // Nothing kept the session: a reload asks to sign in again.
      await page.reload();
      await page.getByRole('heading', { level: 1, name: t('auth:title'), exact: true }).waitFor();
    });
  }
});
