import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { ProfileReportSchema, reportFromProfile } from '../../machines/profile-report.schema';
import { ProfileSchema, type ProfileView } from '../../machines/profile.schema';
import { aProfileInput, aReport, clinician } from '../support/fixtures';

const AT = '2026-11-24T08:10:00.000Z';

/** Version 3 of a profile of ggz-noord, made of the fixture's, under a title in force on 24 November 2026. */
function aProfileView(overrides: Partial<z.input<typeof ProfileSchema>> = {}): ProfileView {
  return {
    profileId: 'profile-1',
    version: 3,
    institutionId: 'ggz-noord',
    recordedAt: '2026-11-01T09:00:00.000Z',
    recordedBy: clinician,
    reviewedAt: '2026-11-01T09:00:00.000Z',
    reviewedBy: clinician,
    profile: ProfileSchema.parse(
      aProfileInput({
        person: { ...aProfileInput().person, clothing: 'meestal een groene jas' },
        photo: { ref: 'photo:sha256:abc', takenOn: '2026-10-01' },
        legalTitle: aReport().legalTitle,
        ...overrides,
      }),
    ),
  };
}

const facts = (overrides: Partial<z.input<typeof ProfileReportSchema>> = {}) =>
  ProfileReportSchema.parse({
    region: 'noord-nl',
    kind: { unauthorisedAbsence: true, missing: false },
    urgent: true,
    proposedRisk: 'high',
    absenceNoticedAt: '2026-11-24T08:00:00Z',
    internalSearchDone: true,
    lastSeen: { at: '2026-11-24T07:40:00Z', place: 'Tuin' },
    ...overrides,
  });

const file = (view = aProfileView(), given = facts()) =>
  reportFromProfile({ view, facts: given, reportId: 'rep-p1', photoRef: view.profile.photo?.ref, at: AT });

describe('reportFromProfile', () => {
  it('files the profile whole with the facts of this absence, and says which version it came from', () => {
    const report = file();

    expect(report).toMatchObject({
      reportId: 'rep-p1',
      institutionId: 'ggz-noord',
      region: 'noord-nl',
      urgent: true,
      lastSeen: { place: 'Tuin' },
      person: { name: 'Pieter Profiel', photoRef: 'photo:sha256:abc' },
      associates: ['broer, woont in Groningen'],
      timeCriticalNeeds: [{ need: 'insuline', urgency: 'binnen 12 uur' }],
      fromProfile: { profileId: 'profile-1', version: 3, expiredConsents: [] },
    });
  });

  it("lists the profile's likely places first, then its routines", () => {
    expect(file().likelyPlaces).toEqual(['Station Assen', 'loopt elke ochtend naar de bakker']);
  });

  it('takes the clothing worn when last seen from the request, else what the profile describes', () => {
    expect(file(aProfileView(), facts({ clothing: 'rode trui' })).person.clothing).toBe('rode trui');
    expect(file().person.clothing).toBe('meestal een groene jas');
  });

  it('files a consent whose expiry has passed as not given, keeping who recorded it, and names it', () => {
    const view = aProfileView({
      consents: {
        familyContact: { given: true, recordedBy: 'dr. A. Bakker', expiresAt: '2026-11-24T08:00:00Z' },
        publicAppeal: { given: true, recordedBy: 'dr. B. Smit', expiresAt: '2027-01-01T00:00:00Z' },
      },
    });

    const report = file(view);

    expect(report.consents.familyContact).toEqual({
      given: false,
      recordedBy: 'dr. A. Bakker',
      expiresAt: '2026-11-24T08:00:00Z',
    });
    expect(report.consents.publicAppeal.given).toBe(true);
    expect(report.fromProfile?.expiredConsents).toEqual(['familyContact']);
  });

  it('keeps the clinical notes of the request for the clinic, and has none without them', () => {
    expect(file(aProfileView(), facts({ clinical: { diagnosis: 'psychose' } })).clinical).toEqual({
      diagnosis: 'psychose',
    });
    expect(file().clinical).toEqual({});
  });
});

describe('ProfileReportSchema', () => {
  it('refuses a field it does not have, at every level', () => {
    const parsed = ProfileReportSchema.safeParse({
      ...facts(),
      person: { name: 'Iemand anders' },
      lastSeen: { at: '2026-11-24T07:40:00Z', place: 'Tuin', with: 'broer' },
    });

    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((i) => [i.path.join('.'), i.code])).toEqual(
      expect.arrayContaining([
        ['', 'unrecognized_keys'],
        ['lastSeen', 'unrecognized_keys'],
      ]),
    );
  });
});
