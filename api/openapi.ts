import { z } from 'zod';
import { CaseViewSchema } from '../machines/case.view';
import { CaseReportSchema } from '../machines/report.schema';
import { actionBodySchema, actionRoles, caseActions } from './case-actions';
import { feedOpenApiPaths } from './feed.openapi';

const schema = (s: z.ZodType, io: 'input' | 'output' = 'input') =>
  z.toJSONSchema(s, { io, unrepresentable: 'any', target: 'draft-2020-12' });

const problem = {
  description: 'An RFC 9457 problem: type, title, status, detail, field errors where the input was wrong.',
  content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
};
const errors = (...codes: number[]) => Object.fromEntries(codes.map((code) => [String(code), problem]));
const caseResponse = { content: { 'application/json': { schema: { $ref: '#/components/schemas/Case' } } } };
const caseIdParam = { name: 'caseId', in: 'path', required: true, schema: { type: 'string' } };
const idempotencyKey = {
  name: 'Idempotency-Key',
  in: 'header',
  required: true,
  description:
    'Your unique id for this action; retrying with it returns the first answer and applies nothing twice.',
  schema: { type: 'string', minLength: 8, maxLength: 128 },
};

/** The OpenAPI 3.1 document, generated from the same zod schemas that validate requests. */
export function openApiDocument(): Record<string, unknown> {
  const actionPaths = Object.fromEntries(
    Object.entries(caseActions).map(([segment, action]) => [
      `/v1/cases/{caseId}/${segment}`,
      {
        post: {
          summary: action.summary,
          description: `Allowed for: ${actionRoles(action.type).join(', ')}. Refused with 409 when the case's state does not allow it.`,
          parameters: [caseIdParam, idempotencyKey],
          requestBody: {
            required: true,
            content: { 'application/json': { schema: schema(actionBodySchema(action.type)) } },
          },
          responses: {
            '200': { description: 'The case after the action', ...caseResponse },
            ...errors(400, 401, 403, 404, 409),
          },
        },
      },
    ]),
  );
  return {
    openapi: '3.1.0',
    info: {
      title: 'Vermist',
      version: '1',
      description:
        'Cases of missing and absent ggz patients. Each case is a durable Temporal workflow; every answer comes from it.',
    },
    security: [{ bearer: [] }],
    paths: {
      '/v1/cases': {
        post: {
          summary: 'File an absence report (clinic)',
          description:
            'Idempotent on (institutionId, reportId): filing the same report again returns the same case with 200.',
          requestBody: {
            required: true,
            content: { 'application/json': { schema: schema(CaseReportSchema) } },
          },
          responses: {
            '201': { description: 'A new case', ...caseResponse },
            '200': { description: 'The case this report already opened', ...caseResponse },
            ...errors(400, 401, 403, 409),
          },
        },
      },
      '/v1/cases/{caseId}': {
        get: {
          summary: "Read a case, in the caller's own view",
          parameters: [caseIdParam],
          responses: { '200': caseResponse, ...errors(401, 404) },
        },
      },
      ...actionPaths,
      ...feedOpenApiPaths(),
      '/healthz': { get: { summary: 'Liveness', security: [], responses: { '200': { description: 'Up' } } } },
      '/metrics': {
        get: {
          summary: 'Prometheus metrics',
          security: [],
          responses: { '200': { description: 'Text exposition' } },
        },
      },
    },
    components: {
      responses: { Problem: problem },
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      schemas: {
        Case: schema(CaseViewSchema, 'output'),
        Problem: {
          type: 'object',
          required: ['type', 'title', 'status'],
          properties: {
            type: { type: 'string' },
            title: { type: 'string' },
            status: { type: 'integer' },
            detail: { type: 'string' },
            requestId: { type: 'string' },
            errors: {
              type: 'array',
              items: {
                type: 'object',
                properties: { path: { type: 'string' }, message: { type: 'string' } },
              },
            },
          },
        },
      },
    },
  };
}
