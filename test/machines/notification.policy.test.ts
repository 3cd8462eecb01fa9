import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PolicyDocumentSchema, resolvePolicy } from '../../machines/policy.schema';

const shipped = JSON.parse(readFileSync(path.join(__dirname, '../../config/policy.json'), 'utf8'));
const withOverrides = (extra: object) => PolicyDocumentSchema.safeParse({ ...shipped, ...extra });
const issuesOf = (result: ReturnType<typeof withOverrides>) =>
  result.success ? [] : result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);

describe('notification matrix in the policy', () => {
  it('accepts the shipped policy', () => {
    expect(issuesOf(withOverrides({}))).toEqual([]);
  });

  it('refuses a feed for a party that does not log in, naming the cell', () => {
    const result = withOverrides({
      regions: {
        'noord-nl': {
          notifications: {
            rules: {
              'person.located': {
                contact_person: { channels: ['feed'], template: 'family', urgency: 'routine' },
              },
            },
          },
        },
      },
    });
    expect(issuesOf(result)).toEqual([
      'regions.noord-nl.notifications.rules.person.located.contact_person.channels: contact_person does not log in, so it has no feed: use webhook or email',
    ]);
  });

  it('refuses an unknown channel, template or event, naming each', () => {
    const result = withOverrides({
      institutions: {
        'ggz-noord': {
          notifications: {
            rules: {
              'case.reported': { clinic: { channels: ['fax'], template: 'poster', urgency: 'routine' } },
              'case.vanished': {},
            },
          },
        },
      },
    });
    const issues = issuesOf(result);
    expect(
      issues.some((i) =>
        i.startsWith('institutions.ggz-noord.notifications.rules.case.reported.clinic.channels.0'),
      ),
    ).toBe(true);
    expect(
      issues.some((i) =>
        i.startsWith('institutions.ggz-noord.notifications.rules.case.reported.clinic.template'),
      ),
    ).toBe(true);
    expect(issues.some((i) => i.includes('case.vanished'))).toBe(true);
  });

  it('lays a region over the defaults and an institution over its region, cell by cell', () => {
    const document = PolicyDocumentSchema.parse({
      ...shipped,
      regions: {
        'oost-nl': {
          acknowledge: { ordinary: '30m' },
          notifications: {
            escalateFailuresTo: 'police_desk',
            rules: {
              'case.reported': {
                police_desk: { channels: ['email'], template: 'alert', urgency: 'immediate' },
                clinic: null,
              },
            },
          },
        },
      },
      institutions: {
        'ggz-oost': {
          notifications: {
            rules: {
              'case.reported': { clinic: { channels: ['webhook'], template: 'update', urgency: 'urgent' } },
            },
          },
        },
      },
    });
    const defaults = resolvePolicy(document, 'noord-nl', 'ggz-noord').notifications;
    expect(Object.keys(defaults.rules['case.reported']!)).toEqual(['police_desk', 'clinic']);

    const region = resolvePolicy(document, 'oost-nl', 'ggz-elders');
    expect(region.acknowledge.ordinary).toBe(30 * 60_000);
    expect(region.notifications.escalateFailuresTo).toBe('police_desk');
    expect(region.notifications.rules['case.reported']).toEqual({
      police_desk: { channels: ['email'], template: 'alert', urgency: 'immediate' },
    });
    // Cells the region did not name stay as they were.
    expect(region.notifications.rules['case.closed']).toEqual(defaults.rules['case.closed']);

    const institution = resolvePolicy(document, 'oost-nl', 'ggz-oost').notifications;
    expect(institution.rules['case.reported']).toEqual({
      police_desk: { channels: ['email'], template: 'alert', urgency: 'immediate' },
      clinic: { channels: ['webhook'], template: 'update', urgency: 'urgent' },
    });
  });
});
