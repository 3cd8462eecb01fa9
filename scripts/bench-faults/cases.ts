import type { Principal } from '../../api/auth';
import { caseIdFor } from '../../api/case-client';
import type { CommandType } from '../../machines/case.events';
import type { CaseStatus } from '../../machines/case.status';
import type { RiskGrade } from '../../machines/report.schema';
import { exampleBody } from '../../test/support/action-examples';
import { aReportNow } from '../../test/support/fixtures';
import type { Answer, Outcome, Request, RetryingClient } from './client';
import { Limiter, sleep } from './stats';

/**
 * The actions a client takes on each case, from acknowledgement to the debrief that closes it, and the
 * risk review the benchmark uses to arm a timer due at an instant of its choosing.
 */
export const STEPS = {
  acknowledge: { type: 'police.acknowledge', as: 'police' },
  'review-risk': { type: 'police.review_risk', as: 'police' },
  located: { type: 'case.record_located', as: 'police' },
  'confirm-return': { type: 'clinic.confirm_return', as: 'clinic' },
  debrief: { type: 'clinic.complete_debrief', as: 'clinic' },
} as const satisfies Record<string, { type: CommandType; as: 'police' | 'clinic' }>;
export type Step = keyof typeof STEPS;
/** The lifecycle, in order. */
const ORDER = ['acknowledge', 'located', 'confirm-return', 'debrief'] as const satisfies Step[];

/** The step that moves a case on from each status this benchmark's cases pass through. */
const NEXT: Partial<Record<CaseStatus, Step>> = {
  reported: 'acknowledge',
  search_active: 'located',
  located: 'confirm-return',
  in_transport: 'confirm-return',
  returned: 'debrief',
};

/** The steps taken while the faults happen; the rest drive each case to its end afterwards. */
const DURING_FAULTS = ['acknowledge', 'located'] as const;

/** One request a client sent until it was answered, kept so it can be sent once more with the same key. */
export type Sent = { request: Request; outcome?: Outcome; error?: string };

/** One case as its clients saw it. */
export type BenchCase = {
  index: number;
  reportId: string;
  caseId: string;
  clinic: Principal;
  police: Principal;
  urgent: boolean;
  risk: RiskGrade;
  /** When each step during the faults is due, in ms after the faults phase began. */
  plan: Record<(typeof DURING_FAULTS)[number], number>;
  filing?: Sent;
  /** The case exists for its clinic: answered 201, or 200 to a retry of a request that went unanswered. */
  accepted: boolean;
  actions: (Sent & { step: Step; type: CommandType })[];
  /** Answers that were neither a success nor expected. */
  surprises: string[];
};

const ok = (answer: Answer | undefined) =>
  answer !== undefined && answer.status >= 200 && answer.status < 300;

/**
 * Draws every case: its report id, who acts on it (eight people per role, so no one person hits the
 * API's per-user rate limit), its urgency and the police grade, and when its two in-flight steps fall
 * in the faults window (two uniform draws, sorted).
 */
export function planCases(count: number, runId: string, windowMs: number, random: () => number): BenchCase[] {
  const grades: RiskGrade[] = ['high', 'medium', 'low'];
  return Array.from({ length: count }, (_, index) => {
    const reportId = `${runId}-${index}`;
    const times = [random(), random()].sort((a, b) => a - b).map((u) => Math.round(u * windowMs));
    return {
      index,
      reportId,
      caseId: caseIdFor({ institutionId: 'ggz-noord', reportId }),
      clinic: { sub: `bench-clinic-${index % 8}`, role: 'clinic', institutionId: 'ggz-noord' },
      police: { sub: `bench-desk-${index % 8}`, role: 'police_desk', region: 'noord-nl' },
      urgent: random() < 0.3,
      risk: grades[Math.floor(random() * 3)]!,
      plan: { acknowledge: times[0]!, located: times[1]! },
      accepted: false,
      actions: [],
      surprises: [],
    };
  });
}

