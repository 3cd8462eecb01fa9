import type { CaseView } from '../machines/case.view';
import type { Principal } from './auth';

/**
 * What each party may see of a case (domain.md, "Data"). The clinic sees its own report whole; nobody
 * else ever receives the clinical fields, whatever they ask for.
 */
export function projectFor(principal: Principal, view: CaseView): CaseView {
  if (principal.role === 'clinic') return view;
  const { clinical: _clinical, ...report } = view.report;
  return { ...view, report: { ...report, clinical: {} } };
}

/** Whether the case belongs to the caller's tenant: the clinic's own institution, the police's own region. */
export function inTenant(principal: Principal, view: Pick<CaseView, 'institutionId' | 'region'>): boolean {
  return principal.role === 'clinic'
    ? view.institutionId === principal.institutionId
    : view.region === principal.region;
}
