import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker, WorkflowBundleWithSourceMap } from '@temporalio/worker';
import nodemailer from 'nodemailer';
import type { RecordsStore } from '../../records/records.store';
import { testPolicyDocument } from './fixtures';
import { startTestWorker } from './temporal';

/**
 * A case worker on a test server whose webhook notifications for the police (desk and supervisor) go to
 * one real receiver; nobody has an e-mail address, and case records and feeds go to the given records store.
 */
export function testCaseWorker(options: {
  env: TestWorkflowEnvironment;
  bundle: WorkflowBundleWithSourceMap;
  taskQueue: string;
  webhook: { url: string; secret: string };
  /** Where the worker writes case records and feed entries. */
  records: RecordsStore;
  log?: (entry: Record<string, unknown>) => void;
  maxCachedWorkflows?: number;
}): Promise<Worker> {
  const { env, bundle, taskQueue, webhook } = options;
  return startTestWorker(
    env,
    taskQueue,
    bundle,
    {
      contacts: [
        { id: 'police-desks', party: 'police_desk', language: 'nl', webhook },
        { id: 'police-supervisors', party: 'police_supervisor', language: 'nl', webhook },
      ],
      mailer: {
        transport: nodemailer.createTransport({ jsonTransport: true }),
        from: 'noreply@vermist.test',
      },
      feed: options.records.feed,
      records: options.records,
      retention: testPolicyDocument.retention,
      profilePolicy: testPolicyDocument.profiles,
      publicBaseUrl: 'https://vermist.test',
      now: () => new Date(),
      webhookTimeoutMs: 2_000,
      log: options.log ?? (() => undefined),
    },
    { ...(options.maxCachedWorkflows !== undefined && { maxCachedWorkflows: options.maxCachedWorkflows }) },
  );
}
