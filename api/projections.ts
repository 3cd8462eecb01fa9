import { projectCase, type PartyView } from '../machines/case.projections';
import type { CaseView } from '../machines/case.view';
import type { Principal } from './auth';

/**
 * What the caller may see of a case (domain.md, "Data"): their role's projection, and nothing else. The
 * clinic sees its own report whole; nobody else ever receives the clinical fields.
 */
export function projectFor(principal: Principal, view: CaseView): PartyView[Principal['role']] {
  return projectCase(principal.role, view, new Date().toISOString());
}
