import { z } from 'zod';
import type { AnnouncementKind } from './case.events';
import type { NotificationMessage, TemplateId } from './notification.schema';

/** The languages messages are written in. */
export const LanguageSchema = z.enum(['nl', 'en']);
export type Language = z.infer<typeof LanguageSchema>;

/** A message as a person reads it. */
export type RenderedMessage = { subject: string; text: string; html: string };

const titles: Record<AnnouncementKind, Record<Language, string>> = {
  'case.reported': { nl: 'Nieuwe melding van afwezigheid', en: 'New absence report' },
  'case.acknowledged': { nl: 'Melding aangenomen door de politie', en: 'Report acknowledged by police' },
  'case.rejected': { nl: 'Melding niet aangenomen door de politie', en: 'Report rejected by police' },
  'case.transferred': {
    nl: 'Zaak overgedragen aan een andere regio',
    en: 'Case transferred to another region',
  },
  'risk.regraded': { nl: 'Risico opnieuw ingeschat', en: 'Risk regraded' },
  'information.added': { nl: 'Nieuwe informatie', en: 'New information' },
  'sighting.recorded': { nl: 'Waarneming gemeld', en: 'Sighting recorded' },
  'person.located': { nl: 'Persoon gevonden', en: 'Person located' },
  'transport.arranged': { nl: 'Vervoer aangevraagd', en: 'Transport requested' },
  'person.returned': { nl: 'Persoon terug in de instelling', en: 'Person returned' },
  'task.escalated': { nl: 'Taak over tijd: escalatie', en: 'Task overdue: escalated' },
  'threshold.national_bureau': { nl: '72 uur vermist: meld bij LBVP', en: 'Missing 72 h: notify the bureau' },
  'threshold.dna_sample': { nl: '14 dagen vermist: DNA-taak', en: 'Missing 14 days: DNA task' },
  'threshold.long_term': { nl: '28 dagen vermist: langdurig', en: 'Missing 28 days: long-term' },
  'legal.ending_soon': { nl: 'Juridische titel loopt bijna af', en: 'Legal title ending soon' },
  'legal.expired': { nl: 'Juridische titel verlopen', en: 'Legal title expired' },
  'legal.extended': { nl: 'Juridische titel gewijzigd', en: 'Legal title changed' },
  'appeal.started': { nl: 'Publieke oproep gestart', en: 'Public appeal started' },
  'appeal.to_withdraw': { nl: 'Publieke oproep intrekken', en: 'Withdraw the public appeal' },
  'case.closed': { nl: 'Zaak gesloten', en: 'Case closed' },
  'delivery.failed': { nl: 'Bericht niet bezorgd', en: 'Notification not delivered' },
};

const words = {
  nl: {
    case: 'Zaak',
    action: 'Actie van u gevraagd.',
    open: 'Bekijk de zaak',
    urgent: 'SPOED',
    immediate: 'DIRECT HANDELEN',
    family:
      'Er is nieuws over uw naaste. Bel voor meer informatie de zorginstelling, dag en nacht bereikbaar:',
    found: 'gevonden',
    yes: 'ja',
    no: 'nee',
  },
  en: {
    case: 'Case',
    action: 'Action is required of you.',
    open: 'Open the case',
    urgent: 'URGENT',
    immediate: 'ACT NOW',
    family: 'There is news about your relative. For more, call the clinic, reachable day and night:',
    found: 'found',
    yes: 'yes',
    no: 'no',
  },
} satisfies Record<Language, Record<string, string>>;

/** Renders a message in plain text and HTML, in the receiver's language, linking to the case. */
export function renderMessage(
  message: NotificationMessage,
  language: Language,
  baseUrl: string,
): RenderedMessage {
  const w = words[language];
  const title = titles[message.event][language];
  const link = `${baseUrl.replace(/\/$/, '')}${message.link}`;
  const flag = message.urgency === 'routine' ? '' : `[${w[message.urgency]}] `;
  const subject = `${flag}${title} (${w.case} ${message.caseId})`;
  const lines = bodyLines(message.template, message, language);
  const text = [
    title,
    '',
    ...lines.map(([k, v]) => (k ? `${k}: ${v}` : v)),
    '',
    `${w.open}: ${link}`,
    '',
  ].join('\n');
  const html = [
    `<!doctype html><html lang="${language}"><body>`,
    `<h1>${escapeHtml(title)}</h1>`,
    '<dl>',
    ...lines.map(([k, v]) =>
      k ? `<dt>${escapeHtml(k)}</dt><dd>${escapeHtml(v)}</dd>` : `<p>${escapeHtml(v)}</p>`,
    ),
    '</dl>',
    `<p><a href="${escapeHtml(link)}">${escapeHtml(w.open)}</a></p>`,
    '</body></html>',
  ].join('\n');
  return { subject, text, html };
}

function bodyLines(
  template: TemplateId,
  message: NotificationMessage,
  language: Language,
): [string, string][] {
  const w = words[language];
  const show = (value: unknown) => (value === true ? w.yes : value === false ? w.no : String(value));
  if (template === 'family') {
    return [
      ['', `${w.family} ${show(message.facts.clinicPhone24x7)}`],
      ...(message.facts.found === undefined
        ? []
        : [[w.found, show(message.facts.found)] as [string, string]]),
    ];
  }
  const facts = Object.entries(message.facts).filter(([, v]) => v !== null);
  const intro: [string, string][] = template === 'alert' ? [['', w.action]] : [];
  return [...intro, [w.case, message.caseId], ...facts.map(([k, v]) => [k, show(v)] as [string, string])];
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
