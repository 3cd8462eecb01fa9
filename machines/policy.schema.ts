import { z } from 'zod';
import { RoleSchema } from './case.events';
import { DurationSchema } from './duration';
import {
  NotificationOverrideSchema,
  NotificationPolicySchema,
  overrideNotifications,
} from './notification.schema';
import { IdSchema } from './report.schema';
import { CompulsoryTitleKindSchema } from './legal-title';
import { DEFAULT_PROFILE_POLICY, ProfilePolicySchema } from './profile.policy';
import { DEFAULT_RETENTION, RetentionPolicySchema } from './retention.schema';

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
  /** How soon a police alert (signalering) must come down once the search is over. */
  alert: z.object({ withdrawWithin: DurationSchema }),
  /** After police reject: how long the clinic has to choose a route, and a supervisor to review a dispute. */
  rejection: z.object({ decideWithin: DurationSchema, reviewWithin: DurationSchema }),
  afterReturn: z.object({ debriefWithin: DurationSchema, followUpWithin: DurationSchema }),
  /** How soon the crisis service must assess someone found after their title lapsed. */
  crisis: z.object({ assessWithin: DurationSchema }),
  /** How long before each kind of title ends the clinic is warned, and how long police have after it lapsed. */
  legalTitle: z.object({
    warnBefore: z.record(CompulsoryTitleKindSchema, DurationSchema),
    decideWithin: DurationSchema,
  }),
  publicAppeal: z.object({ withdrawWithin: DurationSchema }),
  /** Who an overdue task goes to, by the role that owns it: the next role up. */
  escalation: z.object({
    clinic: RoleSchema,
    police_desk: RoleSchema,
    police_supervisor: RoleSchema,
    ambulance: RoleSchema,
    crisis_service: RoleSchema,
  }),
};

export const PolicySchema = z.object({ ...sections, notifications: NotificationPolicySchema }).strict();
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
  .extend({ notifications: NotificationOverrideSchema.optional() })
  .strict();

/** What one institution changes: only who hears what (its deadlines are its region's). */
const InstitutionOverrideSchema = z.object({ notifications: NotificationOverrideSchema }).strict();

/**
 * The policy document: defaults for everyone, overrides per region, and how long records are kept (one
 * period for the whole store, so no region overrides it).
 */
export const PolicyDocumentSchema = z
  .object({
    version: z.string().min(1).max(64),
    defaults: PolicySchema,
    regions: z.record(IdSchema, OverrideSchema).default({}),
    institutions: z.record(IdSchema, InstitutionOverrideSchema).default({}),
    retention: RetentionPolicySchema.prefault(DEFAULT_RETENTION),
    /** Review reminders and the repeat-absence trigger for patient profiles: one for every institution. */
    profiles: ProfilePolicySchema.prefault(DEFAULT_PROFILE_POLICY),
    /** How far ahead of our clock a time that already happened may be, for clients whose clocks run fast. */
    inputs: z.object({ futureTolerance: DurationSchema }).strict().prefault({ futureTolerance: '5m' }),
  })
  .strict();
export type PolicyDocument = z.infer<typeof PolicyDocumentSchema>;

/**
 * The policy that applies to a case: the defaults with its region's overrides laid over them, and for who
 * hears what, its institution's overrides over those.
 */
export function resolvePolicy(
  document: PolicyDocument,
  region: string,
  institutionId?: string,
): Policy & { version: string } {
  const { notifications: regionNotifications, ...override } = document.regions[region] ?? {};
  const merged = Object.fromEntries(
    Object.entries(document.defaults).map(([name, section]) => [
      name,
      { ...section, ...(override as Record<string, object | undefined>)[name] },
    ]),
  ) as Policy;
  merged.notifications = overrideNotifications(
    document.defaults.notifications,
    regionNotifications,
    institutionId === undefined ? undefined : document.institutions[institutionId]?.notifications,
  );
  return { ...merged, version: document.version };
}
