import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { required, scriptVars } from './script-vars';

/** Debian's chromium, installed by scripts/ops-tools.sh if missing: Playwright drives it, nothing is downloaded. */
export function chromiumPath(): string {
  return required(scriptVars('ops-tools.sh'), 'CHROMIUM', 'ops-tools.sh');
}

/** Headless chromium; one per test file, with a context per person. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath(), headless: true });
}

/** A phone's screen, as the ambulance crew holds it. */
export const PHONE = { width: 375, height: 812 } as const;

/**
 * A fresh browser context: its own storage, so its own sign-in; Dutch browser, Amsterdam clock. Errors the
 * page throws are kept and fail the test that calls `expectNoPageErrors`.
 */
export async function newPerson(
  browser: Browser,
  options: { viewport?: { width: number; height: number } } = {},
): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const context = await browser.newContext({
    locale: 'nl-NL',
    timezoneId: 'Europe/Amsterdam',
    viewport: options.viewport ?? { width: 1280, height: 900 },
    ...(options.viewport && { isMobile: true, hasTouch: true, deviceScaleFactor: 2 }),
  });
  context.setDefaultTimeout(15_000);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(`${page.url()}: ${error.message}`));
  return { context, page, errors };
}

const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

/**
 * Runs axe on the page as it is now (WCAG 2.1 A and AA) and throws, listing each one, if it finds a serious
 * or critical violation. Lesser ones are not this test's business.
 */
export async function expectAccessible(page: Page, where: string): Promise<void> {
  const { violations } = await new AxeBuilder({ page }).withTags(WCAG_TAGS).analyze();
  const grave = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  if (grave.length === 0) return;
  const report = grave.flatMap((v) => [
    `  [${v.impact}] ${v.id}: ${v.help} (${v.helpUrl})`,
    ...v.nodes.slice(0, 5).map((node) => {
      const summary = (node.failureSummary ?? '').replace(/\s+/g, ' ').trim();
      return `      ${node.target.join(' ')}  ${node.html.slice(0, 120)}\n        ${summary}`;
    }),
    ...(v.nodes.length > 5 ? [`      … and ${v.nodes.length - 5} more`] : []),
  ]);
  throw new Error(
    `axe: ${grave.length} serious or critical violation(s) on ${where} (${page.url()}):\n${report.join('\n')}`,
  );
}

/**
 * Every screen a page went to, and whether axe looked at it: the walk checks each one it visits, and a new
 * screen the walk reaches without a check fails it. Case and task ids in a path count as one screen.
 */
export class AxeLedger {
  private readonly visited = new Map<string, string>();
  private readonly checked = new Set<string>();

  watch(page: Page, who: string): void {
    page.on('framenavigated', (frame) => {
      const screen = screenOf(frame.url());
      // `/` shows nothing: it sends each person to the sign-in page or their first screen.
      if (frame === page.mainFrame() && screen !== '/') this.visited.set(screen, who);
    });
  }

  async check(page: Page, where: string): Promise<void> {
    await expectAccessible(page, where);
    this.checked.add(screenOf(page.url()));
  }

  /** Screens visited that axe never saw, with who went there. */
  unchecked(): string[] {
    return [...this.visited]
      .filter(([screen]) => !this.checked.has(screen))
      .map(([s, who]) => `${s} (${who})`);
  }
}

const screenOf = (url: string): string =>
  new URL(url).pathname
    .split('/')
    .map((part) => (/[~%]|\d{3,}|^[0-9a-f-]{20,}$/i.test(part) ? ':id' : part))
    .join('/');

/**
 * Saves a PNG of what the window shows (not the whole page: the README shows the top of each screen) as
 * docs/screenshots/<lang>/<screen>.png, only when VERMIST_SCREENSHOTS=1:
 * the committed pictures change when someone regenerates them on purpose, never on an ordinary run.
 */
export async function screenshot(page: Page, lang: string, screen: string): Promise<void> {
  if (process.env.VERMIST_SCREENSHOTS !== '1') return;
  const dir = path.join(__dirname, '../../docs/screenshots', lang);
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: path.join(dir, `${screen}.png`), animations: 'disabled' });
}

/** After a failed test: each open page as a PNG in a temp dir, to see what the browser saw. */
export async function saveFailureShots(pages: Record<string, Page>, test: string): Promise<string> {
  const dir = path.join(tmpdir(), 'vermist-web-failures', test.replace(/[^\w-]+/g, '_'));
  mkdirSync(dir, { recursive: true });
  for (const [name, page] of Object.entries(pages)) {
    if (!page.isClosed())
      await page.screenshot({ path: path.join(dir, `${name}.png`), fullPage: true }).catch(() => undefined);
  }
  return dir;
}

/** How the focused element shows its focus, as the browser computes it. */
export type FocusLook = { element: string; outline: string; boxShadow: string; focusVisible: boolean };

/** The little of the DOM the checks below read in the page (the test's own program has no DOM types). */
type InPage = {
  document: { activeElement: InPageElement | null; body: InPageElement };
  getComputedStyle: (
    el: InPageElement,
  ) => Record<'outlineStyle' | 'outlineWidth' | 'outlineColor' | 'boxShadow', string>;
};
type InPageElement = {
  tagName: string;
  textContent: string | null;
  getAttribute(name: string): string | null;
  matches(selector: string): boolean;
};

export function focusLook(page: Page): Promise<FocusLook | null> {
  return page.evaluate(() => {
    const { document, getComputedStyle } = globalThis as unknown as InPage;
    const el = document.activeElement;
    if (el === null || el === document.body) return null;
    const style = getComputedStyle(el);
    const name = (el.getAttribute('aria-label') ?? el.textContent ?? '').trim().slice(0, 40);
    return {
      element: `${el.tagName.toLowerCase()} "${name}"`,
      outline:
        style.outlineStyle === 'none'
          ? 'none'
          : `${style.outlineStyle} ${style.outlineWidth} ${style.outlineColor}`,
      boxShadow: style.boxShadow,
      focusVisible: el.matches(':focus-visible'),
    };
  });
}

/** True when a focused element is marked so a sighted keyboard user sees it: an outline or a box shadow. */
export const showsFocus = (look: FocusLook | null): boolean =>
  look !== null &&
  look.focusVisible &&
  ((look.outline !== 'none' && !/ 0px /.test(`${look.outline} `)) || look.boxShadow !== 'none');

/**
 * Presses Tab (Shift+Tab backwards) until `target` has the focus, checking on the way that every element
 * that takes the focus shows it. Fails after `max` presses.
 */
export async function tabTo(
  page: Page,
  target: ReturnType<Page['locator']>,
  options: { backwards?: boolean; max?: number } = {},
): Promise<FocusLook[]> {
  const seen: FocusLook[] = [];
  for (let i = 0; i < (options.max ?? 80); i++) {
    await page.keyboard.press(options.backwards ? 'Shift+Tab' : 'Tab');
    const look = await focusLook(page);
    if (look !== null) {
      seen.push(look);
      if (!showsFocus(look))
        throw new Error(`the focus is not visible on ${look.element}: ${JSON.stringify(look)}`);
    }
    if (
      (await target.count()) > 0 &&
      (await target.evaluate(
        (el: InPageElement & { ownerDocument: InPage['document'] }) => el === el.ownerDocument.activeElement,
      ))
    )
      return seen;
  }
  throw new Error(
    `Tab did not reach ${target.toString()} in ${options.max ?? 80} presses; it went through:\n${seen.map((s) => `  ${s.element}`).join('\n')}`,
  );
}
