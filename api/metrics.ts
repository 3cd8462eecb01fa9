import express from 'express';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** The API's own Prometheus registry and the instruments it records. */
export function createApiMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    httpRequests: new Counter({
      name: 'vermist_http_requests_total',
      help: 'HTTP requests answered, by method, route template and status code.',
      labelNames: ['method', 'route', 'status'] as const,
      registers: [registry],
    }),
    httpDuration: new Histogram({
      name: 'vermist_http_request_duration_seconds',
      help: 'Time to answer an HTTP request, by method and route template.',
      labelNames: ['method', 'route'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    casesFiled: new Counter({
      name: 'vermist_cases_filed_total',
      help: 'Reports that opened a new case (retries of the same report are not counted), by region.',
      labelNames: ['region'] as const,
      registers: [registry],
    }),
  };
}
export type ApiMetrics = ReturnType<typeof createApiMetrics>;

/**
 * The API's metrics on a port of their own: open cases by region and risk are operational facts, not for
 * whoever reaches the public port. Loopback by default; Prometheus reaches it on the internal network.
 */
export function createMetricsApp(metrics: ApiMetrics): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.get('/metrics', async (_req, res) => {
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
  return app;
}
