import { afterAll, afterEach, beforeAll, describe, expect, it, type TestContext } from 'vitest';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import {
  amsterdamLocal,
  demoToken,
  fieldError,
  fileReportOverHttp,
  isoDate,
  openNav,
  optional,
  signIn,
} from '../support/browser-app';
import {
  AxeLedger,
  PHONE,
  launchChromium,
  newPerson,
  saveFailureShots,
  screenshot,
} from '../support/browser';
import { startStack, type Stack } from '../support/browser-stack';
import { LANGS, textsFor, type Lang, type Texts } from '../support/browser-text';

/** Longer than a live update takes, well under the inbox's 30 s poll: what shows within it came by the feed. */
const LIVE_MS = 10_000;
const STEP_MS = 90_000;
const HOUR = 3_600_000;

type Person = { context: BrowserContext; page: Page; errors: string[] };

const h1 = (page: Page, text: string) =>
  page.getByRole('heading', { level: 1, name: text, exact: true }).waitFor();

describe('a case walked through the web app of npm start, by every party on their own screen', () => {
  let stack: Stack;
  let browser: Browser;

  beforeAll(async () => {
    [stack, browser] = await Promise.all([startStack(), launchChromium()]);
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  describe.each(LANGS)('in %s', (lang: Lang) => {
    let t: Texts;
    const people: Record<string, Person> = {};
    const ledger = new AxeLedger();
    const reportId = `walk-${lang}-${Date.now().toString(36)}`;
    const caseId = `case-ggz-noord~${reportId}`;
    const name = lang === 'nl' ? 'Jan de Vries' : 'John Smith';
    const sightingPlace = `Station Assen, ${lang}`;
    const pickup = `Stationsplein 1, Assen (${lang})`;
    const destination = 'De Linde, GGZ Noord';
    let broken: string | undefined;

    /** One step of the walk: skipped once an earlier one failed, since each starts where the last ended. */
    const step = (title: string, body: () => Promise<void> | void) =>
      it(
        title,
        async (ctx: TestContext) => {
          if (broken !== undefined) ctx.skip(`step "${broken}" failed`);
          try {
            await body();
          } catch (error) {
            broken = title;
            throw error;
          }
        },
        STEP_MS,
      );

    const person = async (who: string, identity: string, viewport?: { width: number; height: number }) => {
      const p = await newPerson(browser, viewport ? { viewport } : {});
      ledger.watch(p.page, who);
      people[who] = p;
      await signIn(p.page, stack, t, lang, identity, async (page, where) => {
        await ledger.check(page, where);
        if (who === 'desk' && where === 'the sign-in page') await screenshot(page, lang, 'sign-in');
      });
      return p.page;
    };
    const section = (page: Page, title: string) => page.getByRole('region', { name: title, exact: true });
    const form = (page: Page, label: string) => page.getByRole('form', { name: label, exact: true });
    const caseTitle = () => t('cases:pageTitle', { name, caseId });
    const taskLink = (scope: Page | Locator, task: Parameters<typeof taskName>[0]) =>
      scope.getByRole('link', { name: taskName(task), exact: true });
    const taskName = (task: 'acknowledge_report' | 'arrange_transport' | 'confirm_arrival' | 'debrief') =>
      t(`enums:task.${task}`);

    /** What the browsers and the launcher saw, printed when something failed. */
    const evidence = async (what: string) => {
      const pages = Object.fromEntries(Object.entries(people).map(([who, p]) => [who, p.page]));
      console.error(
        [
          `screenshots: ${await saveFailureShots(pages, `${lang} ${what}`)}`,
          ...Object.entries(people).flatMap(([who, p]) => p.errors.map((e) => `${who}: ${e}`)),
          `npm start said:\n${stack.output()}`,
        ].join('\n'),
      );
    };

    beforeAll(async () => {
      t = await textsFor(lang);
      try {
        // The desk is at its inbox before anything is filed, with the live feed connected.
        const desk = await person('desk', 'police-desk');
        await h1(desk, t('desk:title'));
        await desk.getByText(t('common:live.live'), { exact: true }).waitFor();
        await person('clinic', 'clinic');
      } catch (error) {
        await evidence('sign-in');
        throw error;
      }
    }, 120_000);

    afterEach(async (ctx) => {
      if (ctx.task.result?.state === 'fail') await evidence(ctx.task.name);
    });

    afterAll(async () => {
      for (const p of Object.values(people)) await p.context.close();
    });

    step('1. the clinic files a report in the form, after field errors for a bad one', async () => {
      const page = people.clinic!.page;
      await openNav(page, t, 'report');
      await h1(page, t('clinic:report.title'));
      await ledger.check(page, 'the empty report form');
      await screenshot(page, lang, 'clinic-report');
      const report = form(page, t('clinic:report.title'));

      // Nothing filled in: the browser checks with the API's own schema and says what is missing, where.
      await report.getByRole('button', { name: t('clinic:report.review'), exact: true }).click();
      // The summary above the form links to each field in error.
      await page
        .getByRole('alert')
        .getByRole('link', { name: t('fields:person.name'), exact: true })
        .waitFor();
      const nameField = report.getByLabel(t('fields:person.name'), { exact: true });
      await expect.poll(() => nameField.getAttribute('aria-invalid')).toBe('true');
      expect(await fieldError(nameField)).toBe(t('validation:required'));
      await ledger.check(page, 'the report form showing its field errors');
      await screenshot(page, lang, 'clinic-report-errors');

      await report.getByLabel(t('fields:reportId'), { exact: true }).fill(reportId);
      await report.getByLabel(t('fields:region'), { exact: true }).fill('noord-nl');
      await report.getByLabel(t('fields:kind.unauthorisedAbsence'), { exact: true }).check();
      await report
        .getByLabel(t('fields:proposedRisk'), { exact: true })
        .selectOption({ label: t('enums:risk.high') });
      await report.getByLabel(t('fields:internalSearchDone'), { exact: true }).check();
      const lastSeen = report.getByRole('group', { name: t('fields:lastSeen._'), exact: true });
      // Tomorrow: the form has no clock to judge by, the API has; its field error must land on this field.
      const seenAt = lastSeen.getByLabel(t('fields:lastSeen.at'), { exact: true });
      await seenAt.fill(amsterdamLocal(new Date(Date.now() + 24 * HOUR)));
      await lastSeen.getByLabel(t('fields:lastSeen.place'), { exact: true }).fill('Tuin, afdeling De Linde');
      const who = report.getByRole('group', { name: t('fields:person._'), exact: true });
      await who.getByLabel(t('fields:person.name'), { exact: true }).fill(name);
      await who.getByLabel(t('fields:person.dateOfBirth'), { exact: true }).fill('1990-04-01');
      await who.getByLabel(t('fields:person.description'), { exact: true }).fill('1.85 m, kort donker haar');
      const title = report.getByRole('group', { name: t('fields:legalTitle._'), exact: true });
      await title
        .getByLabel(t('fields:legalTitle.kind'), { exact: true })
        .selectOption({ label: t('enums:titleKind.zorgmachtiging') });
      await title
        .getByLabel(optional(t, t('fields:legalTitle.startsOn')), { exact: true })
        .fill(isoDate(new Date(Date.now() - 60 * 24 * HOUR)));
      await title
        .getByLabel(optional(t, t('fields:legalTitle.endsOn')), { exact: true })
        .fill(isoDate(new Date(Date.now() + 300 * 24 * HOUR)));
      const contact = report.getByRole('group', { name: t('fields:clinicContact._'), exact: true });
      await contact.getByLabel(t('fields:clinicContact.ward'), { exact: true }).fill('De Linde');
      await contact
        .getByLabel(t('fields:clinicContact.responsibleClinician'), { exact: true })
        .fill('dr. A. Bakker');
      await contact.getByLabel(t('fields:clinicContact.phone24x7'), { exact: true }).fill('+31 592 000 000');
      for (const consent of ['familyContact', 'publicAppeal'] as const) {
        await report
          .getByRole('group', { name: t(`fields:consents.${consent}._`), exact: true })
          .getByLabel(t(`fields:consents.${consent}.recordedBy`), { exact: true })
          .fill('dr. A. Bakker');
      }

      const summary = page.getByRole('heading', { level: 2, name: t('clinic:summary.title'), exact: true });
      const fileIt = page.getByRole('button', { name: t('clinic:summary.file'), exact: true });
      await report.getByRole('button', { name: t('clinic:report.review'), exact: true }).click();
      await summary.waitFor();
      await ledger.check(page, 'the summary before filing');
      await screenshot(page, lang, 'clinic-report-summary');
      await fileIt.click();
      // The API refuses a last-seen time in the future; the form shows it next to the field, in this language.
      await expect.poll(() => fieldError(seenAt)).toBe(t('validation:future'));
      await ledger.check(page, "the report form showing the API's field error");

      await seenAt.fill(amsterdamLocal(new Date(Date.now() - HOUR)));
      await report.getByRole('button', { name: t('clinic:report.review'), exact: true }).click();
      await summary.waitFor();
      await fileIt.click();
      await h1(page, caseTitle());
      await ledger.check(page, "the clinic's case page");
      await screenshot(page, lang, 'clinic-case');
    });

    step('2. the desk sees the task appear without reloading, claims it and acknowledges', async () => {
      const page = people.desk!.page;
      let loads = 0;
      page.on('load', () => loads++);
      const row = page
        .getByRole('row')
        .filter({ has: page.getByRole('link', { name: caseId, exact: true }) });
      await taskLink(row, 'acknowledge_report').waitFor({ timeout: LIVE_MS });
      expect(loads).toBe(0);
      await expect.poll(() => page.url()).toMatch(/\/desk/);
      await ledger.check(page, 'the desk inbox with a new task');
      await screenshot(page, lang, 'desk-inbox');

      const what = t('cases:taskOfCase', { task: taskName('acknowledge_report'), caseId });
      await row.getByRole('button', { name: `${t('cases:claim')} — ${what}`, exact: true }).click();
      await row.getByRole('button', { name: `${t('cases:release')} — ${what}`, exact: true }).waitFor();

      await taskLink(row, 'acknowledge_report').click();
      await h1(page, taskName('acknowledge_report'));
      await ledger.check(page, 'the acknowledge task');
      await screenshot(page, lang, 'desk-task');
      const ack = form(page, t('enums:command.police.acknowledge'));
      await ack.getByLabel(t('fields:risk'), { exact: true }).selectOption({ label: t('enums:risk.high') });
      await ack.getByLabel(t('fields:urgent'), { exact: true }).check();
      await ack.getByLabel(t('fields:knownFacts'), { exact: true }).fill('Left through the garden gate');
      await ack.getByLabel(t('fields:source'), { exact: true }).fill('Ward nurse');
      await ack.getByRole('button', { name: t('cases:submit'), exact: true }).click();
      await h1(page, caseTitle());
      await section(page, t('cases:overview'))
        .getByText(t('enums:status.search_active'), { exact: true })
        .waitFor();
      await ledger.check(page, "the desk's case page");
      await screenshot(page, lang, 'desk-case');
    });

    step('3. the clinic adds a sighting and the desk sees it', async () => {
      const clinic = people.clinic!.page;
      const desk = people.desk!.page;
      const actions = section(clinic, t('cases:actions.title'));
      await actions
        .getByRole('button', { name: t('enums:command.case.record_sighting'), exact: true })
        .click();
      const sighting = form(clinic, t('enums:command.case.record_sighting'));
      await sighting
        .getByLabel(t('fields:seenAt'), { exact: true })
        .fill(amsterdamLocal(new Date(Date.now() - 10 * 60_000)));
      await sighting.getByLabel(t('fields:place'), { exact: true }).fill(sightingPlace);
      await sighting.getByLabel(t('fields:source'), { exact: true }).fill('Conductor');
      await ledger.check(clinic, 'the sighting form');
      await sighting.getByRole('button', { name: t('cases:submit'), exact: true }).click();
      await sighting.getByRole('status').waitFor();

      // The policy tells only the clinic of a sighting (config/policy.json), so no feed entry reaches the
      // desk's open case page: the desk refreshes it, without reloading the app.
      await desk.getByRole('button', { name: t('cases:refresh'), exact: true }).click();
      await section(desk, t('cases:history.sightings')).getByText(sightingPlace).waitFor();
    });

    step('4. the desk records the find and arranges the ambulance', async () => {
      const page = people.desk!.page;
      const actions = section(page, t('cases:actions.title'));
      await actions
        .getByRole('button', { name: t('enums:command.case.record_located'), exact: true })
        .click();
      const located = form(page, t('enums:command.case.record_located'));
      await located
        .getByLabel(t('fields:foundBy'), { exact: true })
        .selectOption({ label: t('enums:foundBy.police') });
      await located.getByLabel(t('fields:place'), { exact: true }).fill(pickup);
      await ledger.check(page, 'the find form');
      await located.getByRole('button', { name: t('cases:submit'), exact: true }).click();

      const tasks = section(page, t('cases:tasks.title'));
      await taskLink(tasks, 'arrange_transport').click();
      await h1(page, taskName('arrange_transport'));
      const arrange = form(page, t('enums:command.transport.arrange'));
      await arrange
        .getByLabel(t('fields:mode'), { exact: true })
        .selectOption({ label: t('enums:transportMode.ambulance') });
      await arrange.getByLabel(t('fields:pickup'), { exact: true }).fill(pickup);
      await arrange.getByLabel(t('fields:destination'), { exact: true }).fill(destination);
      await ledger.check(page, 'the transport form');
      await arrange.getByRole('button', { name: t('cases:submit'), exact: true }).click();
      await h1(page, caseTitle());
      await section(page, t('cases:overview'))
        .getByText(t('enums:status.in_transport'), { exact: true })
        .waitFor();
    });

    step('5. the crew completes the transport at phone width', async () => {
      const page = await person('crew', 'ambulance', PHONE);
      await h1(page, t('ambulance:list.title'));
      const card = page.getByRole('article', {
        name: t('ambulance:list.cardTitle', { caseId }),
        exact: true,
      });
      await card.waitFor();
      await ledger.check(page, "the crew's transports");
      await screenshot(page, lang, 'ambulance-transports');
      await card
        .getByRole('link', { name: `${t('ambulance:list.openTransport')} ${caseId}`, exact: true })
        .click();
      await h1(page, t('ambulance:detail.title'));
      await section(page, t('ambulance:detail.route')).getByText(pickup, { exact: true }).waitFor();
      await page.getByRole('button', { name: t('ambulance:detail.claim'), exact: true }).click();
      await page.getByRole('button', { name: t('ambulance:detail.complete'), exact: true }).click();
      await ledger.check(page, 'the transport, asking to confirm');
      await screenshot(page, lang, 'ambulance-transport');
      await page.getByRole('button', { name: t('ambulance:detail.confirmComplete'), exact: true }).click();
      // The notice on the screen, not the live region that reads the same words out.
      await page
        .getByRole('status')
        .filter({ hasText: t('ambulance:detail.completedNext') })
        .getByText(t('ambulance:detail.completed'), { exact: true })
        .waitFor();
      // Usable on a phone: nothing is wider than the screen.
      expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(
        PHONE.width,
      );
    });

    step('6. the clinic confirms the arrival and does the debrief', async () => {
      const page = people.clinic!.page;
      const tasks = section(page, t('cases:tasks.title'));
      await taskLink(tasks, 'confirm_arrival').click({ timeout: LIVE_MS });
      await h1(page, taskName('confirm_arrival'));
      await ledger.check(page, 'the confirm-arrival task');
      await section(page, t('cases:task.form'))
        .getByRole('button', { name: t('cases:submit'), exact: true })
        .click();
      await h1(page, caseTitle());

      await taskLink(section(page, t('cases:tasks.title')), 'debrief').click();
      await h1(page, taskName('debrief'));
      const debrief = form(page, t('enums:command.clinic.complete_debrief'));
      await debrief.getByLabel(t('fields:safeAndWell'), { exact: true }).check();
      await debrief
        .getByLabel(t('fields:whatHappened'), { exact: true })
        .fill('Took the train to see his sister');
      await ledger.check(page, 'the debrief form');
      await screenshot(page, lang, 'clinic-debrief');
      await debrief.getByRole('button', { name: t('cases:submit'), exact: true }).click();
      await h1(page, caseTitle());
      await section(page, t('cases:overview')).getByText(t('enums:status.closed'), { exact: true }).waitFor();
      await ledger.check(page, 'the closed case, as the clinic sees it');
    });

    step('7. the supervisor sees the closed case and its access records', async () => {
      const page = await person('supervisor', 'supervisor');
      await openNav(page, t, 'supervisor');
      await h1(page, t('supervisor:overview.title'));
      await ledger.check(page, "the supervisor's overview");
      await screenshot(page, lang, 'supervisor');
      const sub = page.getByRole('navigation', { name: t('supervisor:nav.label'), exact: true });
      await sub.getByRole('link', { name: t('supervisor:nav.closed'), exact: true }).click();
      await h1(page, t('supervisor:closed.title'));
      const row = page
        .getByRole('row')
        .filter({ has: page.getByRole('rowheader', { name: caseId, exact: true }) });
      await row.getByText(t('enums:outcome.returned'), { exact: true }).waitFor();
      await ledger.check(page, 'the closed cases');
      await screenshot(page, lang, 'supervisor-closed');

      await row
        .getByRole('link', { name: `${t('supervisor:closed.accessRecords')} ${caseId}`, exact: true })
        .click();
      await h1(page, t('supervisor:access.title'));
      const results = page.getByRole('table', { name: t('supervisor:access.results'), exact: true });
      for (const [actor, role] of [
        ['clinician.ggz-noord', 'clinic'],
        ['desk.noord', 'police_desk'],
        ['rav.noord', 'ambulance'],
      ] as const) {
        await results
          .getByRole('cell', { name: `${actor} (${t(`enums:role.${role}`)})`, exact: true })
          .first()
          .waitFor();
      }
      await ledger.check(page, 'the access records of the case');
      await screenshot(page, lang, 'supervisor-access-records');
    });

    step('axe looked at every screen anyone went to, and no page threw', () => {
      expect(ledger.unchecked()).toEqual([]);
      expect(Object.values(people).flatMap((p) => p.errors)).toEqual([]);
    });
  });
  describe('the live update, checked against its absence', () => {
    it('shows no new task on a desk whose live feed is cut, within the time the walk allows it', async () => {
      const t = await textsFor('nl');
      const { context, page } = await newPerson(browser);
      try {
        // What the walk's step 2 relies on, taken away: every connection to the feed fails.
        await context.route('**/v1/feed/stream', (route) => route.abort());
        const polled = page.waitForResponse((r) => new URL(r.url()).pathname === '/v1/tasks');
        await signIn(page, stack, t, 'nl', 'police-desk');
        await h1(page, t('desk:title'));
        await polled;
        await page.getByText(t('common:live.offline'), { exact: true }).waitFor();

        // Filed right after the inbox loaded: its next poll is 30 s away, the walk waits 10 s.
        const caseId = await fileReportOverHttp(stack, `no-feed-${Date.now().toString(36)}`);
        const row = page
          .getByRole('row')
          .filter({ has: page.getByRole('link', { name: caseId, exact: true }) });
        await expect(row.waitFor({ timeout: LIVE_MS })).rejects.toThrow(/Timeout/);

        // The task is there all the same: only the live update was missing.
        const inbox = await fetch(`${stack.url}/v1/tasks?role=police_desk`, {
          headers: { authorization: `Bearer ${await demoToken(stack, 'police-desk')}` },
        }).then((r) => r.json() as Promise<{ items: { caseId: string; task: string }[] }>);
        expect(inbox.items).toContainEqual(expect.objectContaining({ caseId, task: 'acknowledge_report' }));
      } finally {
        await context.close();
      }
    }, 60_000);
  });
});
