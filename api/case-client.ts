import {
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  type Client,
} from '@temporalio/client';
import { ApplicationFailure, type UpdateDefinition } from '@temporalio/common';
import { isDeepStrictEqual } from 'node:util';
import type { Command, CommandType } from '../machines/case.events';
import type { CaseView } from '../machines/case.view';
import { resolvePolicy, type PolicyDocument } from '../machines/policy.schema';
import { CaseStatusSchema } from '../machines/case.status';
import { RiskGradeSchema, type CaseReport } from '../machines/report.schema';
import {
  appliedCommandsQuery,
  caseViewQuery,
  commandUpdates,
  type CommandReceipt,
  OPEN_TASKS_MEMO,
  TRANSITION_REFUSED,
} from '../workflows/case.messages';
import type { caseWorkflow } from '../workflows/case.workflow';
import { CaseSearchAttributes as SA } from '../workflows/case.search-attributes';
import { OpenTaskSchema } from '../machines/case.tasks';
import { createAccessLog } from './access-log';
import { conflict, notFound } from './problems';
import type { ListedCase } from './task-inbox';

export type CaseClientDeps = {
  client: Client;
  taskQueue: string;
  policy: PolicyDocument;
};

/** The most open cases one inbox read looks at; a region with more must narrow its filters. */
const LIST_CAP = 2_000;

/** A case's id: stable for a clinic's report id, so filing twice finds the same case. */
export function caseIdFor(report: Pick<CaseReport, 'institutionId' | 'reportId'>): string {
  return `case-${report.institutionId}-${report.reportId}`;
}

/** The API's way into case workflows. Everything it answers comes from the workflow itself. */
export function createCaseClient(deps: CaseClientDeps) {
  const handle = (caseId: string) => deps.client.workflow.getHandle<typeof caseWorkflow>(caseId);

  async function get(caseId: string): Promise<CaseView> {
    try {
      return await handle(caseId).query(caseViewQuery);
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) throw notFound(`no case ${caseId}`);
      throw error;
    }
  }

  return {
    get,
    accessLog: createAccessLog(deps),

    /**
     * Open cases from Temporal visibility with the tasks their memo carries. Eventually consistent: a case
     * shows here a moment after it changed. At most `cap` cases, so one call stays bounded.
     */
    async listOpenCases(query: string, cap = LIST_CAP): Promise<ListedCase[]> {
      const listed: ListedCase[] = [];
      for await (const wf of deps.client.workflow.list({ query })) {
        const attrs = wf.typedSearchAttributes;
        const tasks = OpenTaskSchema.array().safeParse(wf.memo?.[OPEN_TASKS_MEMO] ?? []);
        listed.push({
          caseId: wf.workflowId,
          status: CaseStatusSchema.exclude(['closed']).catch('reported').parse(attrs.get(SA.state)),
          region: attrs.get(SA.region) ?? '',
          institutionId: attrs.get(SA.institution) ?? '',
          risk: RiskGradeSchema.catch('medium').parse(attrs.get(SA.risk)),
          urgent: attrs.get(SA.urgent) ?? false,
          tasks: tasks.success ? tasks.data : [],
        });
        if (listed.length >= cap) break;
      }
      return listed;
    },

    /**
     * Files a report. Filing the same report again (a retry) returns the existing case; reusing a report id
     * for different content is a conflict, because silently keeping either version would lose information.
     */
    async file(report: CaseReport): Promise<{ created: boolean; view: CaseView }> {
      const caseId = caseIdFor(report);
      try {
        await deps.client.workflow.start<typeof caseWorkflow>('caseWorkflow', {
          workflowId: caseId,
          taskQueue: deps.taskQueue,
          workflowIdReusePolicy: 'REJECT_DUPLICATE',
          args: [{ caseId, report, policy: resolvePolicy(deps.policy, report.region, report.institutionId) }],
        });
        return { created: true, view: await get(caseId) };
      } catch (error) {
        if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
        const view = await get(caseId);
        if (!isDeepStrictEqual(view.report, report)) {
          throw conflict(`report ${report.reportId} was already filed with different content as ${caseId}`, {
            caseId,
          });
        }
        return { created: false, view };
      }
    },

    /**
     * Sends a command to the case's machine and answers the case as it stands after it. Retrying with the
     * same commandId applies nothing twice.
     */
    async command<T extends CommandType>(caseId: string, type: T, command: Command<T>): Promise<CaseView> {
      const update = commandUpdates[type] as UpdateDefinition<CommandReceipt, [Command<T>]>;
      try {
        await handle(caseId).executeUpdate(update, { args: [command], updateId: command.commandId });
        return await get(caseId);
      } catch (error) {
        if (
          error instanceof WorkflowUpdateFailedError &&
          error.cause instanceof ApplicationFailure &&
          error.cause.type === TRANSITION_REFUSED
        ) {
          throw conflict(error.cause.message, { caseId, caseStatus: error.cause.details?.[0] });
        }
        // A closed case takes no Updates (the server says "not found"); a retry of the command that
        // closed it still deserves its first answer.
        const description = await handle(caseId)
          .describe()
          .catch((cause: unknown) => {
            if (cause instanceof WorkflowNotFoundError) throw notFound(`no case ${caseId}`);
            throw cause;
          });
        if (description.status.name !== 'RUNNING') {
          const applied = await handle(caseId).query(appliedCommandsQuery);
          const view = await get(caseId);
          if (applied.includes(command.commandId)) return view;
          throw conflict(`'${type}' is not possible: the case is closed`, {
            caseId,
            caseStatus: view.status,
          });
        }
        throw error;
      }
    },
  };
}

export type CaseClient = ReturnType<typeof createCaseClient>;
