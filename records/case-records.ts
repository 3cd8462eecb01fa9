import { sql, type ExpressionBuilder, type Kysely, type Transaction } from 'kysely';
import type { WardAbsence } from '../machines/absence-history.schema';
import type { Tenant } from '../machines/case.access';
import type { Actor } from '../machines/case.events';
import { isOverdue, taskPriority, type InboxItem, type OpenTask } from '../machines/case.tasks';
import {
  nextView,
  type CaseState,
  type CaseSummary,
  type CaseView,
  type HistoryAdded,
} from '../machines/case.view';
import type { RecordsTables } from './records.tables';
import type { Sealer } from './sealer';

/** A case as the store keeps it: the version the workflow wrote last, and its view. */
export type StoredCase = { version: number; view: CaseView };

/** Where the inbox looks: one clinic's cases, or one police region's. */
export type { Tenant } from '../machines/case.access';

/** What the inbox asks the store: a tenant, filters that each narrow, and the key to page after. */
export type TaskQuery = {
  tenant: Tenant;
  region?: string | undefined;
  institutionId?: string | undefined;
  status?: string | undefined;
  risk?: string | undefined;
  task?: string | undefined;
  /** Tasks owned by this role or escalated to it. */
  role?: string | undefined;
  /** Only tasks this role owns, whatever the filter (an ambulance crew sees its transports only). */
  ownerRole?: string | undefined;
  overdue?: boolean | undefined;
  claimedBy?: string | undefined;
  unclaimed?: boolean | undefined;
  after?: TaskSortKey | undefined;
  limit: number;
  now: Date;
};

/** The inbox's total order: due time (none last), priority, case, task. */
export type TaskSortKey = [due: string, priority: number, caseId: string, task: string];

/** What the cases list asks the store: a tenant, filters that each narrow, and the key to page after. */
export type CaseQuery = {
  tenant: Tenant;
  /** Only cases where this role has an open task (an ambulance crew sees the cases it transports). */
  withTaskFor?: string | undefined;
  status?: string | undefined;
  risk?: string | undefined;
  open?: boolean | undefined;
  /** The last case of the previous page: newest reported first, then by case id. */
  after?: [reportedAt: string, caseId: string] | undefined;
  limit: number;
};

/** Open cases counted for the dashboards, by the facts the gauges label them with. */
export type OpenCaseCounts = {
  byStateRiskRegion: { state: string; risk: string; region: string; count: number }[];
  overdueByRole: { role: string; count: number }[];
  atRiskByRegion: { region: string; count: number }[];
};

/** A task without a due time sorts after every dated one. */
export const NO_DUE = '9999-12-31T23:59:59.999Z';

const SEAL = (caseId: string) => ({ table: 'case_records', id: caseId, field: 'view' });

