import type { Role } from '../../../machines/case.events';
import type { CaseResponse, Schemas } from '../api/client';

type Full = Schemas['Case'];
type Crew = Schemas['AmbulanceView'];

/**
 * A case as any projection may hold it: every part optional except what all share. Each role gets its own
 * projection (the clinic the whole case, police without clinical fields, a crew or the crisis service a
 * small part), so the screens render what is present and nothing else.
 */
export type AnyCase = Partial<Full> &
  Partial<
    Pick<
      Crew,
      'person' | 'transport' | 'timeCriticalNeeds' | 'medicationOnHand' | 'riskFactors' | 'clinicContact'
    >
  > & {
    caseId: string;
    status: Full['status'];
    foundAt?: { at: string; place: string }[];
  };

export const anyCase = (view: CaseResponse): AnyCase => view as unknown as AnyCase;

export type Person = NonNullable<AnyCase['person']> & Partial<Full['report']['person']>;

/** The person as the projection names them: within the report (clinic, police) or on its own (crew, crisis). */
export const personOf = (view: AnyCase): Person | undefined => view.report?.person ?? view.person;

export type OpenTask = Full['tasks'][number];
export type Actor = { id: string; role: Role };

/** Whether an actor is the signed-in person. */
export const isMe = (actor: Actor | null | undefined, me: { sub: string; role: Role }) =>
  actor !== null && actor !== undefined && actor.id === me.sub && actor.role === me.role;
