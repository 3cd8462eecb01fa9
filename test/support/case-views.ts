import { initialTransition } from 'xstate';
import { caseMachine } from '../../machines/case.machine';
import type { OpenTask } from '../../machines/case.tasks';
import { caseState, nextView, nothingAdded, type CaseView } from '../../machines/case.view';
import { resolvePolicy } from '../../machines/policy.schema';
import { CaseReportSchema } from '../../machines/report.schema';
import { aReport, testPolicyDocument } from './fixtures';

/** When the cases these views describe were reported, unless a test says otherwise. */
export const REPORTED_AT = '2026-11-24T08:10:00.000Z';

/**
 * A real case view: the fixture report (filed for the overridden region, institution and urgency) run
 * through the machine's initial transition as the workflow runs it, then the top-level fields in
 * `overrides` laid over it as they are. The overrides are not checked against the machine: a test that
 * closes a case says `tasks: []` itself.
 */
export function aCaseView(caseId: string, overrides: Partial<CaseView> = {}): CaseView {
  const report = CaseReportSchema.parse(
    aReport({
      ...(overrides.region !== undefined && { region: overrides.region }),
      ...(overrides.institutionId !== undefined && { institutionId: overrides.institutionId }),
      ...(overrides.urgent !== undefined && { urgent: overrides.urgent }),
      ...(overrides.proposedRisk !== undefined && { proposedRisk: overrides.proposedRisk }),
    }),
  );
  const [snapshot] = initialTransition(caseMachine, {
    caseId,
    reportedAt: overrides.reportedAt ?? REPORTED_AT,
    report,
    policy: resolvePolicy(testPolicyDocument, report.region, report.institutionId),
  });
  return { ...nextView(caseState(snapshot, report), undefined, nothingAdded), ...overrides };
}

/** An open, unclaimed police-desk task due at 11:00 on the report's day. */
export function aTask(overrides: Partial<OpenTask> = {}): OpenTask {
  return {
    task: 'acknowledge_report',
    role: 'police_desk',
    dueAt: '2026-11-24T11:00:00.000Z',
    escalatedTo: null,
    claimedBy: null,
    ...overrides,
  };
}