/** The case records: the latest version of every case, written by its workflow, read by the API. */
export function createCaseRecords(deps: { db: Kysely<RecordsTables>; sealer: Sealer }) {
  const { db, sealer } = deps;

  return {
    /**
     * Stores `view` as version `version` of its case, unless the store already has that version or a newer
     * one: a replayed, retried or late write never overwrites what came after it. True when it was written.
     */
    save(version: number, view: CaseView, commands: string[] = []): Promise<boolean> {
      return db.transaction().execute((tx) => write(tx, version, view, commands, sealer));
    },

    /**
     * Stores version `version` of a case from its new state and what it adds to the history, in one
     * transaction with reading the history so far. A version the store already has appends nothing again.
     */
    append(
      version: number,
      state: CaseState,
      added: HistoryAdded,
      commands: string[] = [],
    ): Promise<boolean> {
      return db.transaction().execute(async (tx) => {
        const row = await tx
          .selectFrom('case_records')
          .select(['version', 'sealed'])
          .where('case_id', '=', state.caseId)
          .forUpdate()
          .executeTakeFirst();
        if (row && row.version >= version) {
          await recordCommands(tx, state.caseId, version, commands);
          return false;
        }
        const previous = row ? sealer.open<CaseView>(row.sealed, SEAL(state.caseId)) : undefined;
        return write(tx, version, nextView(state, previous, added), commands, sealer);
      });
    },

    /** The latest stored version of a case, or undefined when the store has none. */
    async get(caseId: string): Promise<StoredCase | undefined> {
      const row = await db
        .selectFrom('case_records')
        .select(['version', 'sealed'])
        .where('case_id', '=', caseId)
        .executeTakeFirst();
      if (!row) return undefined;
      return { version: row.version, view: sealer.open<CaseView>(row.sealed, SEAL(caseId)) };
    },

    /** The version a command made, when the case applied it; undefined when it never did. */
    async commandVersion(caseId: string, commandId: string): Promise<number | undefined> {
      const row = await db
        .selectFrom('case_commands')
        .select('version')
        .where('case_id', '=', caseId)
        .where('command_id', '=', commandId)
        .executeTakeFirst();
      return row?.version;
    },

    /** One page of open tasks in the inbox's order, plus whether more follow. */
    async tasks(query: TaskQuery): Promise<{ items: InboxItem[]; more: boolean }> {
      const now = query.now;
      let q = db.selectFrom('case_tasks').selectAll().where(inTenant(query.tenant));
      if (query.region) q = q.where('region', '=', query.region);
      if (query.institutionId) q = q.where('institution_id', '=', query.institutionId);
      if (query.status) q = q.where('status', '=', query.status);
      if (query.risk) q = q.where('risk', '=', query.risk);
      if (query.task) q = q.where('task', '=', query.task);
      if (query.ownerRole) q = q.where('role', '=', query.ownerRole);
      if (query.role) {
        const role = query.role;
        q = q.where((eb) => eb.or([eb('role', '=', role), eb('escalated_to', '=', role)]));
      }
      if (query.overdue !== undefined) {
        const overdue = sql<boolean>`(escalated_to is not null or (due_at is not null and due_at < ${now}))`;
        q = q.where(query.overdue ? overdue : sql<boolean>`not ${overdue}`);
      }
      if (query.claimedBy) q = q.where('claimed_by_id', '=', query.claimedBy);
      if (query.unclaimed) q = q.where('claimed_by_id', 'is', null);
      if (query.after) {
        const [due, priority, caseId, task] = query.after;
        q = q.where(
          sql<boolean>`(due_sort, priority, case_id, task) > (${new Date(due)}, ${priority}, ${caseId}, ${task})`,
        );
      }
      const rows = await q
        .orderBy('due_sort')
        .orderBy('priority')
        .orderBy('case_id')
        .orderBy('task')
        .limit(query.limit + 1)
        .execute();
      const nowIso = now.toISOString();
      const items = rows.slice(0, query.limit).map((row): InboxItem => {
        const task: OpenTask = {
          task: row.task as OpenTask['task'],
          role: row.role as OpenTask['role'],
          dueAt: row.due_at ? row.due_at.toISOString() : null,
          escalatedTo: row.escalated_to as OpenTask['escalatedTo'],
          claimedBy:
            row.claimed_by_id === null
              ? null
              : ({ id: row.claimed_by_id, role: row.claimed_by_role } as Actor),
        };
        return {
          ...task,
          caseId: row.case_id,
          status: row.status as InboxItem['status'],
          region: row.region,
          institutionId: row.institution_id,
          risk: row.risk as InboxItem['risk'],
          urgent: row.urgent,
          priority: row.priority,
          overdue: isOverdue(task, nowIso),
        };
      });
      return { items, more: rows.length > query.limit };
    },

    /** One page of cases, newest reported first, from the index columns alone: nothing is unsealed. */
    async list(query: CaseQuery): Promise<{ items: CaseSummary[]; more: boolean }> {
      let q = db
        .selectFrom('case_records')
        .select([
          'case_id',
          'status',
          'region',
          'institution_id',
          'kind',
          'urgent',
          'risk',
          'reported_at',
          'closed_at',
          'outcome',
        ]);
      q = q.where(inTenant(query.tenant));
      if (query.withTaskFor) {
        const role = query.withTaskFor;
        q = q.where((eb) =>
          eb.exists(
            eb
              .selectFrom('case_tasks')
              .select('case_tasks.task')
              .whereRef('case_tasks.case_id', '=', 'case_records.case_id')
              .where('case_tasks.role', '=', role),
          ),
        );
      }
      if (query.status) q = q.where('status', '=', query.status);
      if (query.risk) q = q.where('risk', '=', query.risk);
      if (query.open !== undefined) q = q.where('closed_at', query.open ? 'is' : 'is not', null);
      if (query.after) {
        const [reportedAt, caseId] = query.after;
        q = q.where(sql<boolean>`(reported_at, case_id) < (${new Date(reportedAt)}, ${caseId})`);
      }
      const rows = await q
        .orderBy('reported_at', 'desc')
        .orderBy('case_id', 'desc')
        .limit(query.limit + 1)
        .execute();
      const items = rows.slice(0, query.limit).map((row): CaseSummary => ({
        caseId: row.case_id,
        status: row.status as CaseSummary['status'],
        region: row.region,
        institutionId: row.institution_id,
        kind: {
          unauthorisedAbsence: row.kind.split('+').includes('unauthorised_absence'),
          missing: row.kind.split('+').includes('missing'),
        },
        urgent: row.urgent,
        risk: row.risk as CaseSummary['risk'],
        reportedAt: row.reported_at.toISOString(),
        closedAt: row.closed_at ? row.closed_at.toISOString() : null,
        outcome: row.outcome as CaseSummary['outcome'],
      }));
      return { items, more: rows.length > query.limit };
    },

    /**
     * The cases of one institution filed from one profile and reported after `after`, newest first,
     * opened: a patient's absence history. Found by the index columns; only these records are unsealed.
     */
    async fromProfile(query: { profileId: string; institutionId: string; after: Date }): Promise<CaseView[]> {
      const rows = await db
        .selectFrom('case_records')
        .select(['case_id', 'sealed'])
        .where('profile_id', '=', query.profileId)
        .where('institution_id', '=', query.institutionId)
        .where('reported_at', '>', query.after)
        .orderBy('reported_at', 'desc')
        .orderBy('case_id', 'desc')
        .execute();
      return rows.map((row) => sealer.open<CaseView>(row.sealed, SEAL(row.case_id)));
    },

    /**
     * The cases of one institution filed from a profile and reported at or after `from`, as a ward rate
     * counts them: from the index columns alone, nothing is unsealed.
     */
    async profileAbsences(query: { institutionId: string; from: Date }): Promise<WardAbsence[]> {
      const rows = await db
        .selectFrom('case_records')
        .select(['profile_id', 'case_id', 'ward', 'reported_at'])
        .where('institution_id', '=', query.institutionId)
        .where('profile_id', 'is not', null)
        .where('reported_at', '>=', query.from)
        .execute();
      return rows.map((row) => ({
        profileId: row.profile_id!,
        caseId: row.case_id,
        // Every case filed from a profile is written with its ward; the fallback is for the type alone.
        ward: row.ward ?? 'unknown',
        reportedAt: row.reported_at.toISOString(),
      }));
    },

    /** Counts of open cases and their tasks for the dashboards, straight from the indexes. */
    async openCaseCounts(now: Date, atRiskWithinMs: number): Promise<OpenCaseCounts> {
      const byStateRiskRegion = await db
        .selectFrom('case_records')
        .select(['status as state', 'risk', 'region', sql<number>`count(*)::int`.as('count')])
        .where('closed_at', 'is', null)
        .groupBy(['status', 'risk', 'region'])
        .execute();
      const overdueByRole = await db
        .selectFrom('case_tasks')
        .select(['role', sql<number>`count(distinct case_id)::int`.as('count')])
        .where('escalated_to', 'is not', null)
        .groupBy('role')
        .execute();
      const horizon = new Date(now.getTime() + atRiskWithinMs);
      const atRiskByRegion = await db
        .selectFrom('case_tasks')
        .select(['region', sql<number>`count(distinct case_id)::int`.as('count')])
        .where('due_at', '<=', horizon)
        .groupBy('region')
        .execute();
      return { byStateRiskRegion, overdueByRole, atRiskByRegion };
    },
  };
}