/** The clients of the cases: file, act during the faults, drive to the end; every request through `client`. */
export class CaseDriver {
  constructor(
    private readonly client: RetryingClient,
    private readonly limiter: Limiter,
  ) {}

  /** Files every report, as many at once as the limiter allows. */
  async fileAll(cases: BenchCase[]): Promise<void> {
    await Promise.all(cases.map((c) => this.limiter.run(() => this.file(c))));
  }

  /** Each case's in-flight steps, each at its planned time (or as soon as the one before it answered). */
  async inFlight(cases: BenchCase[], startedAt: number): Promise<void> {
    await Promise.all(
      cases.map(async (c) => {
        if (!c.accepted) return;
        for (const step of DURING_FAULTS) {
          await sleep(startedAt + c.plan[step] - Date.now());
          if (!(await this.limiter.run(() => this.act(c, step)))) return;
        }
      }),
    );
  }

  /** Every case to its end: the steps it has left, then whatever its status calls for if one was refused. */
  async toTheEnd(cases: BenchCase[]): Promise<void> {
    await Promise.all(
      cases.map(async (c) => {
        if (!c.accepted) return;
        for (const step of ORDER) {
          if (c.actions.some((a) => a.step === step && ok(a.outcome?.answer))) continue;
          if (!(await this.limiter.run(() => this.act(c, step)))) return this.byStatus(c);
        }
      }),
    );
  }

  /** Sends every request once more with its own key: the answer must be the one the client got first. */
  async replayAll(cases: BenchCase[]): Promise<{ replayed: number; mismatches: string[] }> {
    const mismatches: string[] = [];
    let replayed = 0;
    await Promise.all(
      cases.flatMap((c) => {
        const filing = c.filing;
        const sent = [...(filing?.outcome ? [filing] : []), ...c.actions.filter((a) => a.outcome)];
        return sent.map((s) =>
          this.limiter.run(async () => {
            const again = await this.client.send(s.request).catch(() => undefined);
            replayed++;
            const why = differs(s, again?.answer);
            if (why) mismatches.push(`${c.caseId} ${s.request.method} ${s.request.path}: ${why}`);
          }),
        );
      }),
    );
    return { replayed, mismatches };
  }

  private async file(c: BenchCase): Promise<void> {
    const now = Date.now();
    const ago = (minutes: number) => new Date(now - minutes * 60_000).toISOString();
    const report = aReportNow({
      reportId: c.reportId,
      institutionId: 'ggz-noord',
      region: 'noord-nl',
      urgent: c.urgent,
      proposedRisk: c.risk,
      absenceNoticedAt: ago(10),
      lastSeen: { at: ago(30), place: 'Tuin, afdeling De Linde' },
    });
    // Filing is idempotent by the report id (the case id derives from it); the key rides along anyway.
    const request: Request = {
      method: 'POST',
      path: '/v1/cases',
      as: c.clinic,
      key: `${c.reportId}-file`,
      body: report,
    };
    c.filing = { request };
    try {
      c.filing.outcome = await this.client.send(request);
    } catch (error) {
      c.filing.error = String(error);
      return;
    }
    const { answer, attempts } = c.filing.outcome;
    const caseId = (answer.body as { caseId?: string } | undefined)?.caseId;
    c.accepted = (answer.status === 201 || (answer.status === 200 && attempts > 1)) && caseId === c.caseId;
    if (!c.accepted) c.surprises.push(`filing answered ${answer.status} after ${attempts} attempts`);
  }

