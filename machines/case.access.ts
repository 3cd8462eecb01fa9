import type { SnapshotFrom } from 'xstate';
import type { Actor, CommandEvent, CommandType, DirectOutcome, Role, TaskKind } from './case.events';
import type { CaseMachine } from './case.machine';
import { caseStatus } from './case.status';
import { openTasks } from './case.tasks';

/**
 * Who may do what with a case: roles, tenancy and claims, in one place. The machine's guards use these
 * rules on every transition a person causes; the API and the workflow only forward a request and map the
 * machine's refusal to 403 (never allowed for this role), 404 (not in the caller's tenant) or 409 (allowed,
 * but not now).
 */

const police = ['police_desk', 'police_supervisor'] as const satisfies readonly Role[];
const everyone = [
  'clinic',
  'police_desk',
  'police_supervisor',
  'ambulance',
  'crisis_service',
] as const satisfies readonly Role[];

/** Which roles may send each command at all. The machine refuses any other sender in every state. */
export const commandRoles: Record<CommandType, readonly Role[]> = {
  'clinic.internal_search_done': ['clinic'],
  'police.acknowledge': police,
  'police.reject': police,
  'clinic.route_after_rejection': ['clinic'],
  'clinic.dispute_rejection': ['clinic'],
  'police.review_rejection': ['police_supervisor'],
  'police.review_risk': police,
  'case.add_information': ['clinic', ...police],
  'case.record_sighting': ['clinic', ...police],
  'case.record_located': ['clinic', ...police],
  'police.place_alert': police,
  'police.record_custody': police,
  'police.release_from_custody': police,
  'transport.arrange': ['ambulance', 'clinic', ...police],
  'clinic.confirm_return': ['clinic'],
  'clinic.complete_debrief': ['clinic'],
  'clinic.complete_follow_up': ['clinic'],
  'clinic.update_title': ['clinic'],
  'police.decide_after_expiry': police,
  'crisis.record_assessment': ['crisis_service'],
  'case.public_appeal': police,
  'task.complete': ['ambulance', ...police],
  'task.claim': everyone,
  'task.release': everyone,
  'task.reassign': ['police_supervisor'],
  'police.transfer': police,
  'case.close': ['clinic', ...police],
  'case.withdraw': ['clinic'],
  'clinic.update_last_seen': ['clinic'],
  'clinic.update_description': ['clinic'],
};

/** Whether a role may send a command at all, in any state. */
export function maySend(role: Role, type: CommandType): boolean {
  return commandRoles[type].includes(role);
}

/** Who may record which ending directly. Police record every one; a clinic those that are its own to know. */
export const closingRoles: Record<DirectOutcome, readonly Role[]> = {
  returned_on_own: [...police, 'clinic'],
  found_by_family: police,
  admitted_elsewhere: [...police, 'clinic'],
  transferred: ['clinic', 'police_supervisor'],
  arrested: police,
  found_deceased: police,
};

/** What each role may read beside the case itself, which every role in the tenant reads in its projection. */
export const readRoles = {
  /** Filing a report is the clinic's: it is the clinic that notices the absence. */
  file: ['clinic'],
  /** The parties that act on the whole case, not the crew of one transport. */
  timeline: ['clinic', ...police],
  /** The photo of the person: for those who search for them or bring them back, never the crisis service. */
  photo: ['clinic', ...police, 'ambulance'],
  /**
   * Decoded workflow payloads (Temporal's codec endpoint): namespace-wide, since a request names no case,
   * so only the role that answers for every read in its region, and each decode is on record.
   */
  decodedPayloads: ['police_supervisor'],
  /** Failed deliveries and the access log are the supervisor's to follow up. */
  failedDeliveries: ['police_supervisor'],
  accessRecords: ['police_supervisor'],
} as const satisfies Record<string, readonly Role[]>;

/** The parties whose reasons are free text written by a person, which only they may read. */
export const freeTextReaders: readonly string[] = ['clinic', ...police];

/** A caller as tenancy sees them: a clinic belongs to an institution, everyone else to a police region. */
export type Tenancy =
  { role: 'clinic'; institutionId: string } | { role: Exclude<Role, 'clinic'>; region: string };

/** Where a caller's lists look: a clinic's institution, anyone else's region. */
export type Tenant = { institutionId: string } | { region: string };

export function tenantOf(caller: Tenancy): Tenant {
  return caller.role === 'clinic' ? { institutionId: caller.institutionId } : { region: caller.region };
}

/**
 * Roles that see a case of their region only while it gives them a task: an ambulance crew its transport,
 * the crisis service its assessment. They need nothing else of the case.
 */
const onlyWithTask: readonly Role[] = ['ambulance', 'crisis_service'];

/** The role whose tasks a caller's lists are limited to: its own when it sees only cases with its task. */
export function tasksBoundTo(role: Role): Role | undefined {
  return onlyWithTask.includes(role) ? role : undefined;
}