export type CaseRecords = ReturnType<typeof createCaseRecords>;

function taskRow(view: CaseView, task: OpenTask) {
  const risk = view.risk ?? view.proposedRisk;
  return {
    case_id: view.caseId,
    task: task.task,
    role: task.role,
    escalated_to: task.escalatedTo,
    due_at: task.dueAt,
    due_sort: task.dueAt ?? NO_DUE,
    claimed_by_id: task.claimedBy?.id ?? null,
    claimed_by_role: task.claimedBy?.role ?? null,
    priority: taskPriority(view.urgent, risk),
    region: view.region,
    institution_id: view.institutionId,
    status: view.status,
    risk,
    urgent: view.urgent,
  };
}

/** The case's kind as one index value: `unauthorised_absence`, `missing`, or both joined by `+`. */
function kindLabel(kind: CaseView['kind']): string {
  return [kind.unauthorisedAbsence && 'unauthorised_absence', kind.missing && 'missing']
    .filter(Boolean)
    .join('+');
}

/** The rows of one tenant: a clinic's institution or a police region (both tables carry both columns). */
function inTenant(tenant: Tenant) {
  return (eb: ExpressionBuilder<RecordsTables, 'case_records' | 'case_tasks'>) =>
    'institutionId' in tenant
      ? eb('institution_id', '=', tenant.institutionId)
      : eb('region', '=', tenant.region);
}

