import { describe, expect, it } from 'vitest';
import type { NotificationMessage } from '../../machines/notification.schema';
import { renderMessage } from '../../machines/notification.templates';

const message: NotificationMessage = {
  id: 'ntf.case-1.case.reported.1.abc.police_desk.email',
  caseId: 'case-1',
  event: 'case.reported',
  at: '2026-11-24T08:10:00.000Z',
  party: 'police_desk',
  urgency: 'immediate',
  template: 'alert',
  link: '/v1/cases/case-1',
  facts: { status: 'reported', risk: 'high', urgent: true, outcome: null, reason: '<b>x</b>' },
};

describe('renderMessage', () => {
  it('writes Dutch with the urgency in the subject and a link to the case', () => {
    const out = renderMessage(message, 'nl', 'https://vermist.test/');
    expect(out.subject).toBe('[DIRECT HANDELEN] Nieuwe melding van afwezigheid (Zaak case-1)');
    expect(out.text).toContain('Actie van u gevraagd.');
    expect(out.text).toContain('urgent: ja');
    expect(out.text).toContain('Bekijk de zaak: https://vermist.test/v1/cases/case-1');
    expect(out.text).not.toContain('outcome');
  });

  it('writes English when the receiver reads English', () => {
    const out = renderMessage(
      { ...message, urgency: 'routine', template: 'update' },
      'en',
      'https://vermist.test',
    );
    expect(out.subject).toBe('New absence report (Case case-1)');
    expect(out.text).not.toContain('Action is required');
    expect(out.html).toContain('<a href="https://vermist.test/v1/cases/case-1">Open the case</a>');
  });

  it('escapes every value in the HTML part', () => {
    const out = renderMessage(message, 'en', 'https://vermist.test');
    expect(out.html).not.toContain('<b>x</b>');
    expect(out.html).toContain('&#60;b&#62;x&#60;/b&#62;');
  });

  it('tells family only the news, whether found, and the clinic to call', () => {
    const out = renderMessage(
      {
        ...message,
        party: 'contact_person',
        template: 'family',
        urgency: 'routine',
        facts: { status: 'located', found: true, outcome: null, clinicPhone24x7: '+31 592 000 000' },
      },
      'nl',
      'https://vermist.test',
    );
    expect(out.text).toContain('+31 592 000 000');
    expect(out.text).toContain('gevonden: ja');
    expect(out.text).not.toContain('status');
  });
});
