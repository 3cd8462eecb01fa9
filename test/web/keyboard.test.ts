import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { demoIdentities, fileReportOverHttp, identityButton } from '../support/browser-app';
import { expectAccessible, launchChromium, newPerson, saveFailureShots, tabTo } from '../support/browser';
import { startStack, type Stack } from '../support/browser-stack';
import { textsFor } from '../support/browser-text';

const h1 = (page: Page, text: string) =>
  page.getByRole('heading', { level: 1, name: text, exact: true }).waitFor();

describe('the desk inbox by keyboard alone', () => {
  let stack: Stack;
  let browser: Browser;

  beforeAll(async () => {
    [stack, browser] = await Promise.all([startStack(), launchChromium()]);
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it('signs in, claims a task and completes it with Tab, Enter, Space and typing, the focus always visible', async () => {
    const t = await textsFor('nl');
    const caseId = await fileReportOverHttp(stack, `keys-${Date.now().toString(36)}`);
    const { context, page, errors } = await newPerson(browser);
    const keys = page.keyboard;
    try {
      await page.goto(`${stack.url}/`);
      await h1(page, t('auth:title'));
      const desk = (await demoIdentities(stack)).find((i) => i.id === 'police-desk')!;
      const visited = await tabTo(
        page,
        page.getByRole('button', { name: identityButton(t, desk), exact: true }),
      );
      await keys.press('Enter');
      await h1(page, t('desk:title'));

      const task = t('enums:task.acknowledge_report');
      const what = t('cases:taskOfCase', { task, caseId });
      const row = page
        .getByRole('row')
        .filter({ has: page.getByRole('link', { name: caseId, exact: true }) });
      visited.push(
        ...(await tabTo(page, row.getByRole('button', { name: `${t('cases:claim')} — ${what}` }))),
      );
      await keys.press('Space');
      await row.getByRole('button', { name: `${t('cases:release')} — ${what}`, exact: true }).waitFor();

      visited.push(
        ...(await tabTo(page, row.getByRole('link', { name: task, exact: true }), { backwards: true })),
      );
      await keys.press('Enter');
      await h1(page, task);
      await expectAccessible(page, 'the task page, reached by keyboard');

      const form = page.getByRole('form', { name: t('enums:command.police.acknowledge'), exact: true });
      const risk = form.getByLabel(t('fields:risk'), { exact: true });
      visited.push(...(await tabTo(page, risk)));
      // A closed select picks the option whose name one types.
      await keys.type(t('enums:risk.high'));
      expect(await risk.inputValue()).toBe('high');
      const urgent = form.getByLabel(t('fields:urgent'), { exact: true });
      visited.push(...(await tabTo(page, urgent)));
      await keys.press('Space');
      expect(await urgent.isChecked()).toBe(true);
      visited.push(...(await tabTo(page, form.getByLabel(t('fields:knownFacts'), { exact: true }))));
      await keys.type('Left through the garden gate');
      visited.push(...(await tabTo(page, form.getByLabel(t('fields:source'), { exact: true }))));
      await keys.type('Ward nurse');
      visited.push(
        ...(await tabTo(page, form.getByRole('button', { name: t('cases:submit'), exact: true }))),
      );
      await keys.press('Enter');

      await h1(page, t('cases:pageTitle', { name: 'Jan de Vries', caseId }));
      await page
        .getByRole('region', { name: t('cases:overview'), exact: true })
        .getByText(t('enums:status.search_active'), { exact: true })
        .waitFor();
      // Every element the Tab key reached showed its focus (tabTo fails otherwise); there were plenty.
      expect(visited.length).toBeGreaterThan(10);
      expect(errors).toEqual([]);
    } catch (error) {
      console.error(`screenshots: ${await saveFailureShots({ desk: page }, 'keyboard')}\n${stack.output()}`);
      throw error;
    } finally {
      await context.close();
    }
  }, 90_000);
});
