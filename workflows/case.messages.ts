import type { UpdateDefinition } from '@temporalio/common';
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import { commandTypes, type Command, type CommandType } from '../machines/case.events';
import type { CaseStatus } from '../machines/case.status';
import type { CaseView } from '../machines/case.view';

/** The whole case as the workflow holds it; the API projects it per party before anyone sees it. */
export const caseViewQuery = defineQuery<CaseView>('caseView');

/** Command ids the case has applied, so a retry that reaches a closed case is still answered truthfully. */
export const appliedCommandsQuery = defineQuery<string[]>('appliedCommands');

/**
 * What an Update answers: that the command is applied, where the case stands, and the record version that
 * holds the result, already in the records store. Small on purpose: every Update's result is stored in the
 * history, so a whole view per command would grow it with the square of the case's length. The caller reads
 * the view of that version from the records store.
 */
export type CommandReceipt = { caseId: string; commandId: string; status: CaseStatus; version: number };

/** Answers once the records store holds the case as it stands now: a new case's first read finds it. */
export const recordSavedUpdate = defineUpdate<{ version: number }, []>('recordSaved');

/** One Update per command event, named after the event it forwards to the machine. */
export const commandUpdates = Object.fromEntries(
  commandTypes.map((type) => [type, defineUpdate<CommandReceipt, [Command]>(type)]),
) as { [T in CommandType]: UpdateDefinition<CommandReceipt, [Command<T>]> };

/** The failure type an Update's validator raises when the machine refuses the command in its current state. */
export const TRANSITION_REFUSED = 'TransitionRefused';
