import { decodeFromPayloadsAtIndex } from '@temporalio/common/lib/internal-non-workflow';
import { CaseContextSchema } from '../../machines/case.context';
import type { CaseWorkflowInput } from '../../workflows/case.workflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CaseHarness } from '../support/case-harness';
import { farTitle, police } from '../support/fixtures';

const TASK_QUEUE = 'case-can-test';
/** Reviews of high risk fall due within seconds here, so a timer can fire on a server that keeps real time. */
const REVIEW_WINDOW_MS = 4_000;

// On the dev server: a real server retries an Update that races a continue-as-new onto the new run, which
// the time-skipping test server does not; nothing here needs time to skip.
describe('a long case (continue-as-new)', () => {
  const h = new CaseHarness(TASK_QUEUE, { server: 'dev' });
  beforeAll(() => h.start().then(() => undefined));
  afterAll(() => h.stop());

  /** Starts a case whose runs continue as new past `historyLimit` events. */
  async function startLongCase(reportId: string, historyLimit: number) {
    const caseId = await h.startCase(
      { legalTitle: farTitle },
      { historyLimit, policy: (p) => ({ ...p, review: { ...p.review, high: REVIEW_WINDOW_MS } }) },
    );
    await h.cases.command(caseId, 'police.acknowledge', {
      commandId: `${reportId}-ack`,
      by: police,
      risk: 'high',
      urgent: true,
      knownFacts: 'left via the garden',
      source: 'ward nurse',
    });
    return caseId;
  }

  /** A high-risk review is due again within seconds; a low-risk one in an hour, out of the way of the test. */
  const review = (caseId: string, commandId: string, risk: 'high' | 'low' = 'high') =>
    h.cases.command(caseId, 'police.review_risk', {
      commandId,
      by: police,
      risk,
      urgent: true,
      knownFacts: 'no news',
      source: 'desk',
      nextReviewAt: new Date(Date.now() + (risk === 'high' ? REVIEW_WINDOW_MS : 3_600_000)).toISOString(),
    });

  const runIdOf = async (caseId: string) => (await h.env.client.workflow.getHandle(caseId).describe()).runId;

  /** Every run of a case, first to last, with its history length: each run's last event names the next. */
  async function runLengths(caseId: string, firstRun: string): Promise<number[]> {
    const lengths: number[] = [];
    let runId: string | undefined = firstRun;
    while (runId) {
      const history = await h.env.client.workflow.getHandle(caseId, runId).fetchHistory();
      lengths.push(history.events?.length ?? 0);
      runId =
        history.events?.at(-1)?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId ||
        undefined;
    }
    return lengths;
  }

  it('carries the case, its deadlines and its applied commands into a new run', async () => {
    const caseId = await startLongCase('can-1', 40);
    const firstRun = await runIdOf(caseId);

    // Review until the case continues as new.
    let reviews = 0;
    while ((await runIdOf(caseId)) === firstRun) {
      expect(reviews, 'the case should have continued as new by now').toBeLessThan(20);
      await review(caseId, `can-review-${++reviews}`, 'low');
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const carried = await h.cases.get(caseId);
    expect(carried.assessments).toHaveLength(reviews + 1);
    expect(carried.timeline.filter((e) => e.type === 'police.review_risk')).toHaveLength(reviews);
    const armed = carried.tasks.find((t) => t.task === 'review_risk')!.dueAt;
    expect(armed).not.toBeNull();

    // A retry of a command applied in the first run is still recognised, and applies nothing.
    await review(caseId, `can-review-${reviews}`);
    expect((await h.cases.get(caseId)).assessments).toHaveLength(reviews + 1);
    expect((await h.cases.get(caseId)).tasks.find((t) => t.task === 'review_risk')!.dueAt).toBe(armed);
  });

  it('fires a timer armed in one run after the case continued as new', async () => {
    const caseId = await startLongCase('can-3', 45);
    const firstRun = await runIdOf(caseId);
    // Fill the history with reviews far in the future, then one due in seconds that tips it over the limit.
    let reviews = 0;
    while ((await runLengths(caseId, firstRun)).at(0)! < 30)
      await review(caseId, `can3-fill-${++reviews}`, 'low');
    let armedIn = firstRun;
    let due = '';
    while ((await runIdOf(caseId)) === firstRun) {
      armedIn = await runIdOf(caseId);
      due = (await review(caseId, `can3-short-${++reviews}`)).tasks.find(
        (t) => t.task === 'review_risk',
      )!.dueAt!;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(armedIn).toBe(firstRun);
    await expect
      .poll(async () => (await h.cases.get(caseId)).escalations.map((e) => e.dueAt), {
        timeout: REVIEW_WINDOW_MS + 10_000,
        interval: 250,
      })
      .toEqual([due]);
    expect(await runIdOf(caseId)).not.toBe(firstRun);
  });

  it('keeps every run of the history under its limit', async () => {
    const caseId = await startLongCase('can-2', 60);
    const firstRun = await runIdOf(caseId);
    for (let i = 1; i <= 20; i++) await review(caseId, `can2-review-${i}`, 'low');
    const runs = await runLengths(caseId, firstRun);
    expect(runs.length).toBeGreaterThan(1);
    // A run may overshoot its limit by what crossed it: one command and one announcement's deliveries, and
    // the records-store writes they make (a marker and a workflow task each) before the run hands over.
    for (const length of runs) expect(length).toBeLessThan(60 + 55);
    expect((await h.cases.get(caseId)).assessments).toHaveLength(21);
  });

  it('carries only what decisions need into the next run: the machine state, unsent announcements, recent command ids', async () => {
    const caseId = await startLongCase('can-5', 60);
    const firstRun = await runIdOf(caseId);
    for (let i = 1; i <= 12; i++) await review(caseId, `can5-review-${i}`, 'low');
    const history = await h.env.client.workflow.getHandle(caseId, firstRun).fetchHistory();
    const next = history.events?.at(-1)?.workflowExecutionContinuedAsNewEventAttributes;
    expect(next, 'the case should have continued as new').toBeDefined();
    const input = await decodeFromPayloadsAtIndex<CaseWorkflowInput>(
      h.env.client.workflow.options.loadedDataConverter,
      0,
      next!.input?.payloads,
    );
    expect(Object.keys(input.resume!).sort()).toEqual([
      'applied',
      'context',
      'lastAt',
      'pending',
      'value',
      'version',
    ]);
    // The machine's context holds no list that only grows: assessments, escalations, timeline and
    // deliveries are in the records store, which has every one of them.
    CaseContextSchema.strict().parse(input.resume!.context);
    expect((await h.cases.get(caseId)).assessments).toHaveLength(13);
  });

  it('stores a small receipt per command in the history, never the growing case', async () => {
    const caseId = await startLongCase('can-4', 5_000);
    for (let i = 1; i <= 12; i++) await review(caseId, `can4-review-${i}`, 'low');
    const history = await h.env.client.workflow.getHandle(caseId).fetchHistory();
    const stored = (history.events ?? []).flatMap((e) => {
      const payload = e.workflowExecutionUpdateCompletedEventAttributes?.outcome?.success?.payloads?.[0];
      return payload?.data ? [payload.data.length] : [];
    });
    expect(stored).toHaveLength(13);
    // The view grew by twelve assessments and their deliveries; what each command stored did not.
    expect(Math.max(...stored)).toBeLessThan(1_024);
    expect(Math.max(...stored) - Math.min(...stored)).toBeLessThan(32);
  });
});
