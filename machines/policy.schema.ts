import { z } from 'zod';
import { DurationSchema } from './duration';
import { IdSchema } from './report.schema';

const Role = z.enum(['clinic', 'police_desk', 'police_supervisor', 'ambulance']);

/**
 * Every duration and escalation rule of the lifecycle. domain.md marks these *default*: they live in a
 * validated policy file, never in code.
 */
const sections = {
  internalSearch: z.object({ within: DurationSchema }),
  acknowledge: z.object({ urgent: DurationSchema, ordinary: DurationSchema }),
  review: z.object({
    high: DurationSchema,
    medium: DurationSchema,
    low: DurationSchema,
    onNewInformation: DurationSchema,
  }),
  missingThresholds: z.object({
    nationalBureau: DurationSchema,
    dnaTask: DurationSchema,
    longTerm: DurationSchema,
  }),
  transport: z.object({ arrangeWithin: DurationSchema, arrivalWithin: DurationSchema }),
  afterReturn: z.object({ debriefWithin: DurationSchema }),
  legalTitle: z.object({ warnBefore: DurationSchema, decideWithin: DurationSchema }),
  publicAppeal: z.object({ withdrawWithin: DurationSchema }),
  /** Who an overdue task goes to, by the role that owns it: the next role up. */
  escalation: z.object({ clinic: Role, police_desk: Role, police_supervisor: Role, ambulance: Role }),
};

export const PolicySchema = z.object(sections).strict();
/** A resolved policy for one region, durations in milliseconds. Carried in the case so it never shifts under it. */
export type Policy = z.infer<typeof PolicySchema>;

const OverrideSchema = z
  .object(
    Object.fromEntries(
      Object.entries(sections).map(([name, schema]) => [name, schema.partial().strict()]),
    ) as {
      [K in keyof typeof sections]: ReturnType<(typeof sections)[K]['partial']>;
    },
  )
  .partial()
  .strict();

/** The policy document: defaults for everyone, overrides per region. */
export const PolicyDocumentSchema = z
  .object({
    version: z.string().min(1).max(64),
    defaults: PolicySchema,
    regions: z.record(IdSchema, OverrideSchema).default({}),
  })
  .strict();
export type PolicyDocument = z.infer<typeof PolicyDocumentSchema>;

/** The policy that applies in one region: the defaults with that region's overrides laid over them. */
export function resolvePolicy(document: PolicyDocument, region: string): Policy & { version: string } {
  const override = document.regions[region] ?? {};
  const merged = Object.fromEntries(
    Object.entries(document.defaults).map(([name, section]) => [
      name,
      { ...section, ...(override as Record<string, object | undefined>)[name] },
    ]),
  ) as Policy;
  return { ...merged, version: document.version };
}
