import type { UpdateDefinition } from '@temporalio/common';
import { defineUpdate } from '@temporalio/workflow';
import { commandTypes, type Command, type CommandType, type TaskKind } from '../machines/case.events';
import type { CaseStatus } from '../machines/case.status';

/**
 * A command as an Update carries it: the command, and when it completes a task, which one. The machine
 * then takes it only while that task is open. `sentAt` is when the API took the request: the event's
 * instant, fixed before any workflow task runs, so a task that is lost and run again (a worker killed
 * mid-task) gives the event the same instant, and its deliveries the same ids.
 */
export type CommandRequest<T extends CommandType = CommandType> = Command<T> & {
  forTask?: TaskKind;
  sentAt?: string;
};

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
  commandTypes.map((type) => [type, defineUpdate<CommandReceipt, [CommandRequest]>(type)]),
) as { [T in CommandType]: UpdateDefinition<CommandReceipt, [CommandRequest<T>]> };

/** The failure type an Update's validator raises when the machine refuses the command in its current state. */
export const TRANSITION_REFUSED = 'TransitionRefused';

/** The failure type an Update's validator raises when the sender's role may never send the command. */
export const COMMAND_FORBIDDEN = 'CommandForbidden';
