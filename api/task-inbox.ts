import { z } from 'zod';
import { RoleSchema, TaskKindSchema } from '../machines/case.events';
import { CaseStatusSchema } from '../machines/case.status';
import { isOverdue, OpenTaskSchema, taskPriority, type OpenTask } from '../machines/case.tasks';
import { IdSchema, RiskGradeSchema } from '../machines/report.schema';
import type { Principal } from './auth';
import { badRequest } from './problems';

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

/** One open task in the inbox, with the case facts it is sorted and filtered on. No personal data. */
export const InboxItemSchema = OpenTaskSchema.extend({
  caseId: z.string(),
  status: CaseStatusSchema,
  region: z.string(),
  institutionId: z.string(),
  risk: RiskGradeSchema,
  urgent: z.boolean(),
  overdue: z.boolean(),
  /** 1 (urgent, high risk) to 6 (ordinary, low risk): the tie-breaker after the due time. */
  priority: z.number().int().min(1).max(6),
});
export type InboxItem = z.infer<typeof InboxItemSchema>;

export const InboxPageSchema = z.object({
  items: z.array(InboxItemSchema),
  /** Pass as `cursor` for the next page; null on the last page. */
  nextCursor: z.string().nullable(),
  /** The list is read from Temporal visibility, which trails the workflows by a moment. */
  consistency: z.literal('eventual'),
});
export type InboxPage = z.infer<typeof InboxPageSchema>;

/** What visibility tells about one open case: its search attributes and the tasks in its memo. */
export type ListedCase = {
  caseId: string;
  status: InboxItem['status'];
  region: string;
  institutionId: string;
  risk: InboxItem['risk'];
  urgent: boolean;
  tasks: OpenTask[];
};

const NO_DUE = '9999-12-31T23:59:59.999Z';

/** Visibility values we put in a query are ids or enum members; anything else is left to the in-memory filter. */
const quotable = (value: string) => /^[A-Za-z0-9._@:-]{1,200}$/.test(value);

/**
 * The visibility query for the caller's tenant and filters: open cases only. Values come from validated ids
 * and enums, so nothing the caller sends can change the query's shape.
 */
export function inboxQuery(principal: Principal, filter: TaskFilter): string {
  const clauses = ['WorkflowType = "caseWorkflow"', 'ExecutionStatus = "Running"'];
  const eq = (attribute: string, value: string) => clauses.push(`${attribute} = "${value}"`);
  if (principal.role === 'clinic') eq('VermistInstitution', principal.institutionId);
  else eq('VermistRegion', principal.region);
  if (principal.role === 'ambulance') eq('VermistOpenTaskRoles', 'ambulance');
  if (filter.region) eq('VermistRegion', filter.region);
  if (filter.institution) eq('VermistInstitution', filter.institution);
  if (filter.state) eq('VermistState', filter.state);
  if (filter.risk) eq('VermistRisk', filter.risk);
  if (filter.role) eq('VermistOpenTaskRoles', filter.role);
  if (filter.assigned === 'me' && quotable(principal.sub)) eq('VermistAssignees', principal.sub);
  return clauses.join(' AND ');
}

type SortKey = [due: string, priority: number, caseId: string, task: string];
const CursorSchema = z.tuple([z.string(), z.number(), z.string(), z.string()]);
const sortKey = (item: InboxItem): SortKey => [item.dueAt ?? NO_DUE, item.priority, item.caseId, item.task];
const compare = (a: SortKey, b: SortKey) => {
  for (let i = 0; i < a.length; i++) if (a[i]! !== b[i]!) return a[i]! < b[i]! ? -1 : 1;
  return 0;
};

/**
 * One page of the inbox from the listed cases: each open task that passes the filters, sorted by due time,
 * then priority, then case and task, so the order is total and a cursor (the last key) pages stably even
 * while tasks come and go.
 */
export function inboxPage(
  principal: Principal,
  filter: TaskFilter,
  cases: ListedCase[],
  now: string,
): InboxPage {
  const after = filter.cursor === undefined ? undefined : decodeCursor(filter.cursor);
  const items = cases
    .flatMap((c) =>
      c.tasks.map((task) => ({
        ...task,
        caseId: c.caseId,
        status: c.status,
        region: c.region,
        institutionId: c.institutionId,
        risk: c.risk,
        urgent: c.urgent,
        overdue: isOverdue(task, now),
        priority: taskPriority(c.urgent, c.risk),
      })),
    )
    .filter(
      (item) =>
        (principal.role !== 'ambulance' || item.role === 'ambulance') &&
        (!filter.role || item.role === filter.role || item.escalatedTo === filter.role) &&
        (!filter.task || item.task === filter.task) &&
        (filter.overdue === undefined || item.overdue === filter.overdue) &&
        (filter.assigned !== 'me' || item.claimedBy?.id === principal.sub) &&
        (filter.assigned !== 'none' || item.claimedBy === null) &&
        (after === undefined || compare(sortKey(item), after) > 0),
    )
    .sort((a, b) => compare(sortKey(a), sortKey(b)));
  const page = items.slice(0, filter.limit);
  const last = page.at(-1);
  return {
    items: page,
    nextCursor: items.length > filter.limit && last ? encodeCursor(sortKey(last)) : null,
    consistency: 'eventual',
  };
}

function encodeCursor(key: SortKey): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

function decodeCursor(cursor: string): SortKey {
  try {
    return CursorSchema.parse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
  } catch {
    throw badRequest('the cursor is not one this API gave out', [
      { path: 'query.cursor', message: 'pass the nextCursor of a previous page unchanged' },
    ]);
  }
}
