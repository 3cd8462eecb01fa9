import { projectCase, type PartyView } from '../machines/case.projections';
import type { CaseView } from '../machines/case.view';
import type { Tenant } from '../records/case-records';
import type { Principal } from './auth';

/**
 * What the caller may see of a case (domain.md, "Data"): their role's projection, and nothing else. The
 * clinic sees its own report whole; nobody else ever receives the clinical fields.
 */
export function projectFor(principal: Principal, view: CaseView): PartyView[Principal['role']] {
  return projectCase(principal.role, view, new Date().toISOString());
}

/**
 * Whether the case belongs to the caller's tenant: the clinic's own institution, the police's own region
 * (a transferred case moves with its region), and for an ambulance a case in its region with a crew task.
 */
export function inTenant(
  principal: Principal,
  view: Pick<CaseView, 'institutionId' | 'region' | 'tasks'>,
): boolean {
  if (principal.role === 'clinic') return view.institutionId === principal.institutionId;
  if (view.region !== principal.region) return false;
  return principal.role !== 'ambulance' || view.tasks.some((task) => task.role === 'ambulance');
}

/** Where the caller's lists look in the records store: a clinic's institution, anyone else's region. */
export function tenantOf(principal: Principal): Tenant {
  return principal.role === 'clinic'
    ? { institutionId: principal.institutionId }
    : { region: principal.region };
}
