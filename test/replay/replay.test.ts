import path from 'node:path';
import { Worker } from '@temporalio/worker';
import { describe, expect, it } from 'vitest';
import { testDataConverter } from '../support/temporal';
import { recordedHistories } from './histories';

/**
 * Cases already running must go on running after a deploy. Each history recorded from a real case is
 * replayed against today's workflow code; a change that would make a running case take another path
 * (a nondeterminism error) fails the build. Intended changes re-record with `npm run record-histories`
 * and, once cases run in production, go behind `patched()` instead.
 */
describe('recorded case histories', () => {
  const histories = recordedHistories();

  it('cover a continued run and every scenario', () => {
    expect(histories.map((h) => h.workflowId)).toEqual(
      expect.arrayContaining([
        'returned-after-transport.run-1',
        'missing-until-title-expired.run-1',
        'ward-search-then-rejected.run-1',
        'continued-as-new.run-1',
        'continued-as-new.run-2',
      ]),
    );
  });

  it('replay without nondeterminism on the current workflow code', async () => {
    const results = [];
    for await (const result of Worker.runReplayHistories(
      {
        workflowsPath: path.join(__dirname, '../../workflows/index.ts'),
        dataConverter: testDataConverter,
      },
      histories,
    )) {
      results.push({ workflowId: result.workflowId, error: result.error?.message });
    }
    expect(results).toEqual(histories.map((h) => ({ workflowId: h.workflowId, error: undefined })));
  }, 180_000);
});
