import { performance } from 'node:perf_hooks';
import { withRetries, type HttpClient } from './http';
import { clinicians, clinicOf, reportFor } from './population';
import { latency, round, type Latency } from '../bench-stats';

/** A case the benchmark filed, and when its title ends if it is one of those that fall due. */
export type FiledCase = {
  i: number;
  caseId: string;
  region: string;
  institutionId: string;
  /** When its filing was answered (ms since the epoch). */
  filedAt: number;
  titleEndsAt?: string;
};

/** What filing a range of cases took. */
export type IntakeRun = {
  cases: number;
  seconds: number;
  perSecond: number;
  /** Of each successful POST /v1/cases, the last try. */
  latencyMs: Latency;
  /** Tries that failed with a retryable status (0 for a dropped connection) and were tried again. */
  retriedStatuses: Record<string, number>;
  /** Reports still not filed after every retry: left out, and the first few answers, to see why. */
  notFiled: number;
  notFiledExamples: { i: number; status: number; ms: number; body: string }[];
  /** The first few failed tries, with what they said. */
  retriedExamples: { status: number; ms: number; body: string }[];
};

/**
 * Files reports `from`..`to`-1 (fewer if `until` comes first) over HTTP from `clients` concurrent clients,
 * each by one of its clinic's clinicians, as clinics file them; `titleEndsAt(i)` says whether case `i`'s
 * title ends during the run. A report still refused after every retry is left out and counted: one stuck
 * request must not end a run of an hour.
 */
export async function fileCases(options: {
  call: HttpClient;
  run: string;
  from: number;
  to: number;
  clients: number;
  titleEndsAt: (i: number) => Date | undefined;
  filed: FiledCase[];
  progress: (line: string) => void;
  /** No report is sent after this instant (ms since the epoch): a cluster that stalls ends the intake. */
  until: number;
}): Promise<IntakeRun> {
  const { call, from, to } = options;
  const samples: number[] = [];
  const retried: Record<string, number> = {};
  const retriedExamples: IntakeRun['retriedExamples'] = [];
  const notFiled: IntakeRun['notFiledExamples'] = [];
  const text = (body: unknown) => (typeof body === 'string' ? body : JSON.stringify(body)).slice(0, 300);
  let next = from;
  const started = performance.now();
  let lastSaid = started;
  await Promise.all(
    Array.from({ length: options.clients }, async () => {
      while (next < to && Date.now() < options.until) {
        const i = next++;
        const { institutionId, region } = clinicOf(i);
        const endsAt = options.titleEndsAt(i);
        const body = reportFor(i, options.run, endsAt);
        const clinician = clinicians(institutionId)[i % 2]!;
        const answer = await withRetries(() => call('POST', '/v1/cases', clinician, body));
        for (const failure of answer.failures) {
          retried[failure.status] = (retried[failure.status] ?? 0) + 1;
          if (retriedExamples.length < 5)
            retriedExamples.push({ status: failure.status, ms: round(failure.ms), body: text(failure.body) });
        }
        if (answer.status !== 201 && answer.status !== 200) {
          // A report the cluster would not take even after retries: counted, shown, and left out.
          notFiled.push({ i, status: answer.status, ms: round(answer.ms), body: text(answer.body) });
          options.progress(`report ${i} not filed: ${answer.status} ${text(answer.body)}`);
          continue;
        }
        samples.push(answer.ms);
        const caseId = (answer.body as { caseId: string }).caseId;
        options.filed.push({
          i,
          caseId,
          region,
          institutionId,
          filedAt: Date.now(),
          ...(endsAt && { titleEndsAt: endsAt.toISOString() }),
        });
        if (performance.now() - lastSaid > 15_000) {
          lastSaid = performance.now();
          const seconds = (lastSaid - started) / 1000;
          options.progress(
            `filed ${options.filed.length} (${round(samples.length / seconds)}/s, p99 ${latency(samples.slice(-500)).p99} ms over the last 500)`,
          );
        }
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return {
    cases: samples.length,
    seconds: round(seconds),
    perSecond: round(samples.length / seconds, 2),
    latencyMs: latency(samples),
    retriedStatuses: retried,
    notFiled: notFiled.length,
    notFiledExamples: notFiled.slice(0, 5),
    retriedExamples,
  };
}
