import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { Command, CommandType } from '../machines/case.events';
import type { CaseView } from '../machines/case.view';

/** The whole case as the workflow holds it; the API projects it per party before anyone sees it. */
export const caseViewQuery = defineQuery<CaseView>('caseView');

/** Command ids the case has applied, so a retry that reaches a closed case is still answered truthfully. */
export const appliedCommandsQuery = defineQuery<string[]>('appliedCommands');

/** One Update per command event, named after the event it forwards to the machine. */
export const commandUpdates = {
  'police.acknowledge': defineUpdate<CaseView, [Command<'police.acknowledge'>]>('police.acknowledge'),
  'police.reject': defineUpdate<CaseView, [Command<'police.reject'>]>('police.reject'),
  'case.close': defineUpdate<CaseView, [Command<'case.close'>]>('case.close'),
  'case.withdraw': defineUpdate<CaseView, [Command<'case.withdraw'>]>('case.withdraw'),
} satisfies { [T in CommandType]: unknown };

/** The failure type an Update's validator raises when the machine refuses the command in its current state. */
export const TRANSITION_REFUSED = 'TransitionRefused';
