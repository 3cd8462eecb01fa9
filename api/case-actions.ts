import type { z } from 'zod';
import { closingRoles } from '../machines/case.access';
import { CommandSchemas, type CommandType } from '../machines/case.events';

const endings = Object.entries(closingRoles)
  .map(([outcome, roles]) => `${outcome} by ${roles.join(' or ')}`)
  .join('; ');

/**
 * The lifecycle actions the API offers: the URL segment under /v1/cases/{caseId}/, the event it sends, and
 * when the machine takes it (`when`: a schema-valid request outside it answers 409, and the OpenAPI
 * document says so). The machine decides; these sentences describe its guards for clients.
 */
export const caseActions = {
  'internal-search-done': {
    type: 'clinic.internal_search_done',
    summary: 'The ward finished its own search',
    when: "Only while the ward's own search is open. `found: true` closes the case as false_alarm.",
  },
  acknowledge: {
    type: 'police.acknowledge',
    summary: 'Police accept the report and grade the risk',
    when: 'Only while the report awaits acknowledgement (status `reported`).',
  },
  reject: {
    type: 'police.reject',
    summary: 'Police reject the report, with typed grounds; the case stays open under the clinic',
    when: 'Only while the report awaits acknowledgement (status `reported`).',
  },
  'route-after-rejection': {
    type: 'clinic.route_after_rejection',
    summary: 'After a rejection: search on, call the crisis service, file a zorgmelding, or close',
    when: 'Only while the case is rejected (status `rejected`). `close` closes it as rejected_by_police.',
  },
  'dispute-rejection': {
    type: 'clinic.dispute_rejection',
    summary: 'The clinic disputes the rejection; a police supervisor reviews it',
    when: 'Only while the case is rejected (status `rejected`).',
  },
  'review-rejection': {
    type: 'police.review_rejection',
    summary:
      'A supervisor upholds a disputed rejection (back to the clinic) or overturns it (reported again)',
    when: 'Only while a rejection is disputed (status `rejection_disputed`).',
  },
  'review-risk': {
    type: 'police.review_risk',
    summary: 'Record a risk review and when the next one is due',
    when: "Only while the search is active, and only with a `nextReviewAt` after now and no later than the policy's review period for the new grade (by default 2 h high, 8 h medium, 24 h low).",
  },
  information: {
    type: 'case.add_information',
    summary: 'Add new information; brings the next risk review forward',
    when: 'Only while the search is active.',
  },
  sightings: {
    type: 'case.record_sighting',
    summary: 'Record a sighting',
    when: 'Only while the search is active.',
  },
  'last-seen': {
    type: 'clinic.update_last_seen',
    summary: 'The clinic corrects when and where the person was last seen; the long-missing clock follows',
    when: 'While the case is open, and only with a `seenAt` no later than the moment the case receives it.',
  },
  description: {
    type: 'clinic.update_description',
    summary: 'The clinic completes or corrects the signalement; the fields it sends replace those',
    when: 'While the case is open.',
  },
  located: {
    type: 'case.record_located',
    summary: 'Record that the person was found',
    when: 'While the search is active, or after the title lapsed while police decide on the search.',
  },
  alert: {
    type: 'police.place_alert',
    summary: 'Police put out an alert (signalering) for the person; it must come down when the search ends',
    when: 'Only while the search is active.',
  },
  custody: {
    type: 'police.record_custody',
    summary: 'The person was arrested: where they are held and the expected release',
    when: 'While the search is active, or again in custody to update the place or the expected release.',
  },
  release: {
    type: 'police.release_from_custody',
    summary: 'Released from custody: the way back is arranged next',
    when: 'Only while the person is in custody (status `in_custody`).',
  },
  transport: {
    type: 'transport.arrange',
    summary: 'Arrange the way back (ambulance by default)',
    when: 'While the person is located (after a lapsed title: on the crisis route). A police car (`mode: police`) needs a `policeReason`.',
  },
  'confirm-return': {
    type: 'clinic.confirm_return',
    summary: 'The clinic confirms the person is back',
    when: 'While the person is located or in transport.',
  },
  debrief: {
    type: 'clinic.complete_debrief',
    summary: 'Safe-and-well check and debrief done; closes the case when safe and well',
    when: 'Only once the person is back (status `returned`). Not safe and well, the case moves to `follow_up` with a task for the clinic.',
  },
  'follow-up': {
    type: 'clinic.complete_follow_up',
    summary: 'After a return that was not safe and well: the follow-up care is arranged; closes the case',
    when: 'Only after a debrief that found the person not safe and well (status `follow_up`).',
  },
  'legal-title': {
    type: 'clinic.update_title',
    summary: 'A new or extended legal title moves the end date',
    when: 'While the case is open.',
  },
  'decide-after-expiry': {
    type: 'police.decide_after_expiry',
    summary: 'After the title lapsed: go on searching or close',
    when: 'Only after the title lapsed while the person is still missing, until police decided.',
  },
  'crisis-assessment': {
    type: 'crisis.record_assessment',
    summary: 'The crisis service records its assessment of someone found after their title lapsed',
    when: 'Only while the crisis assessment is open (after a lapsed title, once the person is found).',
  },
  'public-appeal': {
    type: 'case.public_appeal',
    summary: 'Start a public appeal under recorded consent that expires',
    when: 'While the case is open.',
  },
  'complete-task': {
    type: 'task.complete',
    summary: 'Complete a task a threshold opened',
    when: 'Only while that task is open; its owner or the police complete it.',
  },
  transfer: {
    type: 'police.transfer',
    summary: 'Hand the case to another region, which must acknowledge it',
    when: 'Only while the search is active.',
  },
  close: {
    type: 'case.close',
    summary: 'Record how the case ended',
    when: `While the case is open; \`arrested\` only while the person is in custody. Who may record which ending (403 for anyone else): ${endings}.`,
  },
  withdraw: {
    type: 'case.withdraw',
    summary: 'The clinic withdraws its report (or it was a false alarm)',
    when: 'While the case is open.',
  },
} as const satisfies Record<string, { type: CommandType; summary: string; when: string }>;

/** An action's request body: the command without what the API fills in (who, and the idempotency key). */
export const actionBodySchema = (type: CommandType): z.ZodType =>
  CommandSchemas[type].omit({ by: true, commandId: true }).strict();
