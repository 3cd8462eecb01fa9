import { z } from 'zod';
import { LegalTitleSchema } from './legal-title';

/** Identifiers that end up in workflow ids and search attributes: short, and never personal data. */
export const IdSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'may contain only letters, digits, ".", "_" and "-"');

export const RiskGradeSchema = z.enum(['low', 'medium', 'high']);
export type RiskGrade = z.infer<typeof RiskGradeSchema>;

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

const Short = z.string().min(1).max(200);

/** The signalement police search with (seed 000): what the clinic may complete or correct after filing. */
const signalement = {
  photoRef: z.string().max(500),
  description: z.string().min(1).max(2_000),
  clothing: z.string().max(1_000),
  phone: z.string().max(40),
  sex: z.enum(['female', 'male', 'other', 'unknown']),
  heightCm: z.number().int().min(40).max(250),
  build: z.enum(['slim', 'average', 'heavy', 'muscular']),
  /** Scars, tattoos, glasses, a limp: what tells this person apart at a glance. */
  distinguishingMarks: z.array(Short).max(20),
  /** Languages the person speaks, so whoever finds them can talk to them. */
  languages: z.array(Short).max(10),
};

/** Who to look for, and how to reach them. */
export const PersonSchema = z.object({
  name: z.string().min(1).max(200),
  dateOfBirth: z.iso.date(),
  ...signalement,
  photoRef: signalement.photoRef.optional(),
  clothing: signalement.clothing.optional(),
  phone: signalement.phone.optional(),
  sex: signalement.sex.optional(),
  heightCm: signalement.heightCm.optional(),
  build: signalement.build.optional(),
  distinguishingMarks: signalement.distinguishingMarks.default([]),
  languages: signalement.languages.default([]),
});

/** A correction of the signalement: only the fields it names change; nothing is defaulted. */
export const SignalementPatchSchema = z
  .object(signalement)
  .partial()
  .refine((patch) => Object.keys(patch).length > 0, { message: 'name at least one field to correct' });

/** How the person may move about: means of travel, and what they carry to pay with. */
export const TravelSchema = z.object({
  means: z
    .array(z.enum(['on_foot', 'bicycle', 'public_transport', 'car', 'taxi', 'other']))
    .max(6)
    .default([]),
  hasMoney: z.boolean().optional(),
  hasBankCards: z.boolean().optional(),
  notes: z.string().max(1_000).optional(),
});

/**
 * What the person needs on time wherever they are (insulin, clozapine), and what they carry: not the
 * clinical record, but what police and a crew must know to keep them safe.
 */
export const TimeCriticalNeedSchema = z.object({
  need: Short,
  /** How soon without it the person is in danger, in words ("within 12 hours"). */
  urgency: z.string().min(1).max(200).optional(),
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
  fromProfile: z
    .object({ profileId: IdSchema, version: z.number().int().min(1) })
    .strict()
    .optional()
    .describe('The patient profile, and the version of it, this report was filed from.'),
  lastSeen: z.object({
    at: HappenedAtSchema,
    place: z.string().min(1).max(500),
  }),
  person: PersonSchema,
  likelyPlaces: z.array(z.string().min(1).max(500)).max(50).default([]),
  associates: z.array(z.string().min(1).max(500)).max(50).default([]),
  riskFactors: RiskFactorsSchema,
  travel: TravelSchema.prefault({}),
  medicationOnHand: z.string().max(1_000).optional(),
  timeCriticalNeeds: z.array(TimeCriticalNeedSchema).max(10).default([]),
  /** Named people the person may harm or who may be at risk from them: for police only. */
  peopleAtRisk: z.array(Short).max(20).default([]),
  legalTitle: LegalTitleSchema,
  clinicContact: ClinicContactSchema,
  consents: z.object({ familyContact: ConsentSchema, publicAppeal: ConsentSchema }),
  clinical: ClinicalSchema.default({}),
});
export type CaseReport = z.infer<typeof CaseReportSchema>;
/** What a client sends: defaults not yet applied. */
export type CaseReportInput = z.input<typeof CaseReportSchema>;
