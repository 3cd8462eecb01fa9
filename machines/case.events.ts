import { z } from 'zod';
import { IdSchema, RiskGradeSchema } from './report.schema';

/** The roles that act on a case. `system` is the engine itself (timers). */
export const RoleSchema = z.enum(['clinic', 'police_desk', 'police_supervisor', 'ambulance']);
export type Role = z.infer<typeof RoleSchema>;

/** Who did something: a person's id in their organisation's identity provider, and the role they acted in. */
export const ActorSchema = z.object({ id: z.string().min(1).max(200), role: RoleSchema });
export type Actor = z.infer<typeof ActorSchema>;

/** How a case ends (domain.md, "Other endings"). */
export const OutcomeSchema = z.enum([
  'returned',
  'returned_on_own',
  'found_by_family',
  'admitted_elsewhere',
  'transferred',
  'arrested',
  'found_deceased',
  'legal_basis_expired',
  'withdrawn',
  'false_alarm',
  'rejected_by_police',
]);
export type Outcome = z.infer<typeof OutcomeSchema>;

/** Endings a party records directly on an open case; the others follow from the lifecycle itself. */
export const DirectOutcomeSchema = OutcomeSchema.extract([
  'returned_on_own',
  'found_by_family',
  'admitted_elsewhere',
  'transferred',
  'arrested',
  'found_deceased',
]);

/** The kinds of task a case opens, each owned by a role with a due time. */
export const TaskKindSchema = z.enum(['acknowledge_report']);
export type TaskKind = z.infer<typeof TaskKindSchema>;

/** Deadlines the machine keeps in its context; the workflow holds one durable timer for each. */
export const DeadlineKeySchema = z.enum(['acknowledge']);
export type DeadlineKey = z.infer<typeof DeadlineKeySchema>;

const Instant = z.iso.datetime({ offset: true });

export const AcknowledgeEventSchema = z.object({
  type: z.literal('police.acknowledge'),
  at: Instant,
  by: ActorSchema,
  risk: RiskGradeSchema,
  urgent: z.boolean(),
});

export const RejectEventSchema = z.object({
  type: z.literal('police.reject'),
  at: Instant,
  by: ActorSchema,
  reason: z.string().min(1).max(2_000),
});

export const CloseEventSchema = z.object({
  type: z.literal('case.close'),
  at: Instant,
  by: ActorSchema,
  outcome: DirectOutcomeSchema,
});

export const WithdrawEventSchema = z.object({
  type: z.literal('case.withdraw'),
  at: Instant,
  by: ActorSchema,
  reason: z.string().min(1).max(2_000),
});

/** Sent by the engine when a durable timer fires; `at` is when it fired. */
export const DeadlinePassedEventSchema = z.object({
  type: z.literal('deadline.passed'),
  at: Instant,
  deadline: DeadlineKeySchema,
});

export const CaseEventSchema = z.discriminatedUnion('type', [
  AcknowledgeEventSchema,
  RejectEventSchema,
  CloseEventSchema,
  WithdrawEventSchema,
  DeadlinePassedEventSchema,
]);
export type CaseEvent = z.infer<typeof CaseEventSchema>;
/** Events a person sends (every event but the engine's own timer events). */
export type CommandEvent = Exclude<CaseEvent, { type: 'deadline.passed' }>;

export const CaseIdSchema = IdSchema;

/** A command is an event as a person sends it: the engine stamps its time, `commandId` makes retries safe. */
const commandOf = { type: true, at: true } as const;
const commandId = { commandId: z.string().min(8).max(128) };

export const CommandSchemas = {
  'police.acknowledge': AcknowledgeEventSchema.omit(commandOf).extend(commandId),
  'police.reject': RejectEventSchema.omit(commandOf).extend(commandId),
  'case.close': CloseEventSchema.omit(commandOf).extend(commandId),
  'case.withdraw': WithdrawEventSchema.omit(commandOf).extend(commandId),
} as const;
export type CommandType = keyof typeof CommandSchemas;
export type Command<T extends CommandType = CommandType> = z.infer<(typeof CommandSchemas)[T]>;
