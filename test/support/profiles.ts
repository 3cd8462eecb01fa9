import type { z } from 'zod';
import { ProfileSchema, type Profile } from '../../machines/profile.schema';
import { aReport } from './fixtures';

/** A profile as a clinic keeps it, made of the fixture report's own parts, its photo taken on `takenOn`. */
export function aKeptProfile(
  takenOn: string,
  overrides: Partial<z.input<typeof ProfileSchema>> = {},
): Profile {
  const report = aReport();
  return ProfileSchema.parse({
    person: { ...report.person, name: 'Karel Herhaal' },
    photo: { takenOn },
    routines: ['fietst elke middag naar het park'],
    likelyPlaces: report.likelyPlaces,
    associates: [],
    riskFactors: report.riskFactors,
    legalTitle: report.legalTitle,
    clinicContact: report.clinicContact,
    consents: report.consents,
    ...overrides,
  });
}

let patients = 0;
/** A patient number nobody used yet in this process. */
export const aPatientNumber = (): string => `NR-${process.pid}-${Date.now()}-${++patients}`;
