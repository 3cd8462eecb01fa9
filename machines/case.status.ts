import { z } from 'zod';
import type { SnapshotFrom } from 'xstate';
import type { CaseMachine } from './case.machine';

/** The status the outside world sees. Internal state names stay inside the machine. */
export const CaseStatusSchema = z.enum(['reported', 'search_active', 'closed']);
export type CaseStatus = z.infer<typeof CaseStatusSchema>;

export function caseStatus(snapshot: SnapshotFrom<CaseMachine>): CaseStatus {
  if (snapshot.matches('closed')) return 'closed';
  if (snapshot.matches({ open: 'searching' })) return 'search_active';
  return 'reported';
}
