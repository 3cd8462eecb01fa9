// The worker's workflow bundle: every workflow type the task queue serves.
export { caseWorkflow } from './case.workflow';
export { accessLogWorkflow } from './access-log.workflow';
export { feedWorkflow } from './feed.workflow';