  /**
   * Arms a review timer due at `dueAt` on each case that is searching and will stay so for a while (its
   * `located` is planned 20 s after `now` at least), up to `count` cases: what puts timers due inside a
   * short outage. Answers how many were armed.
   */
  async armReviews(cases: BenchCase[], count: number, dueAt: (i: number) => number, sinceStart: number) {
    const searching = cases.filter(
      (c) =>
        c.accepted &&
        c.actions.some((a) => a.step === 'acknowledge' && ok(a.outcome?.answer)) &&
        !c.actions.some((a) => a.step === 'located') &&
        c.plan.located > sinceStart + 20_000,
    );
    const chosen = searching.slice(0, count);
    const armed = await Promise.all(
      chosen.map((c, i) =>
        this.limiter.run(() =>
          this.act(c, 'review-risk', {
            ...exampleBody('police.review_risk'),
            risk: 'high',
            urgent: c.urgent,
            nextReviewAt: new Date(dueAt(i)).toISOString(),
          }),
        ),
      ),
    );
    return armed.filter(Boolean).length;
  }

  /** Takes one step; true when it succeeded. */
  private async act(c: BenchCase, step: Step, body = bodyOf(c, step)): Promise<boolean> {
    const { type, as } = STEPS[step];
    const taken = c.actions.filter((a) => a.step === step).length;
    const request: Request = {
      method: 'POST',
      path: `/v1/cases/${encodeURIComponent(c.caseId)}/${step}`,
      as: as === 'police' ? c.police : c.clinic,
      key: `${c.reportId}-${step}-${taken + 1}`,
      body,
    };
    const sent: BenchCase['actions'][number] = { request, step, type };
    c.actions.push(sent);
    try {
      sent.outcome = await this.client.send(request);
    } catch (error) {
      sent.error = String(error);
      c.surprises.push(`${step}: ${sent.error}`);
      return false;
    }
    if (!ok(sent.outcome.answer)) {
      c.surprises.push(
        `${step} answered ${sent.outcome.answer.status}: ${JSON.stringify(sent.outcome.answer.body)}`,
      );
    }
    return ok(sent.outcome.answer);
  }

  /** After a refused step: read the case and take whatever step its status calls for, a few times at most. */
  private async byStatus(c: BenchCase): Promise<void> {
    for (let round = 0; round < 6; round++) {
      const read = await this.limiter
        .run(() =>
          this.client.send({
            method: 'GET',
            path: `/v1/cases/${encodeURIComponent(c.caseId)}`,
            as: c.clinic,
          }),
        )
        .catch(() => undefined);
      const status = (read?.answer.body as { status?: CaseStatus } | undefined)?.status;
      const step = status && NEXT[status];
      if (!step) return;
      await this.limiter.run(() => this.act(c, step));
    }
  }
}

function bodyOf(c: BenchCase, step: Step): Record<string, unknown> {
  const body = exampleBody(STEPS[step].type);
  return step === 'acknowledge' ? { ...body, risk: c.risk, urgent: c.urgent } : body;
}

/**
 * Why a replay's answer is not the first one, or undefined when it is. A filing's replay finds the case
 * (200, the same case id) where the first created it (201). A problem carries the request id of the
 * request it answers, which is new on every request by design; everything else must be equal.
 */
function differs(first: Sent, again: Answer | undefined): string | undefined {
  const answer = first.outcome!.answer;
  if (!again) return 'the replay went unanswered';
  if (first.request.path === '/v1/cases') {
    const caseId = (b: unknown) => (b as { caseId?: string } | undefined)?.caseId;
    if (again.status !== 200 && again.status !== answer.status)
      return `status ${answer.status} then ${again.status}`;
    return caseId(again.body) === caseId(answer.body) ? undefined : 'another case id';
  }
  if (again.status !== answer.status) return `status ${answer.status} then ${again.status}`;
  const strip = (body: unknown) => {
    if (answer.status < 400 || typeof body !== 'object' || body === null) return body;
    const { requestId: _id, ...rest } = body as Record<string, unknown>;
    return rest;
  };
  return JSON.stringify(strip(answer.body)) === JSON.stringify(strip(again.body))
    ? undefined
    : 'another body';
}
