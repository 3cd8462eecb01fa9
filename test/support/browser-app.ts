import type { Locator, Page } from 'playwright-core';
import example from '../../examples/report.json';
import { enumText, type Lang, type Texts } from './browser-text';
import type { NavItem } from '../../web/src/shell/nav';
import type { Stack } from './browser-stack';

type NavLabel = NavItem['label'];

/** The demo identities of the embedded default, as `GET /dev/identities` lists them. */
export type DemoIdentity = {
  id: string;
  label: string;
  principal: { role: string; institutionId?: string; region?: string };
};

export async function demoIdentities(stack: Stack): Promise<DemoIdentity[]> {
  const response = await fetch(`${stack.url}/dev/identities`);
  if (!response.ok) throw new Error(`GET /dev/identities answered ${response.status}`);
  return (await response.json()) as DemoIdentity[];
}

/** The sign-in button's name for an identity: its role in the user's language, and its institution or region. */
export function identityButton(t: Texts, identity: DemoIdentity): string {
  const { role, institutionId, region } = identity.principal;
  return t('auth:local.identity', {
    role: enumText(t, 'enums:role', role),
    tenant: role === 'clinic' ? institutionId : region,
  });
}

/**
 * Opens the app, picks the language with its switch (Dutch is the default and is checked as such) and signs
 * in as a demo identity by its button. The session lives in the tab's memory: from here on, move by links
 * and buttons only, since a reload or a `goto` signs out.
 */
export async function signIn(
  page: Page,
  stack: Stack,
  t: Texts,
  lang: Lang,
  identityId: string,
  /** Called on the sign-in page and on the first screen after it: the walk's axe check. */
  check?: (page: Page, where: string) => Promise<void>,
  /** The address opened first, as a shared link would be: signed in, the app goes on to it. */
  at = '/',
): Promise<void> {
  const identity = (await demoIdentities(stack)).find((i) => i.id === identityId);
  if (!identity) throw new Error(`no demo identity ${identityId}`);
  await page.goto(`${stack.url}${at}`);
  await chooseLanguage(page, t, lang);
  await page.getByRole('heading', { level: 1, name: t('auth:title'), exact: true }).waitFor();
  await check?.(page, 'the sign-in page');
  await page.getByRole('button', { name: identityButton(t, identity), exact: true }).click();
  await page.getByRole('button', { name: t('common:signOut'), exact: true }).waitFor();
  if (check) {
    await page.waitForURL((url) => !/^\/(sign-in)?$/.test(url.pathname));
    await page.getByRole('heading', { level: 1 }).waitFor();
    await check(page, `the first screen of ${identityId}`);
  }
}

/**
 * Presses the language's button in the header's switch (unless in use) and waits until the page says so.
 * Each language is named in itself, so its button has the same name whichever language the page is in now.
 */
export async function chooseLanguage(page: Page, t: Texts, lang: Lang): Promise<void> {
  const button = page.getByRole('button', { name: t(`common:language.${lang}`), exact: true });
  if ((await button.getAttribute('aria-pressed')) !== 'true') await button.click();
  await page.locator(`html[lang="${lang}"]`).waitFor();
}

/** Follows a link of the main menu by its label key in `common:nav`. */
export async function openNav(page: Page, t: Texts, item: NavLabel): Promise<void> {
  const nav = page.getByRole('navigation', { name: t('common:nav.label'), exact: true });
  await nav.getByRole('link', { name: t(`common:nav.${item}`), exact: true }).click();
}

/** A field's label as the form shows it: optional fields say so after their name. */
export const optional = (t: Texts, label: string): string => `${label} (${t('common:optional')})`;

/** The error shown next to a field: the element its `aria-describedby` names that ends in `-error`. */
export async function fieldError(field: Locator): Promise<string | null> {
  const ids = ((await field.getAttribute('aria-describedby')) ?? '').split(/\s+/).filter(Boolean);
  const id = ids.find((i) => i.endsWith('-error'));
  if (id === undefined) return null;
  return (await field.page().locator(`[id="${id}"]`).textContent())?.trim() ?? null;
}

/** A time as a `datetime-local` input takes it, on the Amsterdam clock the app works in. */
export function amsterdamLocal(date: Date): string {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone: 'Europe/Amsterdam',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(date);
  const part = (type: string) => parts.find((p) => p.type === type)!.value;
  return `${part('year')}-${part('month')}-${part('day')}T${part('hour')}:${part('minute')}`;
}

/** A date as a `date` input takes it. */
export const isoDate = (date: Date): string => date.toISOString().slice(0, 10);

/** A demo identity's bearer token, as the sign-in page gets it. */
export async function demoToken(stack: Stack, identity: string): Promise<string> {
  const response = await fetch(`${stack.url}/dev/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ identity }),
  });
  if (!response.ok) throw new Error(`POST /dev/sign-in answered ${response.status}`);
  return ((await response.json()) as { accessToken: string }).accessToken;
}

/**
 * Files examples/report.json over HTTP as the demo clinic, under a new report id and with times around now,
 * for specs about what others see; the walk files through the form. Answers the case id.
 */
export async function fileReportOverHttp(stack: Stack, reportId: string): Promise<string> {
  const now = Date.now();
  const report = {
    ...example,
    reportId,
    absenceNoticedAt: new Date(now - HOUR).toISOString(),
    lastSeen: { ...example.lastSeen, at: new Date(now - 2 * HOUR).toISOString() },
    legalTitle: {
      kind: 'zorgmachtiging',
      startsOn: isoDate(new Date(now - 60 * DAY)),
      endsOn: isoDate(new Date(now + 300 * DAY)),
    },
  };
  const response = await fetch(`${stack.url}/v1/cases`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${await demoToken(stack, 'clinic')}`,
    },
    body: JSON.stringify(report),
  });
  if (!response.ok) throw new Error(`POST /v1/cases answered ${response.status}: ${await response.text()}`);
  return ((await response.json()) as { caseId: string }).caseId;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/**
 * A profile as a clinic sends it, made of examples/report.json's own parts, with a photo dated a month ago
 * and a title in force: what the browser specs and the report-from-profile benchmark keep.
 */
export function anExampleProfile(name: string, ward: string) {
  const now = Date.now();
  return {
    person: { ...example.person, name },
    photo: { takenOn: isoDate(new Date(now - 30 * DAY)) },
    routines: ['loopt elke ochtend naar de bakker'],
    likelyPlaces: example.likelyPlaces,
    associates: ['broer, woont in Groningen'],
    riskFactors: example.riskFactors,
    travel: example.travel,
    timeCriticalNeeds: example.timeCriticalNeeds,
    legalTitle: {
      kind: 'zorgmachtiging',
      startsOn: isoDate(new Date(now - 60 * DAY)),
      endsOn: isoDate(new Date(now + 300 * DAY)),
    },
    clinicContact: { ...example.clinicContact, ward },
    consents: example.consents,
  };
}
