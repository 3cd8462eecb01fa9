import { Context } from '@temporalio/activity';
import type { LogLevel, LogMetadata, Logger as SdkLogger } from '@temporalio/common';
import { Runtime } from '@temporalio/worker';
import type { Logger } from '../config/log';
import { caseMetrics, timeToBuckets } from '../machines/case.metrics';

/**
 * Metadata the SDK attaches to its log lines that we pass on: ids and facts of handling. Anything else (an
 * activity's arguments, a failure's details) could carry a report's contents, so it is dropped.
 */
const KEPT_META = [
  'sdkComponent',
  'namespace',
  'taskQueue',
  'workflowId',
  'runId',
  'workflowType',
  'activityId',
  'activityType',
  'attempt',
  'durationMs',
  'state',
] as const;

/** Adapts our JSON logger to the SDK's Logger, keeping only the metadata in KEPT_META. */
export function sdkLogger(log: Logger): SdkLogger {
  const write = (level: LogLevel, message: string, meta: LogMetadata = {}) => {
    const fields: Record<string, unknown> = {};
    for (const key of KEPT_META) if (meta[key] !== undefined) fields[key] = meta[key];
    // Case workflows are named after their case: the case id correlates with API and activity lines.
    if (typeof meta.workflowId === 'string' && meta.workflowId.startsWith('case-'))
      fields.caseId = meta.workflowId;
    if (meta.error instanceof Error) fields.error = meta.error.name;
    const target =
      level === 'TRACE' || level === 'DEBUG'
        ? 'debug'
        : level === 'INFO'
          ? 'info'
          : level === 'WARN'
            ? 'warn'
            : 'error';
    log[target](message, fields);
  };
  return {
    log: write,
    trace: (message, meta) => write('TRACE', message, meta),
    debug: (message, meta) => write('DEBUG', message, meta),
    info: (message, meta) => write('INFO', message, meta),
    warn: (message, meta) => write('WARN', message, meta),
    error: (message, meta) => write('ERROR', message, meta),
  };
}

/**
 * Installs the process's Temporal runtime: SDK and workflow metrics on a Prometheus endpoint (SDK default
 * names, so Temporal's public SDK dashboards work), SDK logs through our JSON logger. Call once per process,
 * before the first connection.
 */
export function installTemporalRuntime(options: {
  metricsBindAddress?: string | undefined;
  log: Logger;
}): Runtime {
  const histograms = Object.values(caseMetrics).filter((metric) => metric.type === 'histogram');
  return Runtime.install({
    logger: sdkLogger(options.log),
    telemetryOptions: {
      logging: { filter: { core: 'WARN', other: 'ERROR' }, forward: {} },
      ...(options.metricsBindAddress && {
        metrics: {
          prometheus: {
            bindAddress: options.metricsBindAddress,
            histogramBucketOverrides: Object.fromEntries(histograms.map((m) => [m.name, timeToBuckets])),
          },
        },
      }),
    },
  });
}

/**
 * The ids of the activity being run, for our own log lines from activities: they then correlate with the
 * SDK's lines and the API's by workflow id. Empty outside an activity.
 */
export function activityLogFields(): Record<string, string | number> {
  try {
    const { workflowExecution, activityId, activityType, attempt } = Context.current().info;
    return {
      ...(workflowExecution && { workflowId: workflowExecution.workflowId, runId: workflowExecution.runId }),
      activityId,
      activityType,
      attempt,
    };
  } catch {
    return {};
  }
}
