import type { z } from 'zod';
import { CommandSchemas, type CommandType, type Role } from '../machines/case.events';
import { commandRoles } from '../machines/case.permissions';

/** The lifecycle actions the API offers: the URL segment under /v1/cases/{caseId}/ and the event it sends. */
export const caseActions = {
  'internal-search-done': {
    type: 'clinic.internal_search_done',
    summary: 'The ward finished its own search',
  },
  acknowledge: { type: 'police.acknowledge', summary: 'Police accept the report and grade the risk' },
  reject: { type: 'police.reject', summary: 'Police reject the report; the clinic keeps responsibility' },
  'review-risk': { type: 'police.review_risk', summary: 'Record a risk review and when the next one is due' },
  information: {
    type: 'case.add_information',
    summary: 'Add new information; brings the next risk review forward',
  },
  sightings: { type: 'case.record_sighting', summary: 'Record a sighting' },
  'last-seen': {
    type: 'clinic.update_last_seen',
    summary: 'The clinic corrects when and where the person was last seen; the long-missing clock follows',
  },
  located: { type: 'case.record_located', summary: 'Record that the person was found' },
  transport: { type: 'transport.arrange', summary: 'Arrange the way back (ambulance by default)' },
  'confirm-return': { type: 'clinic.confirm_return', summary: 'The clinic confirms the person is back' },
  debrief: {
    type: 'clinic.complete_debrief',
    summary: 'Safe-and-well check and debrief done; closes the case',
  },
  'legal-title': { type: 'clinic.update_title', summary: 'A new or extended legal title moves the end date' },
  'decide-after-expiry': {
    type: 'police.decide_after_expiry',
    summary: 'After the title lapsed: go on searching or close',
  },
  'public-appeal': {
    type: 'case.public_appeal',
    summary: 'Start a public appeal under recorded consent that expires',
  },
  'complete-task': { type: 'task.complete', summary: 'Complete a task a threshold opened' },
  transfer: {
    type: 'police.transfer',
    summary: 'Hand the case to another region, which must acknowledge it',
  },
  close: { type: 'case.close', summary: 'Record how the case ended' },
  withdraw: { type: 'case.withdraw', summary: 'The clinic withdraws its report (or it was a false alarm)' },
} as const satisfies Record<string, { type: CommandType; summary: string }>;

/** Roles that may take an action at all; the machine decides whether the case's state allows it. */
export const actionRoles = (type: CommandType): readonly Role[] => commandRoles[type];

/** An action's request body: the command without what the API fills in (who, and the idempotency key). */
export const actionBodySchema = (type: CommandType): z.ZodType =>
  CommandSchemas[type].omit({ by: true, commandId: true }).strict();
