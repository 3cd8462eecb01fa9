import { z } from 'zod';
import type { SnapshotFrom } from 'xstate';
import type { CaseMachine } from './case.machine';

/** The status the outside world sees. Internal state names stay inside the machine. */
export const CaseStatusSchema = z.enum([
  'internal_search',
  'reported',
  'rejected',
  'rejection_disputed',
  'clinic_search',
  'search_active',
  'located',
  'in_custody',
  'in_transport',
  'returned',
  'follow_up',
  'closed',
]);
export type CaseStatus = z.infer<typeof CaseStatusSchema>;

/** Where the legal basis stands: the power to bring the person back, and for how long. */
export const LegalStatusSchema = z.enum(['no_title', 'active', 'ending_soon', 'ended']);
export type LegalStatus = z.infer<typeof LegalStatusSchema>;

const lifecycleStatus = {
  starting: 'reported',
  internalSearch: 'internal_search',
  reported: 'reported',
  rejected: 'rejected',
  disputed: 'rejection_disputed',
  clinicSearch: 'clinic_search',
  searching: 'search_active',
  located: 'located',
  inCustody: 'in_custody',
  inTransport: 'in_transport',
  returned: 'returned',
  followUp: 'follow_up',
} as const satisfies Record<string, CaseStatus>;

const legalStatus = {
  judging: 'active',
  none: 'no_title',
  active: 'active',
  endingSoon: 'ending_soon',
  ended: 'ended',
} as const satisfies Record<string, LegalStatus>;

type OpenValue = {
  open: { lifecycle: keyof typeof lifecycleStatus; legal: keyof typeof legalStatus | { ended: string } };
};

export function caseStatus(snapshot: SnapshotFrom<CaseMachine>): CaseStatus {
  if (snapshot.status === 'done' || 'closed' in (snapshot.value as object)) return 'closed';
  return lifecycleStatus[(snapshot.value as OpenValue).open.lifecycle];
}

/** The legal basis as of the snapshot; after closing, as it stood then. */
export function legalStatusOf(snapshot: SnapshotFrom<CaseMachine>): LegalStatus {
  if (snapshot.status === 'done' || 'closed' in (snapshot.value as object))
    return snapshot.context.outcome === 'legal_basis_expired' ? 'ended' : 'active';
  const legal = (snapshot.value as OpenValue).open.legal;
  return typeof legal === 'string' ? legalStatus[legal] : 'ended';
}
