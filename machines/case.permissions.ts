import type { CommandType, Role } from './case.events';

const police = ['police_desk', 'police_supervisor'] as const;

/**
 * Which roles may send each command at all. The machine refuses any other sender; the API reads the same
 * table to answer 403 (wrong role) apart from 409 (right role, wrong moment).
 */
export const commandRoles: Record<CommandType, readonly Role[]> = {
  'clinic.internal_search_done': ['clinic'],
  'police.acknowledge': police,
  'police.reject': police,
  'police.review_risk': police,
  'case.add_information': ['clinic', ...police],
  'case.record_sighting': ['clinic', ...police],
  'case.record_located': ['clinic', ...police],
  'transport.arrange': ['ambulance', 'clinic', ...police],
  'clinic.confirm_return': ['clinic'],
  'clinic.complete_debrief': ['clinic'],
  'clinic.update_title': ['clinic'],
  'police.decide_after_expiry': police,
  'case.public_appeal': police,
  'task.complete': ['ambulance', ...police],
  'task.claim': ['clinic', 'ambulance', ...police],
  'task.release': ['clinic', 'ambulance', ...police],
  'police.transfer': police,
  'case.close': ['clinic', ...police],
  'case.withdraw': ['clinic'],
  'clinic.update_last_seen': ['clinic'],
};
