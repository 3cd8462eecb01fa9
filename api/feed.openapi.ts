import { z } from 'zod';
import { AnnouncementKindSchema } from '../machines/case.events';
import { FeedEntrySchema } from '../machines/notification.schema';

const json = (s: z.ZodType) =>
  z.toJSONSchema(s, { io: 'output', unrepresentable: 'any', target: 'draft-2020-12' });
const problem = { $ref: '#/components/responses/Problem' };

/** The OpenAPI paths of the feed routes (api/feed.routes.ts). */
export function feedOpenApiPaths(): Record<string, unknown> {
  const list = (name: string, item: z.ZodType) => ({
    description: `The ${name}, oldest first`,
    content: { 'application/json': { schema: json(z.object({ [name]: z.array(item) })) } },
  });
  return {
    '/v1/feed': {
      get: {
        summary: "What the caller's role was told, in the caller's tenant (institution or region)",
        parameters: [
          { name: 'event', in: 'query', required: false, schema: json(AnnouncementKindSchema) },
          { name: 'since', in: 'query', required: false, schema: { type: 'string', format: 'date-time' } },
        ],
        responses: {
          '200': list('entries', FeedEntrySchema),
          '400': problem,
          '401': problem,
          '503': problem,
        },
      },
    },
    '/v1/deliveries/failed': {
      get: {
        summary: "Notifications that failed for good in the supervisor's region (police supervisor)",
        responses: {
          '200': list(
            'failures',
            z.object({ caseId: z.string(), at: z.string(), reason: z.string().nullable(), link: z.string() }),
          ),
          '401': problem,
          '403': problem,
        },
      },
    },
  };
}