/** Writes one version of a case, its commands and its open tasks, unless a newer version is stored. */
async function write(
  tx: Transaction<RecordsTables>,
  version: number,
  view: CaseView,
  commands: string[],
  sealer: Sealer,
): Promise<boolean> {
  const row = {
    case_id: view.caseId,
    version,
    region: view.region,
    institution_id: view.institutionId,
    status: view.status,
    risk: view.risk ?? view.proposedRisk,
    urgent: view.urgent,
    kind: kindLabel(view.kind),
    reported_at: view.reportedAt,
    closed_at: view.closedAt,
    outcome: view.outcome,
    updated_at: new Date(),
    sealed: sealer.seal(view, SEAL(view.caseId)),
    profile_id: view.report.fromProfile?.profileId ?? null,
    ward: view.report.clinicContact.ward,
  };
  const written = await tx
    .insertInto('case_records')
    .values(row)
    .onConflict((oc) =>
      oc
        .column('case_id')
        .doUpdateSet((eb) => ({
          version: eb.ref('excluded.version'),
          region: eb.ref('excluded.region'),
          institution_id: eb.ref('excluded.institution_id'),
          status: eb.ref('excluded.status'),
          risk: eb.ref('excluded.risk'),
          urgent: eb.ref('excluded.urgent'),
          kind: eb.ref('excluded.kind'),
          reported_at: eb.ref('excluded.reported_at'),
          closed_at: eb.ref('excluded.closed_at'),
          outcome: eb.ref('excluded.outcome'),
          updated_at: eb.ref('excluded.updated_at'),
          sealed: eb.ref('excluded.sealed'),
          profile_id: eb.ref('excluded.profile_id'),
          ward: eb.ref('excluded.ward'),
        }))
        .where('case_records.version', '<', version),
    )
    .returning('case_id')
    .executeTakeFirst();
  await recordCommands(tx, view.caseId, version, commands);
  if (!written) return false;
  await tx.deleteFrom('case_tasks').where('case_id', '=', view.caseId).execute();
  if (view.tasks.length > 0) {
    await tx
      .insertInto('case_tasks')
      .values(view.tasks.map((task) => taskRow(view, task)))
      .execute();
  }
  return true;
}

/** Which version applied each command: the answer to a retry that arrives after its case closed. */
async function recordCommands(
  tx: Transaction<RecordsTables>,
  caseId: string,
  version: number,
  commands: string[],
): Promise<void> {
  if (commands.length === 0) return;
  await tx
    .insertInto('case_commands')
    .values(commands.map((command_id) => ({ case_id: caseId, command_id, version })))
    .onConflict((oc) => oc.columns(['case_id', 'command_id']).doNothing())
    .execute();
}