/**
 * Whether a case belongs to the caller's tenant: the clinic's own institution, the police's own region (a
 * transferred case moves with its region), and for a crew or the crisis service a case in its region with
 * a task of theirs. Outside it the case does not exist for them (404, so ids leak nothing).
 */
export function inTenant(
  caller: Tenancy,
  facts: { institutionId: string; region: string; tasks: readonly { role: Role }[] },
): boolean {
  if (caller.role === 'clinic') return facts.institutionId === caller.institutionId;
  if (facts.region !== caller.region) return false;
  return !onlyWithTask.includes(caller.role) || facts.tasks.some((task) => task.role === caller.role);
}

/**
 * The institution whose patient profiles a caller keeps and lists: a clinic's own; nobody else keeps any
 * (403 on keeping or listing). A profile is its clinic's alone until a report discloses parts of it through
 * each party's projection.
 */
export function profileTenant(caller: Tenancy): string | undefined {
  return caller.role === 'clinic' ? caller.institutionId : undefined;
}

/**
 * Whether a caller sees a profile: its own institution's clinic only. To anyone else (another clinic,
 * police, a crew, the crisis service) it does not exist (404, so ids and patients leak nothing).
 */
export function seesProfile(caller: Tenancy, profile: { institutionId: string }): boolean {
  return profileTenant(caller) === profile.institutionId;
}

/**
 * The institution whose ward rates a caller reads: a clinic's own; nobody else (403). Police are left out
 * on purpose: a rate is per ward of one institution, while a region spans institutions, and a repeat links
 * a patient's absences across regions, so a supervisor's count would rest on cases outside their tenant.
 * Supervisors see repeats per institution and ward as metrics on their dashboard instead.
 */
export function wardRatesTenant(caller: Tenancy): string | undefined {
  return caller.role === 'clinic' ? caller.institutionId : undefined;
}

/** An open task as the claim rules see it: who owns it, and whom it went to when its deadline passed. */
export type TaskHolders = { role: Role; escalatedTo: Role | null };

/** A task is taken on by a role it concerns: its owner, or the role it was escalated to. */
export function mayTake(task: TaskHolders, actor: Actor): boolean {
  return maySend(actor.role, 'task.claim') && (task.role === actor.role || task.escalatedTo === actor.role);
}

/** A supervisor hands on the police's tasks: those police own, or that went to police when overdue. */
export function mayReassign(task: TaskHolders, by: Actor, to: Actor): boolean {
  const police_ = (role: Role | null) => role === 'police_desk' || role === 'police_supervisor';
  return (
    maySend(by.role, 'task.reassign') &&
    (police_(task.role) || police_(task.escalatedTo)) &&
    mayTake(task, to)
  );
}

/** A task a threshold or transport opened is completed by its owner; police complete any of them. */
export function mayComplete(task: Pick<TaskHolders, 'role'>, actor: Actor): boolean {
  return (
    maySend(actor.role, 'task.complete') &&
    (task.role === actor.role || actor.role === 'police_desk' || actor.role === 'police_supervisor')
  );
}

/** Why the case refuses a command: never allowed for this role, or not possible now. */
export type Refusal = { kind: 'forbidden' | 'not_now'; message: string };

/** A command its sender's role may never send, whatever the case's state; null when the role may. */
export function roleRefusal(
  event: Pick<CommandEvent, 'by' | 'type'> & { outcome?: unknown },
): Refusal | null {
  const { role } = event.by;
  if (!maySend(role, event.type))
    return { kind: 'forbidden', message: `a ${role} user may not send ${event.type}` };
  const outcome = event.outcome as DirectOutcome;
  if (event.type === 'case.close' && !closingRoles[outcome].includes(role))
    return { kind: 'forbidden', message: `a ${role} user may not record the outcome ${outcome}` };
  return null;
}

/**
 * Whether the case takes a command now, and if not, why. The machine's guards decide; this only tells a
 * role that may never send the command (403) from one that may, but not in this state (409). `forTask`
 * names the task a completion is for: the command then counts only while that task is open, so a
 * completion never does something else the same command does in another state.
 */
export function refusalOf(
  snapshot: SnapshotFrom<CaseMachine>,
  event: CommandEvent,
  forTask?: TaskKind,
): Refusal | null {
  const forbidden = roleRefusal(event);
  if (forbidden) return forbidden;
  const status = caseStatus(snapshot);
  if (forTask !== undefined && !openTasks(snapshot).some((task) => task.task === forTask))
    return { kind: 'not_now', message: `task ${forTask} is not open while the case is ${status}` };
  // Not `snapshot.can`: that says no to a transition that changes nothing, and a holder claiming again is
  // taken (and answered) all the same.
  if ((snapshot.machine.getTransitionData(snapshot, event) ?? []).length === 0)
    return { kind: 'not_now', message: `'${event.type}' is not possible while the case is ${status}` };
  return null;
}
