import type { z } from 'zod';
import { actionBodySchema, caseActions } from '../../../api/case-actions';
import { CommandSchemas, type CommandType, type TaskKind } from '../../../machines/case.events';
import { completingCommand } from '../../../machines/case.tasks';
import type { paths } from './schema';

/** The URL segment of each lifecycle action under /v1/cases/{caseId}/, as the API routes them. */
export type ActionSegment = keyof typeof caseActions;
export type ActionPath = `/v1/cases/{caseId}/${ActionSegment}`;
export type TaskVerb = 'claim' | 'release' | 'complete';
export type TaskPath = `/v1/cases/{caseId}/tasks/{task}/${TaskVerb}`;

// Compile-time proof that every action and task verb the app sends is a path of the API's document: a
// renamed or removed route stops the build here.
const _actionsExist: ActionPath extends keyof paths ? true : never = true;
const _tasksExist: TaskPath extends keyof paths ? true : never = true;
void _actionsExist;
void _tasksExist;

/** Commands a person sends through a case action route (task verbs have their own routes). */
export type ActionCommand = (typeof caseActions)[ActionSegment]['type'];

const segments = Object.fromEntries(
  Object.entries(caseActions).map(([segment, action]) => [action.type, segment as ActionSegment]),
) as Record<ActionCommand, ActionSegment>;

export const segmentOf = (type: ActionCommand): ActionSegment => segments[type];

/** Every command that has a case action route, in the API's order. */
export const actionCommands: ActionCommand[] = Object.values(caseActions).map((a) => a.type);

/**
 * The body the API validates for a command: the command schema from machines/ without what the API fills
 * in (who, and the idempotency key). The same schema validates the form in the browser.
 */
export const bodySchemaOf = (type: CommandType): z.ZodType => actionBodySchema(type);

/** The command that gets a task done, and so the form its task opens. */
export const commandOfTask = (task: TaskKind): CommandType => completingCommand[task];

/** Whether completing the task needs a form (`task.complete` tasks are just done). */
export const taskNeedsForm = (task: TaskKind): boolean => completingCommand[task] !== 'task.complete';

export { CommandSchemas };
