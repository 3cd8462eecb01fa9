// The worker's workflow bundle: every workflow type the task queue serves.
export { caseWorkflow } from './case.workflow';
export { profileWorkflow } from './profile.workflow';
export { retentionWorkflow } from './retention.workflow';
