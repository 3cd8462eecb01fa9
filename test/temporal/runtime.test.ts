import { describe, expect, it } from 'vitest';
import { createLogger } from '../../config/log';
import { sdkLogger } from '../../temporal/runtime';

const capture = () => {
  const lines: Record<string, unknown>[] = [];
  const logger = sdkLogger(
    createLogger('debug', { service: 'test' }, (line) => lines.push(JSON.parse(line))),
  );
  return { lines, logger };
};

describe('SDK log adapter', () => {
  it('writes one JSON line with the workflow and case ids when a case workflow logs', () => {
    const { lines, logger } = capture();
    logger.warn('Activity failed', {
      sdkComponent: 'worker',
      workflowId: 'case-ggz-noord-rep-1',
      runId: 'run-1',
      activityType: 'announce',
      attempt: 2,
    });
    expect(lines).toEqual([
      expect.objectContaining({
        level: 'warn',
        msg: 'Activity failed',
        service: 'test',
        workflowId: 'case-ggz-noord-rep-1',
        caseId: 'case-ggz-noord-rep-1',
        runId: 'run-1',
        activityType: 'announce',
        attempt: 2,
      }),
    ]);
  });

  it('drops metadata that could carry a report, and keeps only the name of an error', () => {
    const { lines, logger } = capture();
    logger.error('Workflow failed', {
      workflowId: 'case-ggz-noord-rep-2',
      args: [{ person: { name: 'Jan de Vries' } }],
      error: new TypeError('cannot read diagnosis of Jan de Vries'),
    });
    const text = JSON.stringify(lines);
    expect(text).not.toContain('Jan de Vries');
    expect(lines[0]).toMatchObject({ level: 'error', error: 'TypeError' });
    expect(lines[0]).not.toHaveProperty('args');
  });

  it('names no case for workflows that are not cases', () => {
    const { lines, logger } = capture();
    logger.info('hello', { workflowId: 'clock-1' });
    expect(lines[0]).not.toHaveProperty('caseId');
  });
});
