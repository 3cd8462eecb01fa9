import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import example from '../../examples/report.json';
import { exampleBody } from '../support/action-examples';
import { formatDate, formatDateTime } from '../../web/src/i18n/format-text';
import {
  amsterdamLocal,
  anExampleProfile,
  demoToken,
  isoDate,
  openNav,
  optional,
  signIn,
} from '../support/browser-app';
import { expectAccessible, launchChromium, newPerson, saveFailureShots } from '../support/browser';
import { startStack, type Stack } from '../support/browser-stack';
import { LANGS, textsFor, type Lang, type Texts } from '../support/browser-text';

const DAY = 86_400_000;
const STEP_MS = 90_000;
const HOUR = 60 * 60_000;

/** Sends a request as the demo clinic of ggz-noord, as another of its staff would from their own screen. */
const asClinic = (
  stack: Stack,
  method: string,
  path: string,
  body: object,
  headers: Record<string, string> = {},
) => asDemo(stack, 'clinic', method, path, body, headers);

/** Sends a request as one of the demo identities (`clinic`, `police-desk`), failing loudly on a refusal. */
async function asDemo(
  stack: Stack,
  identity: string,
  method: string,
  path: string,
  body: object,
  headers: Record<string, string> = {},
) {
  const response = await fetch(`${stack.url}${path}`, {
    method,
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${await demoToken(stack, identity)}`,
      'idempotency-key': randomUUID(),
      ...headers,
    },
    body: JSON.stringify(body),
  });
  const answer = (await response.json()) as Record<string, unknown>;
  if (!response.ok)
    throw new Error(`${method} ${path} answered ${response.status}: ${JSON.stringify(answer)}`);
  return answer;
}

/** The kinds of a profile's open tasks as the API lists them to its clinic: what the screens must show. */
async function openTaskKinds(stack: Stack, profileId: string): Promise<string[]> {
  const response = await fetch(`${stack.url}/v1/profile-tasks?profileId=${encodeURIComponent(profileId)}`, {
    headers: { authorization: `Bearer ${await demoToken(stack, 'clinic')}` },
  });
  if (!response.ok) throw new Error(`GET /v1/profile-tasks answered ${response.status}`);
  return ((await response.json()) as { items: { kind: string }[] }).items.map((item) => item.kind);
}

/** Reports the patient missing from the profile over HTTP, as a colleague would: one more absence. */
const reportOverHttp = (stack: Stack, profileId: string) =>
  asClinic(stack, 'POST', `/v1/profiles/${profileId}/reports`, {
    region: 'noord-nl',
    kind: { unauthorisedAbsence: true, missing: false },
    urgent: false,
    proposedRisk: 'medium',
    absenceNoticedAt: new Date(Date.now() - 10 * 60_000).toISOString(),
    internalSearchDone: true,
    lastSeen: { at: new Date(Date.now() - HOUR).toISOString(), place: 'Tuin, afdeling De Linde' },
  });

/** What the clinic learnt in the debrief of an absence the specs bring to its end. */
const debrief = {
  safeAndWell: true,
  whatHappened: 'nam de trein naar zijn zus in Groningen',
  pushFactors: ['drukte op de afdeling'],
  pullFactors: ['zijn zus'],
};

/** Police find the patient, the clinic has them back and holds the debrief: the case closes `returned`. */
async function bringBack(stack: Stack, caseId: string): Promise<void> {
  const path = (action: string) => `/v1/cases/${encodeURIComponent(caseId)}/${action}`;
  await asDemo(stack, 'police-desk', 'POST', path('acknowledge'), exampleBody('police.acknowledge'));
  await asDemo(stack, 'police-desk', 'POST', path('located'), exampleBody('case.record_located'));
  await asClinic(stack, 'POST', path('confirm-return'), {});
  await asClinic(stack, 'POST', path('debrief'), debrief);
}

/** A profile's absences as the API lists them to its clinic: what the profile page must show. */
async function absencesOf(stack: Stack, profileId: string) {
  const response = await fetch(`${stack.url}/v1/profiles/${encodeURIComponent(profileId)}/absences`, {
    headers: { authorization: `Bearer ${await demoToken(stack, 'clinic')}` },
  });
  if (!response.ok) throw new Error(`GET /v1/profiles/{id}/absences answered ${response.status}`);
  return (await response.json()) as { absences: { outcome: string | null; why: object | null }[] };
}

/** Keeps a new profile over HTTP: its id. */
const keepProfile = async (stack: Stack, profile: object): Promise<string> =>
  (await asClinic(stack, 'POST', '/v1/profiles', { ...profile, patientNumber: randomUUID() }))
    .profileId as string;

describe('patient profiles in the web app of npm start', () => {
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
    const people: Record<string, { context: BrowserContext; page: Page; errors: string[] }> = {};
    const run = `${lang}-${Date.now().toString(36)}`;

    const h1 = (page: Page, text: string) =>
      page.getByRole('heading', { level: 1, name: text, exact: true }).waitFor();
    const region = (page: Page, title: string) => page.getByRole('region', { name: title, exact: true });
    const group = (scope: Page | Locator, legend: string) =>
      scope.getByRole('group', { name: legend, exact: true });
    const field = (scope: Page | Locator, label: string) => scope.getByLabel(label, { exact: true });
    const button = (scope: Page | Locator, name: string) => scope.getByRole('button', { name, exact: true });
    const about = (page: Page) => region(page, t('profiles:page.about'));
    /** The value a fact list gives for a label: the `dd` after the `dt` that says just that. */
    const fact = (scope: Locator, label: string) =>
      scope
        .locator('dt', { hasText: new RegExp(`^${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) })
        .first()
        .locator('xpath=following-sibling::dd[1]');

    /** Goes from the menu to a profile by its row in the clinic's list. */
    const openProfile = async (page: Page, profileId: string, name: string) => {
      await openNav(page, t, 'profiles');
      await h1(page, t('profiles:list.title'));
      // Kept over HTTP, as by a colleague: the list shows it once read again.
      await button(page, t('profiles:list.refresh')).click();
      await page.getByRole('link', { name: profileId, exact: true }).click();
      await h1(page, t('profiles:page.title', { name }));
    };

    const clinicPage = () => people.clinic!.page;

    /**
     * Reads the screen again with its refresh button until `read` answers what is expected: a task is
     * written by the profile's workflow a moment after the write that opened it, and no feed tells of it.
     */
    const afterRefresh = <T>(page: Page, refresh: string, read: () => Promise<T>) =>
      expect.poll(
        async () => {
          await button(page, refresh).click();
          return read();
        },
        { timeout: 30_000, interval: 1_000 },
      );

    /** Waits until the API lists a profile's open tasks as expected, before any screen is asked to. */
    const tasksAre = (profileId: string, kinds: string[]) =>
      expect.poll(() => openTaskKinds(stack, profileId), { timeout: 30_000 }).toEqual(kinds);

    /** The row of the profile-tasks view for one profile's task: its cells after the profile link. */
    const taskRow = (page: Page, profileId: string) =>
      page.getByRole('row').filter({ has: page.getByRole('link', { name: profileId, exact: true }) });

    /** Fills the new-profile form with a whole profile, the photo taken on `photoTakenOn`. */
    const fillNewProfile = async (
      form: Locator,
      p: { patientNumber: string; name: string; ward: string; photoTakenOn: string; routine: string },
    ) => {
      await field(form, t('fields:patientNumber')).fill(p.patientNumber);
      const person = group(form, t('fields:person._'));
      await field(person, t('fields:person.name')).fill(p.name);
      await field(person, t('fields:person.dateOfBirth')).fill('1990-04-01');
      await field(person, t('fields:person.description')).fill('1.85 m, slank, kort donker haar');
      const photo = group(form, optional(t, t('fields:photo._')));
      await field(photo, t('fields:photo.takenOn')).fill(p.photoTakenOn);
      await field(form, optional(t, t('fields:routines'))).fill(p.routine);
      const title = group(form, t('fields:legalTitle._'));
      await field(title, t('fields:legalTitle.kind')).selectOption({
        label: t('enums:titleKind.zorgmachtiging'),
      });
      await field(title, optional(t, t('fields:legalTitle.startsOn'))).fill(
        isoDate(new Date(Date.now() - 60 * DAY)),
      );
      await field(title, optional(t, t('fields:legalTitle.endsOn'))).fill(
        isoDate(new Date(Date.now() + 300 * DAY)),
      );
      const contact = group(form, t('fields:clinicContact._'));
      await field(contact, t('fields:clinicContact.ward')).fill(p.ward);
      await field(contact, t('fields:clinicContact.responsibleClinician')).fill('dr. A. Bakker');
      await field(contact, t('fields:clinicContact.phone24x7')).fill('+31 592 000 000');
      for (const consent of ['familyContact', 'publicAppeal'] as const)
        await field(
          group(form, t(`fields:consents.${consent}._`)),
          t(`fields:consents.${consent}.recordedBy`),
        ).fill('dr. A. Bakker');
      const crisiskaart = group(form, optional(t, t('fields:plans.crisiskaart._')));
      await field(crisiskaart, t('fields:plans.crisiskaart.text')).fill('Bel eerst zijn broer.');
      await field(crisiskaart, t('fields:plans.crisiskaart.madeBy')).fill('dr. A. Bakker');
      await field(crisiskaart, t('fields:plans.crisiskaart.madeOn')).fill('2026-09-01');
    };

    /** Fills the facts of one absence into the profile's "report missing" form. */
    const fillReport = async (form: Locator) => {
      await field(form, t('fields:region')).fill('noord-nl');
      await field(form, t('fields:kind.unauthorisedAbsence')).check();
      await field(form, t('fields:proposedRisk')).selectOption({ label: t('enums:risk.high') });
      await field(form, t('fields:internalSearchDone')).check();
      const lastSeen = group(form, t('fields:lastSeen._'));
      await field(lastSeen, t('fields:lastSeen.at')).fill(amsterdamLocal(new Date(Date.now() - HOUR)));
      await field(lastSeen, t('fields:lastSeen.place')).fill('Tuin, afdeling De Linde');
      await field(form, optional(t, t('fields:clothing'))).fill('rode jas, zwarte sneakers');
    };

    beforeAll(async () => {
      t = await textsFor(lang);
      const clinic = await newPerson(browser);
      people.clinic = clinic;
      await signIn(clinic.page, stack, t, lang, 'clinic');
    }, 120_000);

    afterEach(async (ctx) => {
      if (ctx.task.result?.state !== 'fail') return;
      const pages = Object.fromEntries(Object.entries(people).map(([who, p]) => [who, p.page]));
      console.error(
        [
          `screenshots: ${await saveFailureShots(pages, `${lang} ${ctx.task.name}`)}`,
          ...Object.entries(people).flatMap(([who, p]) => p.errors.map((e) => `${who}: ${e}`)),
          `npm start said:\n${stack.output()}`,
        ].join('\n'),
      );
    });

    afterAll(async () => {
      for (const p of Object.values(people)) await p.context.close();
      for (const p of Object.values(people)) expect(p.errors).toEqual([]);
    });

    it(
      'creates a profile through the screens; the patient number is sent once and shown nowhere',
      async () => {
        const page = clinicPage();
        const name = lang === 'nl' ? 'Pieter Profiel' : 'Peter Profile';
        const patientNumber = `PN-${run}`;
        const ward = `Ward ${run}`;
        const routine = `Elke ochtend naar de bakker (${lang})`;
        await openNav(page, t, 'profiles');
        await h1(page, t('profiles:list.title'));
        await expectAccessible(page, 'the profile list');
        await page.getByRole('link', { name: t('profiles:list.new'), exact: true }).click();
        await h1(page, t('profiles:new.title'));
        await expectAccessible(page, 'the empty profile form');
        const form = page.getByRole('form', { name: t('profiles:new.title'), exact: true });

        // Taken two years ago: the policy asks for a new photo, and the list says so.
        await fillNewProfile(form, {
          patientNumber,
          name,
          ward,
          photoTakenOn: isoDate(new Date(Date.now() - 730 * DAY)),
          routine,
        });
        await button(form, t('profiles:new.save')).click();

        await h1(page, t('profiles:page.title', { name }));
        expect(await fact(about(page), t('profiles:page.version')).textContent()).toBe('1');
        await region(page, t('clinic:report.sections.search')).getByText(routine, { exact: true }).waitFor();
        await region(page, t('profiles:sections.plans'))
          .getByText('Bel eerst zijn broer.', { exact: true })
          .waitFor();
        expect(await page.content()).not.toContain(patientNumber);
        await expectAccessible(page, 'a profile');

        const profileId = new URL(page.url()).pathname.split('/').at(-1)!;
        await openNav(page, t, 'profiles');
        const row = page.getByRole('row').filter({ has: page.getByRole('link', { name: profileId }) });
        await afterRefresh(page, t('profiles:list.refresh'), () =>
          row.getByRole('cell').allTextContents(),
        ).toEqual([ward, '1', expect.any(String), expect.any(String), t('profiles:tasks.reason.photo_old')]);
        expect(await page.content()).not.toContain(patientNumber);
      },
      STEP_MS,
    );

    it(
      'changes a profile into version 2, and the versions say who changed which parts, and when',
      async () => {
        const page = clinicPage();
        const name = `Versie ${run}`;
        const profileId = await keepProfile(stack, anExampleProfile(name, 'De Linde'));
        await openProfile(page, profileId, name);

        await button(about(page), t('profiles:page.edit')).click();
        const form = page.getByRole('form', { name: t('profiles:page.edit'), exact: true });
        await field(group(form, t('fields:person._')), t('fields:person.description')).fill(
          '1.85 m, baard sinds oktober',
        );
        await field(form, optional(t, t('fields:routines'))).fill('Zaterdags naar café De Kroon');
        await expectAccessible(page, 'the change of a profile');
        await button(form, t('profiles:page.save')).click();

        await about(page)
          .getByText(t('profiles:page.saved', { version: 2 }), { exact: true })
          .waitFor();
        expect(await fact(about(page), t('profiles:page.version')).textContent()).toBe('2');
        await page.getByText('1.85 m, baard sinds oktober', { exact: true }).waitFor();

        const versions = region(page, t('profiles:versions.title'));
        const rowOf = (version: number) =>
          versions
            .getByRole('row')
            .filter({ has: page.getByRole('rowheader', { name: String(version), exact: true }) });
        const who = `${t('enums:role.clinic')} (clinician.ggz-noord)`;
        await expect
          .poll(() => rowOf(2).getByRole('cell').allTextContents())
          .toEqual([
            t('profiles:change.updated'),
            expect.any(String),
            who,
            `${t('fields:person._')}, ${t('fields:routines')}`,
          ]);
        expect((await rowOf(1).getByRole('cell').allTextContents())[0]).toBe(t('profiles:change.created'));

        await button(about(page), t('profiles:page.review')).click();
        await about(page)
          .getByText(t('profiles:page.reviewed', { version: 3 }), { exact: true })
          .waitFor();
        await expect
          .poll(() => rowOf(3).getByRole('cell').allTextContents())
          .toEqual([t('profiles:change.reviewed'), expect.any(String), who, t('common:none')]);
        await expectAccessible(page, 'a profile with its versions');
      },
      STEP_MS,
    );

    it(
      'says someone else changed the profile when the page is stale, saves nothing, and reloads',
      async () => {
        const page = clinicPage();
        const name = `Verouderd ${run}`;
        const profile = anExampleProfile(name, 'De Linde');
        const profileId = await keepProfile(stack, profile);
        await openProfile(page, profileId, name);

        // A colleague changes it meanwhile, from their own screen.
        await asClinic(
          stack,
          'PUT',
          `/v1/profiles/${profileId}`,
          { ...profile, associates: ['zus, woont in Zwolle'] },
          { 'if-match': '"1"' },
        );

        await button(about(page), t('profiles:page.edit')).click();
        const form = page.getByRole('form', { name: t('profiles:page.edit'), exact: true });
        await field(form, optional(t, t('fields:routines'))).fill('Mijn wijziging');
        await button(form, t('profiles:page.save')).click();
        const alert = page.getByRole('alert').filter({ hasText: t('profiles:stale.title') });
        await alert.waitFor();
        await expectAccessible(page, 'a stale profile');

        await button(alert, t('profiles:stale.reload')).click();
        await alert.waitFor({ state: 'hidden' });
        expect(await fact(about(page), t('profiles:page.version')).textContent()).toBe('2');
        await page.getByText('zus, woont in Zwolle', { exact: true }).waitFor();
        expect(await page.getByText('Mijn wijziging').count()).toBe(0);
      },
      STEP_MS,
    );

    it(
      'shows a second clinic neither the profile in its list nor the profile at its address',
      async () => {
        const name = `Eigen kliniek ${run}`;
        const profileId = await keepProfile(stack, anExampleProfile(name, 'De Linde'));
        const other = await newPerson(browser);
        people.other = other;
        await signIn(other.page, stack, t, lang, 'clinic-oost');
        await openNav(other.page, t, 'profiles');
        await h1(other.page, t('profiles:list.title'));
        await button(other.page, t('profiles:list.refresh')).click();
        await other.page.getByRole('table').waitFor();
        expect(await other.page.getByRole('link', { name: profileId }).count()).toBe(0);

        // The address itself, as a link passed on would open it: signed in, the profile is not there.
        const linked = await newPerson(browser);
        people.linked = linked;
        await signIn(linked.page, stack, t, lang, 'clinic-oost', undefined, `/clinic/profiles/${profileId}`);
        await linked.page.getByRole('alert').getByText(t('common:errors.404'), { exact: true }).waitFor();
        expect(await linked.page.content()).not.toContain(name);
      },
      STEP_MS,
    );

    it(
      'reports missing from the profile in one step and lands on the case, whose page shows the full signalement',
      async () => {
        const page = clinicPage();
        const name = `Melding ${run}`;
        const profileId = await keepProfile(stack, anExampleProfile(name, 'De Linde'));
        await openProfile(page, profileId, name);

        await button(page, t('profiles:report.open')).click();
        const form = page.getByRole('form', { name: t('profiles:report.title'), exact: true });
        await expectAccessible(page, 'reporting missing from a profile');
        await fillReport(form);
        await button(form, t('profiles:report.file')).click();

        await page.waitForURL(/\/cases\//);
        const caseId = decodeURIComponent(new URL(page.url()).pathname.split('/').at(-1)!);
        await h1(page, t('cases:pageTitle', { name, caseId }));
        const person = region(page, t('cases:person.title'));
        const facts: [string, string][] = [
          [t('fields:person.description'), example.person.description],
          [t('fields:person.clothing'), 'rode jas, zwarte sneakers'],
          [t('fields:person.sex'), t('enums:sex.male')],
          [t('fields:person.heightCm'), '185'],
          [t('fields:person.build'), t('enums:build.slim')],
          [t('fields:person.distinguishingMarks'), example.person.distinguishingMarks.join(', ')],
          [t('fields:person.languages'), example.person.languages.join(', ')],
          // The report's likely places are the profile's, followed by its routines (reportFromProfile).
          [
            t('fields:likelyPlaces'),
            [...example.likelyPlaces, 'loopt elke ochtend naar de bakker'].join(', '),
          ],
          [t('fields:associates'), 'broer, woont in Groningen'],
          [t('fields:timeCriticalNeeds._'), 'clozapine (within 24 hours)'],
        ];
        for (const [label, value] of facts)
          await expect.poll(() => fact(person, label).textContent(), { message: label }).toBe(value);
        await expectAccessible(page, 'the case reported from a profile');
      },
      STEP_MS,
    );

    it(
      'shows an absence reported from the profile with its time away, outcome and what the debrief said',
      async () => {
        const page = clinicPage();
        const name = `Afwezig ${run}`;
        const profileId = await keepProfile(stack, anExampleProfile(name, 'De Linde'));
        await openProfile(page, profileId, name);
        const absences = region(page, t('profiles:absences.title'));
        await absences.getByText(t('profiles:absences.none', { days: 90 }), { exact: true }).waitFor();
        expect(await absences.getByTestId('absence-count').textContent()).toBe(
          t('profiles:absences.count', { count: 0, days: 90 }),
        );

        await button(page, t('profiles:report.open')).click();
        const report = page.getByRole('form', { name: t('profiles:report.title'), exact: true });
        await fillReport(report);
        await button(report, t('profiles:report.file')).click();
        await page.waitForURL(/\/cases\//);
        const caseId = decodeURIComponent(new URL(page.url()).pathname.split('/').at(-1)!);
        await bringBack(stack, caseId);
        // The case closes a moment after the debrief; the screen is asked once the API says so.
        await expect
          .poll(async () => (await absencesOf(stack, profileId)).absences.map((a) => a.outcome))
          .toEqual(['returned']);

        await openProfile(page, profileId, name);
        // The page shows what it read before at once, and the history read again as it arrives.
        await expect
          .poll(() => absences.getByTestId('absence-count').textContent())
          .toBe(t('profiles:absences.count', { count: 1, days: 90 }));
        const table = absences.getByRole('table', {
          name: t('profiles:absences.caption', { count: 1 }),
          exact: true,
        });
        expect(await table.getByRole('columnheader').allTextContents()).toEqual(
          (['reportedAt', 'endedAt', 'away', 'outcome', 'why', 'case', 'version'] as const).map((key) =>
            t(`profiles:absences.${key}`),
          ),
        );
        const row = table.getByRole('row').filter({ has: page.getByRole('link', { name: caseId }) });
        const [ended, away, outcome, why, link, version] = await row.getByRole('cell').allTextContents();
        expect(ended).not.toBe(t('profiles:absences.ongoing'));
        // Filed and brought back within this spec: minutes only, in the language's units.
        expect(away).toMatch(
          new RegExp(`^${t('profiles:absences.unit.min', { count: 999 }).replace('999', '\\d+')}$`),
        );
        expect(outcome).toBe(t('enums:outcome.returned'));
        for (const said of [debrief.whatHappened, ...debrief.pushFactors, ...debrief.pullFactors])
          expect(why).toContain(said);
        expect(link).toBe(caseId);
        expect(version).toBe('1');
        await expectAccessible(page, 'a profile with its absences');

        await row.getByRole('link', { name: caseId, exact: true }).click();
        await h1(page, t('cases:pageTitle', { name, caseId }));
      },
      STEP_MS,
    );

    it(
      'records a discharge and shows when the API will erase the profile, then a readmission',
      async () => {
        const page = clinicPage();
        const name = `Ontslag ${run}`;
        const profileId = await keepProfile(stack, anExampleProfile(name, 'De Linde'));
        await openProfile(page, profileId, name);
        const retention = region(page, t('profiles:retention.title'));
        const form = retention.getByRole('form', { name: t('profiles:retention.discharge'), exact: true });
        const yesterday = isoDate(new Date(Date.now() - DAY));
        await field(form, t('profiles:retention.dischargedOn')).fill(yesterday);
        const answered = page.waitForResponse((r) => r.url().endsWith(`/v1/profiles/${profileId}/discharge`));
        await button(form, t('profiles:retention.discharge')).click();
        const answer = (await (await answered).json()) as { dischargedOn: string; eraseAt: string };
        expect(answer.dischargedOn).toBe(yesterday);
        // The erase day is the machine's (start of the day plus the policy's period): the page says the answer.
        await retention
          .getByRole('status')
          .getByText(
            t('profiles:retention.discharged', {
              date: formatDate(yesterday, lang),
              eraseAt: formatDateTime(answer.eraseAt, lang),
            }),
            { exact: true },
          )
          .waitFor();
        await expectAccessible(page, 'a recorded discharge');

        await button(form, t('profiles:retention.readmit')).click();
        await retention.getByText(t('profiles:retention.readmitted'), { exact: true }).waitFor();
      },
      STEP_MS,
    );

    it(
      'refuses an erasure request while a case from the profile is open, with the API’s reason',
      async () => {
        const page = clinicPage();
        const name = `Open zaak ${run}`;
        const profileId = await keepProfile(stack, anExampleProfile(name, 'De Linde'));
        await reportOverHttp(stack, profileId);
        await openProfile(page, profileId, name);
        const retention = region(page, t('profiles:retention.title'));
        await field(retention, t('profiles:retention.ground')).selectOption({
          label: t('profiles:retention.grounds.objection'),
        });
        await button(retention, t('profiles:retention.requestErasure')).click();
        const confirm = retention.getByRole('group', { name: t('profiles:retention.confirmTitle') });
        await expectAccessible(page, 'the confirm step of an erasure');
        await button(confirm, t('profiles:retention.confirm')).click();

        const refusal = retention.getByRole('alert').filter({ hasText: t('common:errors.409') });
        await refusal.waitFor();
        // The API's own words, as problem+json gave them, and its reason in the user's language.
        expect(await refusal.locator('p.muted').textContent()).toMatch(/open/);
        await retention.getByText(t('profiles:retention.refused.case_open'), { exact: true }).waitFor();
        await h1(page, t('profiles:page.title', { name }));
        await expectAccessible(page, 'a refused erasure');
      },
      STEP_MS,
    );

    it(
      'erases a profile without an open case on request, and the list no longer has it',
      async () => {
        const page = clinicPage();
        const name = `Wissen ${run}`;
        const profileId = await keepProfile(stack, anExampleProfile(name, 'De Linde'));
        await openProfile(page, profileId, name);
        const retention = region(page, t('profiles:retention.title'));
        await button(retention, t('profiles:retention.requestErasure')).click();
        const confirm = retention.getByRole('group', { name: t('profiles:retention.confirmTitle') });
        await button(confirm, t('profiles:retention.confirm')).click();

        await h1(page, t('profiles:list.title'));
        await page
          .getByRole('main')
          .getByRole('status')
          .getByText(t('profiles:retention.erased'), { exact: true })
          .waitFor();
        await page.getByRole('table').waitFor();
        expect(await page.getByRole('link', { name: profileId, exact: true }).count()).toBe(0);
        const read = await fetch(`${stack.url}/v1/profiles/${profileId}`, {
          headers: { authorization: `Bearer ${await demoToken(stack, 'clinic')}` },
        });
        expect(read.status).toBe(404);
      },
      STEP_MS,
    );

    it(
      'shows the review a task asks for: a photo too old, on the profile, in the list and among the profile tasks',
      async () => {
        const page = clinicPage();
        const name = `Oude foto ${run}`;
        const ward = `Foto ${run}`;
        const profileId = await keepProfile(stack, {
          ...anExampleProfile(name, ward),
          photo: { takenOn: isoDate(new Date(Date.now() - 730 * DAY)) },
        });
        // The policy's photo age is the profile machine's: the task it opened is what the screens show.
        await tasksAre(profileId, ['profile_review']);
        await openProfile(page, profileId, name);
        await expect
          .poll(() => fact(about(page), t('profiles:list.attention')).textContent())
          .toBe(t('profiles:tasks.reason.photo_old'));
        expect(await page.getByRole('alert').count()).toBe(0);

        await openNav(page, t, 'profileTasks');
        await h1(page, t('profiles:tasks.title'));
        await afterRefresh(page, t('profiles:tasks.refresh'), () =>
          taskRow(page, profileId).getByRole('cell').allTextContents(),
        ).toEqual([
          ward,
          `${t('profiles:tasks.kind.profile_review')}: ${t('profiles:tasks.reason.photo_old')}`,
          expect.any(String),
          expect.any(String),
        ]);
        await expectAccessible(page, 'the profile tasks');
        await taskRow(page, profileId).getByRole('link', { name: profileId, exact: true }).click();
        await h1(page, t('profiles:page.title', { name }));
      },
      STEP_MS,
    );

    it(
      'warns of repeated absences after the third report from a profile made in the screens, and "Review held" clears it',
      async () => {
        const page = clinicPage();
        const name = lang === 'nl' ? `Herhaald ${run}` : `Repeated ${run}`;
        const ward = `Herhaal ${run}`;
        await openNav(page, t, 'profiles');
        await page.getByRole('link', { name: t('profiles:list.new'), exact: true }).click();
        await h1(page, t('profiles:new.title'));
        const form = page.getByRole('form', { name: t('profiles:new.title'), exact: true });
        await fillNewProfile(form, {
          patientNumber: `PN-repeat-${run}`,
          name,
          ward,
          photoTakenOn: isoDate(new Date(Date.now() - 30 * DAY)),
          routine: 'Fietst naar het park',
        });
        await button(form, t('profiles:new.save')).click();
        await h1(page, t('profiles:page.title', { name }));
        const profileId = new URL(page.url()).pathname.split('/').at(-1)!;

        // The first absence from the profile's page; two more over HTTP, as colleagues would, to be quick.
        await button(page, t('profiles:report.open')).click();
        const report = page.getByRole('form', { name: t('profiles:report.title'), exact: true });
        await fillReport(report);
        await button(report, t('profiles:report.file')).click();
        await page.waitForURL(/\/cases\//);
        await reportOverHttp(stack, profileId);
        await reportOverHttp(stack, profileId);
        await tasksAre(profileId, ['repeat_review']);

        await openProfile(page, profileId, name);
        const warning = page.getByRole('alert').filter({ hasText: t('profiles:repeat.title') });
        await warning.getByText(t('profiles:repeat.body'), { exact: true }).waitFor();
        await warning
          .getByRole('heading', { level: 2, name: t('profiles:repeat.title'), exact: true })
          .waitFor();
        expect(await fact(about(page), t('profiles:list.attention')).textContent()).toBe(
          t('profiles:tasks.repeatMarker'),
        );
        await expectAccessible(page, 'a profile with its repeat warning');

        await openNav(page, t, 'profiles');
        const listRow = page.getByRole('row').filter({ has: page.getByRole('link', { name: profileId }) });
        await afterRefresh(page, t('profiles:list.refresh'), async () =>
          (await listRow.getByRole('cell').allTextContents()).at(-1),
        ).toBe(t('profiles:tasks.repeatMarker'));

        await openNav(page, t, 'profileTasks');
        await h1(page, t('profiles:tasks.title'));
        await afterRefresh(page, t('profiles:tasks.refresh'), () =>
          taskRow(page, profileId).getByRole('cell').allTextContents(),
        ).toEqual([ward, t('profiles:tasks.kind.repeat_review'), expect.any(String), '']);

        await taskRow(page, profileId).getByRole('link', { name: profileId, exact: true }).click();
        await h1(page, t('profiles:page.title', { name }));
        // Reached and pressed from the keyboard.
        const held = button(warning, t('profiles:repeat.held'));
        await held.focus();
        await page.keyboard.press('Enter');
        await about(page).getByText(t('profiles:repeat.done'), { exact: true }).waitFor();
        await warning.waitFor({ state: 'detached' });
        expect(await openTaskKinds(stack, profileId)).toEqual([]);

        await openNav(page, t, 'profileTasks');
        await h1(page, t('profiles:tasks.title'));
        await button(page, t('profiles:tasks.refresh')).click();
        await page.getByRole('table').waitFor();
        expect(await taskRow(page, profileId).count()).toBe(0);
      },
      STEP_MS,
    );

    it(
      'says so when a colleague recorded the review meanwhile, and takes the warning away',
      async () => {
        const page = clinicPage();
        const name = `Collega ${run}`;
        const profileId = await keepProfile(stack, anExampleProfile(name, 'De Linde'));
        for (let i = 0; i < 3; i++) await reportOverHttp(stack, profileId);
        await tasksAre(profileId, ['repeat_review']);
        await openProfile(page, profileId, name);
        const warning = page.getByRole('alert').filter({ hasText: t('profiles:repeat.title') });
        await warning.waitFor();

        await asClinic(stack, 'POST', `/v1/profiles/${profileId}/tasks/repeat_review/complete`, {});
        await button(warning, t('profiles:repeat.held')).click();
        const refusal = page.getByRole('alert').filter({ hasText: t('common:errors.409') });
        await refusal.waitFor();
        // The API's own words, as problem+json gave them.
        expect(((await refusal.locator('p.muted').textContent()) ?? '').length).toBeGreaterThan(0);
        await warning.waitFor({ state: 'detached' });
        await expectAccessible(page, 'a refused review');
      },
      STEP_MS,
    );
  });
});
