import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closingRoles } from '../../machines/case.access';
import { DirectOutcomeSchema, OutcomeSchema, type Actor, type Outcome } from '../../machines/case.events';
import type { CaseHarness as Harness } from '../support/case-harness';
import { CaseHarness } from '../support/case-harness';
import { actorFor, ambulance, clinician, police, supervisor } from '../support/fixtures';

type Drive = (h: Harness, caseId: string, send: Send) => Promise<void>;
type Send = (type: Parameters<Harness['cases']['command']>[1], body: object, by?: Actor) => Promise<unknown>;

const acknowledge: Drive = async (_h, _id, send) => {
  await send('police.acknowledge', {
    risk: 'medium',
    urgent: false,
    knownFacts: 'left through the garden',
    source: 'ward nurse',
  });
};

/** How a case reaches each ending of domain.md, through the lifecycle where the ending is not direct. */
const endings: Record<Outcome, { file?: object; drive: Drive }> = {
  ...(Object.fromEntries(
    DirectOutcomeSchema.options.map((outcome) => [
      outcome,
      {
        drive: async (h, id, send) => {
          await acknowledge(h, id, send);
          // An arrest is a custody first; the case ends as arrested only from there.
          if (outcome === 'arrested')
            await send('police.record_custody', {
              place: 'Politiebureau Assen',
              expectedReleaseAt: new Date((await h.now()).getTime() + 6 * 3_600_000).toISOString(),
            });
          await send('case.close', { outcome }, actorFor[closingRoles[outcome][0]!]);
        },
      },
    ]),
  ) as Record<(typeof DirectOutcomeSchema.options)[number], { drive: Drive }>),
  returned: {
    drive: async (h, id, send) => {
      await acknowledge(h, id, send);
      await send('case.record_located', { foundBy: 'police', place: 'Station Assen' });
      await send(
        'transport.arrange',
        { mode: 'ambulance', pickup: 'Station Assen', destination: 'De Linde, GGZ Noord' },
        ambulance,
      );
      await send('clinic.confirm_return', {}, clinician);
      await send(
        'clinic.complete_debrief',
        { safeAndWell: true, whatHappened: 'took the train to see his sister' },
        clinician,
      );
    },
  },
  legal_basis_expired: {
    file: { legalTitle: { kind: 'crisismaatregel', startsOn: '2026-11-23', endsOn: '2026-11-26' } },
    drive: async (h, id, send) => {
      await acknowledge(h, id, send);
      await h.advance('3 days'); // the title ends while the search is on
      await send('police.decide_after_expiry', { continueSearch: false }, supervisor);
    },
  },
  withdrawn: {
    drive: async (_h, _id, send) => {
      await send('case.withdraw', { reason: 'reported by mistake' }, clinician);
    },
  },
  false_alarm: {
    file: { internalSearchDone: false },
    drive: async (_h, _id, send) => {
      await send('clinic.internal_search_done', { found: true }, clinician);
    },
  },
  rejected_by_police: {
    drive: async (_h, _id, send) => {
      await send('police.reject', { grounds: 'no_danger', reason: 'no danger and no compulsory title' });
      await send('clinic.route_after_rejection', { route: 'close' }, clinician);
    },
  },
};

describe('every ending of a case, on the time-skipping server', () => {
  const h = new CaseHarness('case-endings-test');
  beforeAll(() => h.start().then(() => undefined));
  afterAll(() => h.stop());

  it('has a way to every outcome domain.md names', () => {
    expect(Object.keys(endings).sort()).toEqual([...OutcomeSchema.options].sort());
  });

  // The one ending that moves the clock goes first: the Java test server has been seen to stop skipping time
  // once many other cases' notification workflows share its queue.
  const order = [
    'legal_basis_expired' as const,
    ...OutcomeSchema.options.filter((o) => o !== 'legal_basis_expired'),
  ];

  it.each(order)('closes a case as %s and completes its workflow', async (outcome) => {
    const { caseId } = await h.file(endings[outcome].file ?? {});
    let seq = 0;
    const send: Send = (type, body, by = police) =>
      h.cases.command(caseId, type, { commandId: `${caseId}-${++seq}`, by, ...body });
    await endings[outcome].drive(h, caseId, send);
    const result = await h.env.client.workflow.getHandle(caseId).result();
    expect(result).toEqual({ caseId, status: 'closed', version: expect.any(Number) });
    expect(await h.cases.get(caseId)).toMatchObject({ status: 'closed', outcome, tasks: [] });
    expect(await h.announcements(caseId)).toContain('case.closed');
  });
});
