import type { z } from 'zod';
import { CommandSchemas, type CommandType, type Role } from '../machines/case.events';

const police = ['police_desk', 'police_supervisor'] as const satisfies readonly Role[];

/** The lifecycle actions the API offers: the URL segment, the machine event it sends and who may send it. */
export const caseActions = {
  acknowledge: {
    type: 'police.acknowledge',
    roles: police,
    summary: 'Police accept the report and grade the risk',
  },
  reject: {
    type: 'police.reject',
    roles: police,
    summary: 'Police reject the report; the clinic keeps responsibility',
  },
  close: { type: 'case.close', roles: police, summary: 'Record how the case ended' },
  withdraw: { type: 'case.withdraw', roles: ['clinic'], summary: 'The clinic withdraws its report' },
} as const satisfies Record<string, { type: CommandType; roles: readonly Role[]; summary: string }>;

/** An action's request body: the command without what the API fills in (who, and the idempotency key). */
export const actionBodySchema = (type: CommandType): z.ZodType =>
  (CommandSchemas[type] as z.ZodObject<z.ZodRawShape>).omit({ by: true, commandId: true }).strict();
