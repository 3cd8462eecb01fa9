import { z } from 'zod';
import { RoleSchema, TaskKindSchema } from '../machines/case.events';
import { CaseStatusSchema } from '../machines/case.status';
import { InboxItemSchema } from '../machines/case.tasks';
import { IdSchema, RiskGradeSchema } from '../machines/report.schema';
import { NO_DUE, type CaseRecords, type TaskQuery } from '../records/case-records';
import type { Principal } from './auth';
import { tasksBoundTo, tenantOf } from '../machines/case.access';
import { decodeCursor, encodeCursor } from './cursor';

/** Filters of the task inbox, as query parameters. Every one narrows; the caller's tenant always applies. */
export const TaskFilterSchema = z
  .object({
    role: RoleSchema.optional().describe('tasks owned by, or escalated to, this role'),
    region: IdSchema.optional(),
    institution: IdSchema.optional(),
    state: CaseStatusSchema.exclude(['closed']).optional().describe("the case's public status"),
    risk: RiskGradeSchema.optional().describe(
      "the police grade, or the clinic's proposal before there is one",
    ),
    task: TaskKindSchema.optional(),
    overdue: z
      .enum(['true', 'false'])
      .transform((flag) => flag === 'true')
      .optional()
      .describe('past its due time, or escalated'),
    assigned: z.enum(['me', 'none']).optional().describe('claimed by the caller, or claimed by nobody'),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    cursor: z.string().max(500).optional().describe('nextCursor of the previous page'),
  })
  .strict();
export type TaskFilter = z.infer<typeof TaskFilterSchema>;

export const InboxPageSchema = z.object({
  items: z.array(InboxItemSchema),
  /** Pass as `cursor` for the next page; null on the last page. */
  nextCursor: z.string().nullable(),
});
export type InboxPage = z.infer<typeof InboxPageSchema>;

const CursorSchema = z.tuple([z.string(), z.number(), z.string(), z.string()]);

/**
 * What the records store is asked for the caller's tenant and filters. The tenant always applies: a clinic
 * sees its institution's cases, the police and the ambulance their region's, and a crew only its own tasks.
 */
export function inboxQuery(principal: Principal, filter: TaskFilter, now: Date): TaskQuery {
  return {
    tenant: tenantOf(principal),
    region: filter.region,
    institutionId: filter.institution,
    status: filter.state,
    risk: filter.risk,
    task: filter.task,
    role: filter.role,
    ownerRole: tasksBoundTo(principal.role),
    overdue: filter.overdue,
    claimedBy: filter.assigned === 'me' ? principal.sub : undefined,
    unclaimed: filter.assigned === 'none',
    after: filter.cursor === undefined ? undefined : decodeCursor(CursorSchema, filter.cursor),
    limit: filter.limit,
    now,
  };
}

/**
 * One page of the inbox, read from the records store: every open task that passes the filters, sorted by
 * due time, then priority, then case and task, so the order is total and a cursor (the last key) pages
 * stably even while tasks come and go. No cap: the next page is always there.
 */
export async function inboxPage(
  cases: Pick<CaseRecords, 'tasks'>,
  principal: Principal,
  filter: TaskFilter,
  now: Date,
): Promise<InboxPage> {
  const { items, more } = await cases.tasks(inboxQuery(principal, filter, now));
  const last = items.at(-1);
  return {
    items,
    nextCursor:
      more && last ? encodeCursor([last.dueAt ?? NO_DUE, last.priority, last.caseId, last.task]) : null,
  };
}
