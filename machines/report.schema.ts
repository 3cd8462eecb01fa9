import { z } from 'zod';

/** Identifiers that end up in workflow ids and search attributes: short, and never personal data. */
export const IdSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'may contain only letters, digits, ".", "_" and "-"');

export const RiskGradeSchema = z.enum(['low', 'medium', 'high']);
export type RiskGrade = z.infer<typeof RiskGradeSchema>;

/** Wvggz and Wzd titles; forensic (TBS) titles are a different legal track and are refused at intake. */
export const LegalTitleKindSchema = z.enum([
  'crisismaatregel',
  'machtiging_voortzetting_crisismaatregel',
  'zorgmachtiging',
  'wzd_inbewaringstelling',
  'wzd_rechterlijke_machtiging',
  'none',
]);

export const LegalTitleSchema = z
  .object({
    kind: LegalTitleKindSchema,
    startsOn: z.iso.date(),
    endsOn: z.iso.date().optional(),
  })
  .refine((title) => title.kind === 'none' || title.endsOn !== undefined, {
    message: 'a compulsory-care title needs its end date',
    path: ['endsOn'],
  })
  .refine((title) => title.endsOn === undefined || title.endsOn >= title.startsOn, {
    message: 'must not be before startsOn',
    path: ['endsOn'],
  });
export type LegalTitle = z.infer<typeof LegalTitleSchema>;

/** Risk factors in functional terms (domain.md, "Data"): what police and ambulance may know, never a diagnosis. */
/**
 * An instant that has already happened (last seen, a sighting): the edge refuses one further in the future
 * than the policy's clock tolerance. Marked in the schema's metadata, so the rule lives with the field.
 */
export const HappenedAtSchema = z.iso.datetime({ offset: true }).meta({
  happened: true,
  description: 'When it happened: refused if later than now plus the clock tolerance (5 minutes by default).',
});

export const RiskFactorsSchema = z.object({
  suicideRisk: z.boolean(),
  dependentOnMedication: z.boolean(),
  vulnerable: z.boolean(),
  dangerToOthers: z.boolean(),
  substanceUse: z.boolean(),
  notes: z.string().max(2_000).optional(),
});

export const ConsentSchema = z.object({
  given: z.boolean(),
  recordedBy: z.string().min(1).max(200),
  expiresAt: z.iso.datetime({ offset: true }).optional(),
});

export const PersonSchema = z.object({
  name: z.string().min(1).max(200),
  dateOfBirth: z.iso.date(),
  photoRef: z.string().max(500).optional(),
  description: z.string().min(1).max(2_000),
  clothing: z.string().max(1_000).optional(),
  phone: z.string().max(40).optional(),
});

export const ClinicContactSchema = z.object({
  ward: z.string().min(1).max(200),
  responsibleClinician: z.string().min(1).max(200),
  phone24x7: z.string().min(3).max(40),
});

/** The clinic's own clinical notes: for the clinic's view only, never disclosed to police (domain.md). */
export const ClinicalSchema = z.object({
  diagnosis: z.string().max(2_000).optional(),
  treatmentNotes: z.string().max(10_000).optional(),
});

export const CaseKindSchema = z
  .object({ unauthorisedAbsence: z.boolean(), missing: z.boolean() })
  .refine((kind) => kind.unauthorisedAbsence || kind.missing, {
    message: 'a case is an unauthorised absence, a missing person, or both',
  });

/** An absence report as a clinic files it. The single source of truth for the report's shape. */
export const CaseReportSchema = z.object({
  reportId: IdSchema.describe(
    "The clinic's own id for this report; filing again with it returns the same case.",
  ),
  institutionId: IdSchema,
  region: IdSchema,
  kind: CaseKindSchema,
  forensic: z
    .literal(false, {
      error: 'forensic (TBS) patients follow a different legal track and cannot be reported here',
    })
    .default(false),
  urgent: z.boolean(),
  proposedRisk: RiskGradeSchema,
  absenceNoticedAt: HappenedAtSchema,
  internalSearchDone: z.boolean(),
  /** Feeds the repeat-absence metric: a count, so no earlier case needs to be linked to this person. */
  previousAbsences: z
    .number()
    .int()
    .min(0)
    .max(1_000)
    .optional()
    .describe('How often this patient was absent before in the last 12 months, per the clinic record.'),
  lastSeen: z.object({
    at: HappenedAtSchema,
    place: z.string().min(1).max(500),
  }),
  person: PersonSchema,
  likelyPlaces: z.array(z.string().min(1).max(500)).max(50).default([]),
  associates: z.array(z.string().min(1).max(500)).max(50).default([]),
  riskFactors: RiskFactorsSchema,
  legalTitle: LegalTitleSchema,
  clinicContact: ClinicContactSchema,
  consents: z.object({ familyContact: ConsentSchema, publicAppeal: ConsentSchema }),
  clinical: ClinicalSchema.default({}),
});
export type CaseReport = z.infer<typeof CaseReportSchema>;
/** What a client sends: defaults not yet applied. */
export type CaseReportInput = z.input<typeof CaseReportSchema>;
