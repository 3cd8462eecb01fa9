import {
  WithStartWorkflowOperation,
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  type Client,
} from '@temporalio/client';
import { ApplicationFailure, type UpdateDefinition } from '@temporalio/common';
import { isDeepStrictEqual } from 'node:util';
import { roleRefusal } from '../machines/case.access';
import type { CommandType } from '../machines/case.events';
import type { CaseView } from '../machines/case.view';
import { resolvePolicy, type PolicyDocument } from '../machines/policy.schema';
import type { CaseReport } from '../machines/report.schema';
import type { CaseRecords } from '../records/case-records';
import {
  COMMAND_FORBIDDEN,
  commandUpdates,
  recordSavedUpdate,
  TRANSITION_REFUSED,
  type CommandReceipt,
  type CommandRequest,
} from '../workflows/case.messages';
import type { caseWorkflow } from '../workflows/case.workflow';
import { Problem, conflict, notFound } from './problems';

export type CaseClientDeps = {
  client: Client;
  taskQueue: string;
  policy: PolicyDocument;
  /** Where every read comes from: the case records the workflows write. */
  records: { cases: CaseRecords };
};

/**
 * A case's id: stable for a clinic's report id, so filing twice finds the same case. The separator `~` is
 * one that ids may not contain and URLs need not escape, so no two (institution, report) pairs share an
 * id: `ggz` + `noord-1` and `ggz-noord` + `1` stay apart, and neither clinic learns of the other's report.
 */
export function caseIdFor(report: Pick<CaseReport, 'institutionId' | 'reportId'>): string {
  return `case-${report.institutionId}~${report.reportId}`;
}

/**
 * The API's way into cases: commands go to the case's workflow, which decides; every read comes from the
 * records store, which the workflow keeps current and which outlives Temporal's retention.
 */
export function createCaseClient(deps: CaseClientDeps) {
  const handle = (caseId: string) => deps.client.workflow.getHandle<typeof caseWorkflow>(caseId);

  async function get(caseId: string): Promise<CaseView> {
    const stored = await deps.records.cases.get(caseId);
    if (!stored) throw notFound(`no case ${caseId}`);
    return stored.view;
  }

  /** The answer to a command its case applied: the case as it stands in the store. */
  async function applied(caseId: string, commandId: string): Promise<CaseView | undefined> {
    const version = await deps.records.cases.commandVersion(caseId, commandId);
    return version === undefined ? undefined : get(caseId);
  }

  return {
    get,

    /**
     * Files a report and answers once the records store holds the new case. Filing the same report again
     * (a retry) returns the existing case; reusing a report id for different content is a conflict,
     * because silently keeping either version would lose information.
     */
    async file(report: CaseReport): Promise<{ created: boolean; view: CaseView }> {
      const caseId = caseIdFor(report);
      try {
        // One request and one workflow task: the Update rides with the start and answers once the first
        // version is stored.
        await deps.client.workflow.executeUpdateWithStart(recordSavedUpdate, {
          startWorkflowOperation: new WithStartWorkflowOperation<typeof caseWorkflow>('caseWorkflow', {
            workflowId: caseId,
            taskQueue: deps.taskQueue,
            workflowIdReusePolicy: 'REJECT_DUPLICATE',
            workflowIdConflictPolicy: 'FAIL',
            args: [
              { caseId, report, policy: resolvePolicy(deps.policy, report.region, report.institutionId) },
            ],
          }),
        });
        return { created: true, view: await get(caseId) };
      } catch (error) {
        if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
        const existing = await deps.records.cases.get(caseId);
        // Started a moment ago by a request still waiting for its record: wait for it too.
        if (!existing) await handle(caseId).executeUpdate(recordSavedUpdate);
        const view = existing?.view ?? (await get(caseId));
        if (!isDeepStrictEqual(view.report, report)) {
          throw conflict(`report ${report.reportId} was already filed with different content as ${caseId}`, {
            caseId,
          });
        }
        return { created: false, view };
      }
    },

    /**
     * Sends a command to the case's machine and answers the case as it stands after it, from the records
     * store (the workflow answers only once that version is stored). Retrying with the same commandId
     * applies nothing twice, and after the case closed the retry still gets an answer.
     */
    async command<T extends CommandType>(
      caseId: string,
      type: T,
      command: CommandRequest<T>,
    ): Promise<CaseView> {
      const update = commandUpdates[type] as UpdateDefinition<CommandReceipt, [CommandRequest<T>]>;
      try {
        await handle(caseId).executeUpdate(update, { args: [command], updateId: command.commandId });
        return await get(caseId);
      } catch (error) {
        // The machine's refusal, as the case's workflow reported it: 403 for a role that may never send the
        // command, 409 for one that may but not now.
        if (error instanceof WorkflowUpdateFailedError && error.cause instanceof ApplicationFailure) {
          const caseStatus = error.cause.details?.[0];
          if (error.cause.type === COMMAND_FORBIDDEN)
            throw new Problem(403, 'Forbidden', error.cause.message);
          if (error.cause.type === TRANSITION_REFUSED)
            throw conflict(error.cause.message, { caseId, caseStatus });
        }
        // A closed case takes no Updates (the server says "not found"), and after Temporal's retention its
        // workflow is gone: the store still knows the case, and whether this command was applied.
        const stored = await deps.records.cases.get(caseId);
        if (!stored) {
          if (error instanceof WorkflowNotFoundError) throw notFound(`no case ${caseId}`);
          throw error;
        }
        const running = await handle(caseId)
          .describe()
          .then((d) => d.status.name === 'RUNNING')
          .catch((cause: unknown) => {
            if (cause instanceof WorkflowNotFoundError) return false;
            throw cause;
          });
        if (running) throw error;
        const answer = await applied(caseId, command.commandId);
        if (answer) return answer;
        const forbidden = roleRefusal({ ...command, type });
        if (forbidden) throw new Problem(403, 'Forbidden', forbidden.message);
        throw conflict(`'${type}' is not possible: the case is closed`, {
          caseId,
          caseStatus: stored.view.status,
        });
      }
    },
  };
}

export type CaseClient = ReturnType<typeof createCaseClient>;
