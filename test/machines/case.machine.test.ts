import { describe, expect, it } from 'vitest';
import { initialTransition, transition, type SnapshotFrom } from 'xstate';
import type { Actor, CaseEvent, DeadlineKey } from '../../machines/case.events';
import { refusalOf } from '../../machines/case.access';
import type { RecordEntry } from '../../machines/case.context';
import { caseMachine, effectsOf, type Announcement } from '../../machines/case.machine';
import { caseStatus, legalStatusOf } from '../../machines/case.status';
import { openTasks } from '../../machines/case.tasks';
import {
  aCaseInput,
  aTitle,
  ambulance,
  clinician,
  crisisService,
  police,
  supervisor,
} from '../support/fixtures';

type Snapshot = SnapshotFrom<typeof caseMachine>;
const REPORTED_AT = '2026-11-24T08:10:00.000Z';
const LAST_SEEN = '2026-11-24T07:40:00.000Z';
/** An instant `minutes` after the report was filed. */
const at = (minutes: number) => new Date(Date.parse(REPORTED_AT) + minutes * 60_000).toISOString();
const hours = (h: number) => h * 60;

type Step = CaseEvent | Omit<CaseEvent, 'at'>;
/** Whether the case takes a person's command now. */
const accepts = (snapshot: Snapshot, event: CaseEvent) =>
  refusalOf(snapshot, event as Parameters<typeof refusalOf>[1]) === null;

/**
 * Files a case and applies events in order; returns the last snapshot, every announcement made and every
 * entry added to the case's record.
 */
function drive(input = aCaseInput(), ...events: Step[]) {
  let [snapshot, actions] = initialTransition(caseMachine, input);
  const announced: Announcement[] = [];
  const recorded: RecordEntry[] = [];
  const collect = (list: typeof actions) => {
    const { announcements, entries } = effectsOf(list);
    announced.push(...announcements);
    recorded.push(...entries);
  };
  collect(actions);
  for (const event of events) {
    expect(snapshot.can(event as CaseEvent), `${event.type} should be allowed`).toBe(true);
    [snapshot, actions] = transition(caseMachine, snapshot, event as CaseEvent);
    collect(actions);
  }
  return { snapshot, announced, recorded, events: announced.map((a) => a.event) };
}

const acknowledge = (minutes = 5, risk: 'low' | 'medium' | 'high' = 'high') =>
  ({
    type: 'police.acknowledge',
    at: at(minutes),
    by: police,
    risk,
    urgent: true,
    knownFacts: 'left via garden',
    source: 'ward nurse',
  }) as const;
const deadline = (key: DeadlineKey, when: string) =>
  ({ type: 'deadline.passed', at: when, deadline: key }) as const;
const due = (s: Snapshot, key: DeadlineKey) => s.context.deadlines[key];
const located = (minutes: number) =>
  ({
    type: 'case.record_located',
    at: at(minutes),
    by: police,
    foundBy: 'police',
    place: 'Station Assen',
  }) as const;
/** The way back arranged at `minutes`, from the station to the ward. */
const transport = (
  minutes: number,
  by: Actor = police,
  mode: 'ambulance' | 'care_transport' | 'clinic_staff' | 'own_accord' = 'ambulance',
) =>
  ({
    type: 'transport.arrange',
    at: at(minutes),
    by,
    mode,
    pickup: 'Station Assen',
    destination: 'De Linde, GGZ Noord',
  }) as const;
const missing = aCaseInput({ report: { kind: { unauthorisedAbsence: true, missing: true } } });

describe('case machine', () => {
  describe('internal search on the ward', () => {
    const early = aCaseInput({ report: { internalSearchDone: false } });

    it('gives the clinic 30 minutes to search ward and grounds before police are involved', () => {
      const { snapshot } = drive(early);
      expect(caseStatus(snapshot)).toBe('internal_search');
      expect(openTasks(snapshot)).toEqual([
        {
          task: 'complete_internal_search',
          role: 'clinic',
          dueAt: at(30),
          escalatedTo: null,
          claimedBy: null,
        },
      ]);
    });

    it('closes as a false alarm when the ward finds the patient', () => {
      const { snapshot } = drive(early, {
        type: 'clinic.internal_search_done',
        at: at(10),
        by: clinician,
        found: true,
      });
      expect(snapshot.context.outcome).toBe('false_alarm');
    });

    it('reports to the police, with the acknowledge clock starting then, when the search finds no one', () => {
      const { snapshot } = drive(early, {
        type: 'clinic.internal_search_done',
        at: at(20),
        by: clinician,
        found: false,
      });
      expect(caseStatus(snapshot)).toBe('reported');
      expect(due(snapshot, 'acknowledge')).toBe(at(80));
    });

    it('reports to the police anyway when the search takes longer than the policy allows', () => {
      const { snapshot } = drive(early, deadline('internalSearch', at(30)));
      expect(caseStatus(snapshot)).toBe('reported');
      expect(due(snapshot, 'acknowledge')).toBe(at(90));
    });
  });

  describe('police triage', () => {
    it('opens a reported case with an acknowledge task due in 60 minutes and announces it', () => {
      const { snapshot, events } = drive();
      expect(caseStatus(snapshot)).toBe('reported');
      expect(events).toEqual(['case.reported']);
      expect(openTasks(snapshot)).toEqual([
        {
          task: 'acknowledge_report',
          role: 'police_desk',
          dueAt: at(60),
          escalatedTo: null,
          claimedBy: null,
        },
      ]);
    });

    it('gives an urgent report 15 minutes', () => {
      expect(due(drive(aCaseInput({ urgent: true })).snapshot, 'acknowledge')).toBe(at(15));
    });

    it("takes the region's override of the acknowledge deadline", () => {
      expect(due(drive(aCaseInput({ region: 'oost-nl' })).snapshot, 'acknowledge')).toBe(at(30));
    });

    it('escalates an unacknowledged report to the supervisor when its deadline passes, once', () => {
      const { snapshot, announced, recorded } = drive(aCaseInput(), deadline('acknowledge', at(60)));
      expect(recorded).toEqual([
        {
          kind: 'escalation',
          reason: 'acknowledge_overdue',
          to: 'police_supervisor',
          at: at(60),
          dueAt: at(60),
        },
      ]);
      expect(due(snapshot, 'acknowledge')).toBeUndefined();
      expect(openTasks(snapshot)).toEqual([
        {
          task: 'acknowledge_report',
          role: 'police_desk',
          dueAt: at(60),
          escalatedTo: 'police_supervisor',
          claimedBy: null,
        },
      ]);
      expect(announced.at(-1)).toEqual({
        event: 'task.escalated',
        at: at(60),
        reason: 'acknowledge_overdue',
        escalateTo: 'police_supervisor',
      });
    });

    it('records the police grade next to the clinic proposal and starts the search with a review due per risk', () => {
      const { snapshot, events, recorded } = drive(aCaseInput(), acknowledge(5, 'high'));
      expect(caseStatus(snapshot)).toBe('search_active');
      expect(snapshot.context).toMatchObject({ risk: 'high', proposedRisk: 'medium', acknowledgedAt: at(5) });
      expect(recorded).toEqual([
        {
          kind: 'assessment',
          risk: 'high',
          urgent: true,
          knownFacts: 'left via garden',
          source: 'ward nurse',
          by: police,
          at: at(5),
          nextReviewAt: at(5 + hours(2)),
        },
      ]);
      expect(openTasks(snapshot)).toEqual([
        {
          task: 'review_risk',
          role: 'police_desk',
          dueAt: at(5 + hours(2)),
          escalatedTo: null,
          claimedBy: null,
        },
      ]);
      expect(events).toContain('case.acknowledged');
    });

    it.each([
      ['medium', 8],
      ['low', 24],
    ] as const)('sets the first review of a %s-risk case %i hours out', (risk, h) => {
      expect(due(drive(aCaseInput(), acknowledge(0, risk)).snapshot, 'review')).toBe(at(hours(h)));
    });

    describe('a rejection', () => {
      const reject = {
        type: 'police.reject',
        at: at(3),
        by: police,
        grounds: 'no_danger',
        reason: 'no danger, no title',
      } as const;
      const route = (r: 'own_search' | 'crisis_service' | 'care_report' | 'close', minutes = 20) =>
        ({ type: 'clinic.route_after_rejection', at: at(minutes), by: clinician, route: r }) as const;
      const dispute = {
        type: 'clinic.dispute_rejection',
        at: at(10),
        by: clinician,
        reason: 'no clozapine for two days',
      } as const;
      const review = (uphold: boolean) =>
        ({
          type: 'police.review_rejection',
          at: at(60),
          by: supervisor,
          uphold,
          reason: 'reviewed',
        }) as const;

      it('keeps the case open under the clinic, with a task to choose a route within 2 hours', () => {
        const { snapshot, events, recorded } = drive(aCaseInput(), reject);
        expect(caseStatus(snapshot)).toBe('rejected');
        expect(snapshot.context.outcome).toBeNull();
        expect(openTasks(snapshot)).toEqual([
          {
            task: 'decide_after_rejection',
            role: 'clinic',
            dueAt: at(3 + 120),
            escalatedTo: null,
            claimedBy: null,
          },
        ]);
        expect(events).toContain('case.rejected');
        expect(recorded).toEqual([
          { kind: 'rejection', at: at(3), by: police, grounds: 'no_danger', reason: 'no danger, no title' },
        ]);
      });

      it.each(['own_search', 'crisis_service', 'care_report'] as const)(
        'lets the clinic go on by %s, the case open until the person is back',
        (r) => {
          const { snapshot, recorded } = drive(aCaseInput(), reject, route(r));
          expect(caseStatus(snapshot)).toBe('clinic_search');
          expect(recorded.at(-1)).toEqual({ kind: 'rejectionRoute', at: at(20), by: clinician, route: r });
          const [back] = transition(caseMachine, snapshot, {
            type: 'clinic.confirm_return',
            at: at(90),
            by: clinician,
          });
          expect(caseStatus(back)).toBe('returned');
        },
      );

      it('closes as rejected_by_police when the clinic chooses to close', () => {
        expect(drive(aCaseInput(), reject, route('close')).snapshot.context.outcome).toBe(
          'rejected_by_police',
        );
      });

      it('sends a disputed rejection to a supervisor, who upholds it back to the clinic or overturns it', () => {
        const disputed = drive(aCaseInput(), reject, dispute);
        expect(caseStatus(disputed.snapshot)).toBe('rejection_disputed');
        expect(openTasks(disputed.snapshot).map((t) => [t.task, t.role])).toEqual([
          ['review_rejection', 'police_supervisor'],
        ]);
        expect(refusalOf(disputed.snapshot, { ...review(true), by: police })?.kind).toBe('forbidden');
        const [upheld] = transition(caseMachine, disputed.snapshot, review(true));
        expect(caseStatus(upheld)).toBe('rejected');
        const [overturned] = transition(caseMachine, disputed.snapshot, review(false));
        expect(caseStatus(overturned)).toBe('reported');
        expect(openTasks(overturned).map((t) => t.task)).toEqual(['acknowledge_report']);
      });

      it('escalates a route not chosen in time', () => {
        const { snapshot } = drive(aCaseInput(), reject, deadline('afterRejection', at(123)));
        expect(openTasks(snapshot)[0]?.escalatedTo).toBe(snapshot.context.policy.escalation.clinic);
      });
    });

    it('refuses an acknowledgement from a clinic', () => {
      const { snapshot } = drive();
      expect(snapshot.can({ ...acknowledge(), by: clinician })).toBe(false);
    });
  });

  describe('active search', () => {
    const searching = (...events: Step[]) => drive(aCaseInput(), acknowledge(0, 'high'), ...events);

    it('takes a review that names its next review time within the policy window', () => {
      const { snapshot, events } = searching({
        type: 'police.review_risk',
        at: at(60),
        by: police,
        risk: 'medium',
        urgent: false,
        knownFacts: 'seen calm',
        source: 'brother',
        nextReviewAt: at(60 + hours(8)),
      });
      expect(snapshot.context.risk).toBe('medium');
      expect(due(snapshot, 'review')).toBe(at(60 + hours(8)));
      expect(events).toContain('risk.regraded');
    });

    it('refuses a review whose next review is later than the policy allows for the grade', () => {
      const { snapshot } = searching();
      expect(
        snapshot.can({
          type: 'police.review_risk',
          at: at(60),
          by: police,
          risk: 'high',
          urgent: true,
          knownFacts: 'x',
          source: 'y',
          nextReviewAt: at(60 + hours(3)),
        }),
      ).toBe(false);
    });

    it('escalates a missed review, and a later review takes the task back', () => {
      const missed = searching(deadline('review', at(hours(2))));
      expect(openTasks(missed.snapshot)[0]).toMatchObject({
        task: 'review_risk',
        escalatedTo: 'police_supervisor',
        claimedBy: null,
      });
      const [reviewed] = transition(caseMachine, missed.snapshot, {
        type: 'police.review_risk',
        at: at(hours(3)),
        by: supervisor,
        risk: 'high',
        urgent: true,
        knownFacts: 'x',
        source: 'y',
        nextReviewAt: at(hours(4)),
      });
      expect(openTasks(reviewed)[0]).toEqual({
        task: 'review_risk',
        role: 'police_desk',
        dueAt: at(hours(4)),
        escalatedTo: null,
        claimedBy: null,
      });
    });

    it('brings the next review forward to 30 minutes when new information comes in', () => {
      const { snapshot } = searching({
        type: 'case.add_information',
        at: at(10),
        by: clinician,
        information: 'has no medication with him',
        source: 'ward',
      });
      expect(due(snapshot, 'review')).toBe(at(40));
    });

    it('records sightings without moving the case', () => {
      const { snapshot, events } = searching({
        type: 'case.record_sighting',
        at: at(30),
        by: police,
        seenAt: at(25),
        place: 'Markt',
        source: 'public',
      });
      expect(caseStatus(snapshot)).toBe('search_active');
      expect(events).toContain('sighting.recorded');
    });

    it('hands a transferred case to the new region, which must acknowledge it again', () => {
      const { snapshot, events } = searching({
        type: 'police.transfer',
        at: at(100),
        by: police,
        toRegion: 'oost-nl',
      });
      expect(caseStatus(snapshot)).toBe('reported');
      expect(snapshot.context.region).toBe('oost-nl');
      expect(due(snapshot, 'acknowledge')).toBe(at(115));
      expect(events).toContain('case.transferred');
    });
  });

  describe('long-missing thresholds', () => {
    it('arms 72 h, 14 d and 28 d from when a missing person was last seen', () => {
      const { snapshot } = drive(missing, acknowledge());
      const from = (ms: number) => new Date(Date.parse(LAST_SEEN) + ms).toISOString();
      expect(snapshot.context.deadlines).toMatchObject({
        nationalBureau: from(72 * 3_600_000),
        dnaTask: from(14 * 86_400_000),
        longTerm: from(28 * 86_400_000),
      });
    });

    it('re-arms the thresholds from a later last-seen the clinic reports', () => {
      const update = {
        type: 'clinic.update_last_seen',
        at: at(60),
        by: clinician,
        seenAt: at(30),
        place: 'Bushalte Stationsweg',
      } as const;
      const { snapshot, events } = drive(missing, acknowledge(), update);
      expect(snapshot.context.lastSeen).toEqual({ at: at(30), place: 'Bushalte Stationsweg' });
      expect(due(snapshot, 'nationalBureau')).toBe(at(30 + hours(72)));
      expect(events).toContain('information.added');
    });

    it('keeps a new last-seen before the search starts, and arms from it once police acknowledge', () => {
      const update = {
        type: 'clinic.update_last_seen',
        at: at(2),
        by: clinician,
        seenAt: at(1),
        place: 'Tuinpoort',
      } as const;
      const { snapshot } = drive(missing, update, acknowledge());
      expect(due(snapshot, 'nationalBureau')).toBe(at(1 + hours(72)));
    });

    it('refuses a last-seen in the future, or from the police', () => {
      const { snapshot } = drive(missing, acknowledge());
      const update = { type: 'clinic.update_last_seen', at: at(60), by: clinician, place: 'x' } as const;
      expect(accepts(snapshot, { ...update, seenAt: at(61) })).toBe(false);
      expect(accepts(snapshot, { ...update, by: police, seenAt: at(30) })).toBe(false);
    });

    it('arms none for an unauthorised absence whose whereabouts are known', () => {
      const { snapshot } = drive(aCaseInput(), acknowledge());
      expect(snapshot.context.deadlines).not.toHaveProperty('nationalBureau');
    });

    it.each([
      ['nationalBureau', 'notify_national_bureau', 'police_supervisor', 'threshold.national_bureau'],
      ['dnaTask', 'request_dna_sample', 'police_desk', 'threshold.dna_sample'],
      ['longTerm', 'set_long_term_status', 'police_supervisor', 'threshold.long_term'],
    ] as const)(
      'opens a task when the %s threshold passes, until it is completed',
      (key, task, role, announcement) => {
        const { snapshot, events } = drive(missing, acknowledge(), deadline(key, at(hours(72))));
        expect(openTasks(snapshot)).toContainEqual({
          task,
          role,
          dueAt: null,
          escalatedTo: null,
          claimedBy: null,
        });
        expect(events).toContain(announcement);
        const [done] = transition(caseMachine, snapshot, {
          type: 'task.complete',
          at: at(hours(73)),
          by: supervisor,
          task,
        });
        expect(openTasks(done).map((t) => t.task)).not.toContain(task);
      },
    );
  });

  describe('return', () => {
    it('stops the thresholds and asks for transport when the person is found', () => {
      const { snapshot, events } = drive(missing, acknowledge(), located(120));
      expect(caseStatus(snapshot)).toBe('located');
      expect(snapshot.context.deadlines).not.toHaveProperty('nationalBureau');
      expect(openTasks(snapshot)).toEqual([
        {
          task: 'arrange_transport',
          role: 'police_desk',
          dueAt: at(180),
          escalatedTo: null,
          claimedBy: null,
        },
      ]);
      expect(events).toContain('person.located');
    });

    it('asks for a public appeal to be withdrawn as soon as the person is found', () => {
      const { snapshot } = drive(
        missing,
        acknowledge(),
        {
          type: 'case.public_appeal',
          at: at(30),
          by: supervisor,
          consentRecordedBy: 'mother',
          expiresAt: at(hours(48)),
        },
        located(120),
      );
      expect(openTasks(snapshot)).toContainEqual({
        task: 'withdraw_public_appeal',
        role: 'police_desk',
        dueAt: at(180),
        escalatedTo: null,
        claimedBy: null,
      });
      expect(snapshot.context.deadlines).not.toHaveProperty('appealExpiry');
    });

    it('asks for the appeal to come down when its consent expires', () => {
      const { snapshot, events } = drive(
        missing,
        acknowledge(),
        {
          type: 'case.public_appeal',
          at: at(30),
          by: supervisor,
          consentRecordedBy: 'mother',
          expiresAt: at(hours(6)),
        },
        deadline('appealExpiry', at(hours(6))),
      );
      expect(openTasks(snapshot)).toContainEqual({
        task: 'withdraw_public_appeal',
        role: 'police_desk',
        dueAt: at(hours(7)),
        escalatedTo: null,
        claimedBy: null,
      });
      expect(events).toContain('appeal.to_withdraw');
    });

    it('refuses a police car without a recorded reason', () => {
      const { snapshot } = drive(aCaseInput(), acknowledge(), located(60));
      expect(
        snapshot.can({
          type: 'transport.arrange',
          at: at(70),
          by: police,
          mode: 'police',
          pickup: 'Station Assen',
          destination: 'De Linde, GGZ Noord',
        }),
      ).toBe(false);
      expect(
        snapshot.can({
          type: 'transport.arrange',
          at: at(70),
          by: police,
          mode: 'police',
          pickup: 'Station Assen',
          destination: 'De Linde, GGZ Noord',
          policeReason: { kind: 'offence', details: 'threatened staff with a knife' },
        }),
      ).toBe(true);
    });

    it('expects arrival within 4 hours of an ambulance transport, and escalates when it is late', () => {
      const { snapshot } = drive(aCaseInput(), acknowledge(), located(60), transport(70, ambulance));
      expect(caseStatus(snapshot)).toBe('in_transport');
      expect(openTasks(snapshot)).toEqual([
        {
          task: 'confirm_arrival',
          role: 'clinic',
          dueAt: at(70 + hours(4)),
          escalatedTo: null,
          claimedBy: null,
        },
        {
          task: 'transport_patient',
          role: 'ambulance',
          dueAt: at(70 + hours(4)),
          escalatedTo: null,
          claimedBy: null,
        },
      ]);
      const [late] = transition(caseMachine, snapshot, deadline('arrival', at(70 + hours(4))));
      expect(openTasks(late)[0]?.escalatedTo).toBe('police_supervisor');
    });

    it('gives the ambulance crew a transport task only when an ambulance takes the person back', () => {
      const byStaff = drive(
        aCaseInput(),
        acknowledge(),
        located(60),
        transport(70, clinician, 'clinic_staff'),
      );
      expect(openTasks(byStaff.snapshot).map((t) => t.role)).not.toContain('ambulance');
    });

    it('lets the crew complete its transport task, and nobody complete a task that is not open', () => {
      const { snapshot } = drive(aCaseInput(), acknowledge(), located(60), transport(70));
      const handover = {
        type: 'task.complete',
        at: at(120),
        by: ambulance,
        task: 'transport_patient',
      } as const;
      expect(accepts(snapshot, { ...handover, task: 'request_dna_sample' })).toBe(false);
      const [done] = transition(caseMachine, snapshot, handover);
      expect(openTasks(done).map((t) => t.task)).toEqual(['confirm_arrival']);
      expect(accepts(done, handover)).toBe(false);
    });

    it('closes the crew task when the clinic confirms the arrival', () => {
      const { snapshot } = drive(aCaseInput(), acknowledge(), located(60), transport(70), {
        type: 'clinic.confirm_return',
        at: at(130),
        by: clinician,
      });
      expect(openTasks(snapshot).map((t) => t.task)).toEqual(['debrief']);
    });

    it('walks a found person back, through debrief, to the outcome returned', () => {
      const { snapshot, events } = drive(aCaseInput(), acknowledge(), located(60), transport(70, ambulance), {
        type: 'clinic.confirm_return',
        at: at(130),
        by: clinician,
      });
      expect(caseStatus(snapshot)).toBe('returned');
      expect(openTasks(snapshot)).toEqual([
        { task: 'debrief', role: 'clinic', dueAt: at(130 + hours(72)), escalatedTo: null, claimedBy: null },
      ]);
      const [closed] = transition(caseMachine, snapshot, {
        type: 'clinic.complete_debrief',
        at: at(hours(24)),
        by: clinician,
        safeAndWell: true,
        whatHappened: 'took the train to see his sister',
        pushFactors: [],
        pullFactors: [],
        plansUpdated: false,
      });
      expect(closed.status).toBe('done');
      expect(closed.context.outcome).toBe('returned');
      expect(events).toEqual([
        'case.reported',
        'case.acknowledged',
        'person.located',
        'transport.arranged',
        'person.returned',
      ]);
    });

    it('escalates a debrief that is not done within 72 hours', () => {
      const { snapshot } = drive(
        aCaseInput(),
        acknowledge(),
        located(60),
        { type: 'clinic.confirm_return', at: at(90), by: clinician },
        deadline('debrief', at(90 + hours(72))),
      );
      expect(openTasks(snapshot)[0]).toMatchObject({
        task: 'debrief',
        escalatedTo: 'police_supervisor',
        claimedBy: null,
      });
    });
  });

  describe('after a return that was not safe and well', () => {
    const back = (debrief: { safeAndWell: boolean }) =>
      drive(
        aCaseInput(),
        acknowledge(5),
        located(60),
        transport(70),
        { type: 'clinic.confirm_return', at: at(200), by: clinician },
        {
          type: 'clinic.complete_debrief',
          at: at(300),
          by: clinician,
          whatHappened: 'slept rough two nights',
          pushFactors: [],
          pullFactors: [],
          plansUpdated: false,
          ...debrief,
        },
      );

    it('keeps the case open with a follow-up task for the clinic, due within the policy period', () => {
      const { snapshot, recorded } = back({ safeAndWell: false });
      expect(caseStatus(snapshot)).toBe('follow_up');
      expect(openTasks(snapshot)).toEqual([
        {
          task: 'follow_up_after_return',
          role: 'clinic',
          dueAt: at(300 + hours(24 * 7)),
          escalatedTo: null,
          claimedBy: null,
        },
      ]);
      expect(recorded.at(-1)).toMatchObject({ kind: 'debrief', safeAndWell: false });
      // The debrief is done: its deadline goes with it, and only the follow-up's runs.
      expect(Object.keys(snapshot.context.deadlines).sort()).toEqual(['followUp', 'legalWarning']);
    });

    it('closes as returned once the follow-up is arranged, and keeps what was agreed', () => {
      const { snapshot } = back({ safeAndWell: false });
      const [closed, actions] = transition(caseMachine, snapshot, {
        type: 'clinic.complete_follow_up',
        at: at(400),
        by: clinician,
        agreed: 'home treatment team daily for a week',
      });
      expect(closed.context.outcome).toBe('returned');
      expect(effectsOf(actions).entries).toEqual([
        { kind: 'followUp', at: at(400), by: clinician, agreed: 'home treatment team daily for a week' },
      ]);
    });

    it('escalates a follow-up that is not arranged in time', () => {
      const { snapshot } = back({ safeAndWell: false });
      const [late] = transition(caseMachine, snapshot, deadline('followUp', at(300 + hours(24 * 7))));
      expect(openTasks(late)[0]?.escalatedTo).toBe(late.context.policy.escalation.clinic);
    });

    it('closes at once when the person is safe and well', () => {
      expect(back({ safeAndWell: true }).snapshot.context.outcome).toBe('returned');
    });
  });

  describe('legal basis', () => {
    // The zorgmachtiging in the fixture runs to 2026-12-01: until 24:00 in Amsterdam (23:00 UTC in
    // winter), warned seven days before, as the policy has it for a zorgmachtiging.
    const END = '2026-12-01T23:00:00.000Z';
    const WARN = '2026-11-24T23:00:00.000Z';

    it('runs its own clock beside the search: active, with a warning set before the end', () => {
      const { snapshot } = drive();
      expect(legalStatusOf(snapshot)).toBe('active');
      expect(due(snapshot, 'legalWarning')).toBe(WARN);
    });

    it('warns the parties when the title is ending soon', () => {
      const { snapshot, events } = drive(aCaseInput(), acknowledge(), deadline('legalWarning', WARN));
      expect(legalStatusOf(snapshot)).toBe('ending_soon');
      expect(due(snapshot, 'legalEnd')).toBe(END);
      expect(events).toContain('legal.ending_soon');
    });

    it('asks the police to decide on the search when the title ends before the person is found', () => {
      const { snapshot, events } = drive(
        aCaseInput(),
        acknowledge(),
        deadline('legalWarning', WARN),
        deadline('legalEnd', END),
      );
      expect(legalStatusOf(snapshot)).toBe('ended');
      expect(events).toContain('legal.expired');
      expect(openTasks(snapshot)).toContainEqual({
        task: 'decide_after_title_expiry',
        role: 'police_desk',
        dueAt: '2026-12-02T00:00:00.000Z',
        escalatedTo: null,
        claimedBy: null,
      });
    });

    it('closes with legal_basis_expired when police end the search after the title lapsed', () => {
      const { snapshot } = drive(
        aCaseInput(),
        acknowledge(),
        deadline('legalWarning', WARN),
        deadline('legalEnd', END),
        {
          type: 'police.decide_after_expiry',
          at: END,
          by: police,
          continueSearch: false,
        },
      );
      expect(snapshot.context.outcome).toBe('legal_basis_expired');
    });

    it('goes on as an ordinary missing-person search when police decide so', () => {
      const { snapshot } = drive(
        aCaseInput(),
        acknowledge(),
        deadline('legalWarning', WARN),
        deadline('legalEnd', END),
        {
          type: 'police.decide_after_expiry',
          at: END,
          by: police,
          continueSearch: true,
        },
      );
      expect(caseStatus(snapshot)).toBe('search_active');
      expect(openTasks(snapshot).map((t) => t.task)).toEqual(['review_risk']);
    });

    describe('the crisis route', () => {
      const toLapseAfterTheFind = [
        acknowledge(),
        located(60),
        deadline('legalWarning', WARN),
        deadline('legalEnd', END),
      ] as const;
      const DUE = '2026-12-02T01:00:00.000Z';
      const assessment = {
        type: 'crisis.record_assessment',
        at: END,
        by: crisisService,
        outcome: 'care_elsewhere',
        notes: 'stays with his sister; GP visit tomorrow',
      } as const;

      it('asks the crisis service to assess a person found after the title lapsed, within the policy time', () => {
        const { snapshot } = drive(aCaseInput(), ...toLapseAfterTheFind);
        expect(openTasks(snapshot)).toContainEqual({
          task: 'arrange_crisis_assessment',
          role: 'crisis_service',
          dueAt: DUE,
          escalatedTo: null,
          claimedBy: null,
        });
      });

      it('takes the assessment from the crisis service only, and records what it found', () => {
        const found = drive(aCaseInput(), ...toLapseAfterTheFind).snapshot;
        expect(found.can({ ...assessment, by: police })).toBe(false);
        const { snapshot, recorded } = drive(aCaseInput(), ...toLapseAfterTheFind, assessment);
        expect(openTasks(snapshot).map((t) => t.task)).not.toContain('arrange_crisis_assessment');
        const { type: _type, ...said } = assessment;
        expect(recorded.at(-1)).toEqual({ kind: 'crisisAssessment', ...said });
      });

      it('goes to the supervisor when the assessment is late', () => {
        const { snapshot } = drive(aCaseInput(), ...toLapseAfterTheFind, deadline('crisisAssessment', DUE));
        expect(openTasks(snapshot).find((t) => t.task === 'arrange_crisis_assessment')?.escalatedTo).toBe(
          'police_supervisor',
        );
      });
    });

    it('leaves the search where it is when the clinic records a new title', () => {
      const title = aTitle({ kind: 'zorgmachtiging', startsOn: '2026-11-20', endsOn: '2027-05-20' });
      const { snapshot, events } = drive(aCaseInput(), acknowledge(5), located(30), {
        type: 'clinic.update_title',
        at: at(40),
        by: clinician,
        title,
      });
      expect(caseStatus(snapshot)).toBe('located');
      expect(events.filter((e) => e === 'case.reported')).toHaveLength(1);
    });

    it('moves the end date when the clinic records an extended title', () => {
      const { snapshot, events } = drive(aCaseInput(), deadline('legalWarning', WARN), {
        type: 'clinic.update_title',
        at: WARN,
        by: clinician,
        title: aTitle({ kind: 'zorgmachtiging', startsOn: '2026-06-01', endsOn: '2027-06-01' }),
      });
      expect(legalStatusOf(snapshot)).toBe('active');
      // 24:00 on 1 June 2027 is 22:00 UTC (summer time), less seven days.
      expect(snapshot.context.deadlines).toMatchObject({ legalWarning: '2027-05-25T22:00:00.000Z' });
      expect(snapshot.context.deadlines).not.toHaveProperty('legalEnd');
      expect(events).toContain('legal.extended');
    });

    it('starts ended when the title had already lapsed at the report', () => {
      const input = aCaseInput({
        report: { legalTitle: { kind: 'crisismaatregel', startsOn: '2026-11-18', endsOn: '2026-11-21' } },
      });
      expect(legalStatusOf(drive(input).snapshot)).toBe('ended');
    });

    it('keeps a title in force while a request the court has yet to decide was filed before its end', () => {
      // Imposed on 23 November; the officier van justitie asked to continue it on the 24th: the court has
      // until 24:00 on the 27th (three days after receiving it) instead of the 26th.
      const input = aCaseInput({
        report: {
          legalTitle: {
            kind: 'crisismaatregel',
            startsAt: '2026-11-23T15:30:00Z',
            requestFiledAt: '2026-11-24T09:00:00Z',
          },
        },
      });
      const { snapshot } = drive(input);
      expect(snapshot.context.deadlines.legalWarning).toBe('2026-11-27T11:00:00.000Z');
    });

    it('ends the title when the clinic records that the court refused to continue it', () => {
      const { snapshot, events, recorded } = drive(aCaseInput(), acknowledge(), {
        type: 'clinic.update_title',
        at: at(30),
        by: clinician,
        title: { kind: 'none' },
      });
      expect(legalStatusOf(snapshot)).toBe('ended');
      expect(openTasks(snapshot).map((t) => t.task)).toContain('decide_after_title_expiry');
      expect(events).toContain('legal.expired');
      expect(recorded).toContainEqual({
        kind: 'correction',
        correction: { field: 'legalTitle', at: at(30), by: clinician, title: { kind: 'none' } },
      });
    });

    it('keeps no legal clock for a report without a compulsory title', () => {
      const input = aCaseInput({ report: { legalTitle: { kind: 'none', startsOn: '2026-11-01' } } });
      const { snapshot } = drive(input);
      expect(legalStatusOf(snapshot)).toBe('no_title');
      expect(snapshot.context.deadlines).not.toHaveProperty('legalWarning');
    });
  });

  describe('task claims', () => {
    const desk2 = { id: 'agent-22', role: 'police_desk' } as const;
    const claim = (
      by: typeof police | typeof desk2 | typeof clinician | typeof supervisor,
      task = 'acknowledge_report' as const,
    ) => ({ type: 'task.claim', at: at(2), by, task }) as const;

    it('lets one person at a time hold an open task', () => {
      const { snapshot } = drive(aCaseInput(), claim(police));
      expect(openTasks(snapshot)[0]?.claimedBy).toEqual(police);
      expect(accepts(snapshot, claim(desk2))).toBe(false);
      expect(accepts(snapshot, claim(police))).toBe(true);
    });

    it('frees a task its holder releases, for someone else to claim', () => {
      const { snapshot } = drive(aCaseInput(), claim(police), {
        type: 'task.release',
        at: at(3),
        by: police,
        task: 'acknowledge_report',
      });
      expect(openTasks(snapshot)[0]?.claimedBy).toBeNull();
      expect(accepts(snapshot, claim(desk2))).toBe(true);
    });

    it('refuses a release by someone who does not hold the task', () => {
      const { snapshot } = drive(aCaseInput(), claim(police));
      expect(
        accepts(snapshot, { type: 'task.release', at: at(3), by: desk2, task: 'acknowledge_report' }),
      ).toBe(false);
    });

    it('refuses a claim by a role the task does not concern, until it is escalated to that role', () => {
      const { snapshot } = drive();
      expect(accepts(snapshot, claim(clinician))).toBe(false);
      expect(accepts(snapshot, claim(supervisor))).toBe(false);
      const [escalated] = transition(caseMachine, snapshot, deadline('acknowledge', at(60)));
      expect(accepts(escalated, claim(supervisor))).toBe(true);
    });

    it('refuses a claim on a task that is not open', () => {
      const { snapshot } = drive();
      expect(accepts(snapshot, claim(police, 'debrief' as never))).toBe(false);
    });

    it('changes nothing when the holder claims again: no new context, no effect', () => {
      const { snapshot } = drive(aCaseInput(), claim(police));
      expect(accepts(snapshot, claim(police))).toBe(true);
      const [again, actions] = transition(caseMachine, snapshot, claim(police));
      expect(actions).toEqual([]);
      expect(again.context).toBe(snapshot.context);
      expect(again.value).toEqual(snapshot.value);
    });

    it('ends a claim with its task: once acknowledged, the report task and its claim are gone', () => {
      const { snapshot } = drive(aCaseInput(), claim(police), acknowledge(5));
      expect(snapshot.context.claims).toEqual({});
      expect(openTasks(snapshot).map((t) => [t.task, t.claimedBy])).toEqual([['review_risk', null]]);
    });

    it("ends the crew's claim when the person arrives", () => {
      const { snapshot } = drive(
        aCaseInput(),
        acknowledge(5),
        located(30),
        transport(35),
        { type: 'task.claim', at: at(36), by: ambulance, task: 'transport_patient' },
        { type: 'clinic.confirm_return', at: at(90), by: clinician },
      );
      expect(snapshot.context.claims).toEqual({});
    });

    describe('reassigned by a supervisor', () => {
      const reassign = (
        by: typeof supervisor | typeof police,
        to: { id: string; role: string },
        task = 'acknowledge_report',
      ) => ({ type: 'task.reassign', at: at(4), by, task, to }) as unknown as CaseEvent;

      it('hands a claimed police task to another desk officer', () => {
        const { snapshot } = drive(aCaseInput(), claim(police), reassign(supervisor, desk2));
        expect(openTasks(snapshot)[0]?.claimedBy).toEqual(desk2);
      });

      it("is the supervisor's alone: a desk officer is forbidden to", () => {
        const { snapshot } = drive(aCaseInput(), claim(police));
        expect(refusalOf(snapshot, reassign(police, desk2) as never)?.kind).toBe('forbidden');
      });

      it('only to someone the task concerns, and only while it is open', () => {
        const { snapshot } = drive(aCaseInput(), claim(police));
        expect(refusalOf(snapshot, reassign(supervisor, clinician) as never)?.kind).toBe('not_now');
        expect(refusalOf(snapshot, reassign(supervisor, desk2, 'review_risk') as never)?.kind).toBe(
          'not_now',
        );
      });

      it("never reaches into a clinic's own task", () => {
        const input = aCaseInput({ report: { internalSearchDone: false } });
        const { snapshot } = drive(input);
        const toNurse = reassign(supervisor, { id: 'nurse-2', role: 'clinic' }, 'complete_internal_search');
        expect(refusalOf(snapshot, toNurse as never)?.kind).toBe('not_now');
      });
    });
  });

  describe('the record of what parties said', () => {
    const route = { pickup: 'Station Assen', destination: 'De Linde, GGZ Noord' };
    const kinds = (recorded: RecordEntry[]) => recorded.map((e) => e.kind);

    it('keeps each sighting and piece of information as said: where, when, from whom, by whom', () => {
      const sighting = {
        type: 'case.record_sighting',
        at: at(30),
        by: police,
        seenAt: at(25),
        place: 'Station Zwolle perron 3',
        source: 'conductor',
      } as const;
      const information = {
        type: 'case.add_information',
        at: at(40),
        by: clinician,
        information: 'may be heading to his sister in Zwolle',
        source: 'mother',
      } as const;
      const { recorded } = drive(aCaseInput(), acknowledge(5), sighting, information);
      expect(recorded.slice(1)).toEqual([
        {
          kind: 'sighting',
          at: at(30),
          by: police,
          seenAt: at(25),
          place: 'Station Zwolle perron 3',
          source: 'conductor',
        },
        {
          kind: 'information',
          at: at(40),
          by: clinician,
          information: 'may be heading to his sister in Zwolle',
          source: 'mother',
        },
      ]);
    });

    it('keeps the find, the transport with its route, and the debrief with its content', () => {
      const debrief = {
        type: 'clinic.complete_debrief',
        at: at(300),
        by: clinician,
        safeAndWell: true,
        whatHappened: 'took the train to see his sister',
        pushFactors: ['noise on the ward'],
        pullFactors: ['his sister'],
        followUp: 'family meeting on Friday',
        plansUpdated: true,
      } as const;
      const { recorded } = drive(
        aCaseInput(),
        acknowledge(5),
        { ...located(60), condition: 'cold, otherwise well' },
        { type: 'transport.arrange', at: at(70), by: police, mode: 'care_transport', ...route },
        { type: 'clinic.confirm_return', at: at(200), by: clinician },
        debrief,
      );
      expect(kinds(recorded)).toEqual(['assessment', 'find', 'transport', 'debrief']);
      expect(recorded[1]).toEqual({
        kind: 'find',
        at: at(60),
        by: police,
        foundBy: 'police',
        place: 'Station Assen',
        condition: 'cold, otherwise well',
      });
      expect(recorded[2]).toEqual({
        kind: 'transport',
        at: at(70),
        by: police,
        mode: 'care_transport',
        ...route,
      });
      const { type: _type, ...said } = debrief;
      expect(recorded[3]).toEqual({ kind: 'debrief', ...said });
    });

    it('keeps why police rejected, and why the clinic withdrew', () => {
      const rejected = drive(aCaseInput(), {
        type: 'police.reject',
        at: at(5),
        by: police,
        grounds: 'no_danger',
        reason: 'no danger',
      });
      expect(rejected.recorded).toEqual([
        { kind: 'rejection', at: at(5), by: police, grounds: 'no_danger', reason: 'no danger' },
      ]);
      const withdrawn = drive(aCaseInput(), {
        type: 'case.withdraw',
        at: at(5),
        by: clinician,
        reason: 'found in the chapel',
        falseAlarm: true,
      });
      expect(withdrawn.recorded).toEqual([
        { kind: 'withdrawal', at: at(5), by: clinician, reason: 'found in the chapel', falseAlarm: true },
      ]);
    });

    it('keeps each correction of the report with what changed, who changed it and when', () => {
      const title = aTitle({ kind: 'zorgmachtiging', startsOn: '2026-06-01', endsOn: '2027-06-01' });
      const { recorded } = drive(
        aCaseInput(),
        { type: 'clinic.update_last_seen', at: at(10), by: clinician, seenAt: at(-40), place: 'Bushalte' },
        { type: 'clinic.update_title', at: at(12), by: clinician, title },
      );
      expect(recorded).toEqual([
        {
          kind: 'correction',
          correction: { field: 'lastSeen', at: at(10), by: clinician, seenAt: at(-40), place: 'Bushalte' },
        },
        { kind: 'correction', correction: { field: 'legalTitle', at: at(12), by: clinician, title } },
      ]);
    });

    it('records a find once when both the search and the lapsed title take it', () => {
      const lapsed = aCaseInput({
        report: { legalTitle: { kind: 'crisismaatregel', startsOn: '2026-11-20', endsOn: '2026-11-22' } },
      });
      const { snapshot, recorded } = drive(lapsed, acknowledge(5), located(30));
      expect(caseStatus(snapshot)).toBe('located');
      expect(kinds(recorded).filter((k) => k === 'find')).toHaveLength(1);
    });
  });

  describe('a police alert (signalering)', () => {
    const alert = {
      type: 'police.place_alert',
      at: at(10),
      by: police,
      reference: 'SIG-2026-000123',
    } as const;
    const withdrawn = { type: 'task.complete', at: at(90), by: police, task: 'withdraw_alert' } as const;
    const alertTask = (s: Snapshot) => openTasks(s).find((t) => t.task === 'withdraw_alert');

    it('is kept on the record and in the case while the search is on', () => {
      const { snapshot, recorded } = drive(aCaseInput(), acknowledge(5), alert);
      expect(snapshot.context.alert).toEqual({ reference: 'SIG-2026-000123', placedAt: at(10) });
      expect(recorded.at(-1)).toEqual({
        kind: 'alert',
        at: at(10),
        by: police,
        reference: 'SIG-2026-000123',
      });
      expect(alertTask(snapshot)).toBeUndefined();
    });

    it('must come down within an hour once the person is found, and is gone when the desk did so', () => {
      const { snapshot } = drive(aCaseInput(), acknowledge(5), alert, located(30));
      expect(alertTask(snapshot)).toEqual({
        task: 'withdraw_alert',
        role: 'police_desk',
        dueAt: at(90),
        escalatedTo: null,
        claimedBy: null,
      });
      const [done] = transition(caseMachine, snapshot, withdrawn);
      expect(done.context.alert).toBeNull();
      expect(alertTask(done)).toBeUndefined();
    });

    it('escalates an alert not withdrawn in time', () => {
      const { snapshot } = drive(
        aCaseInput(),
        acknowledge(5),
        alert,
        located(30),
        deadline('alertWithdrawal', at(90)),
      );
      expect(alertTask(snapshot)?.escalatedTo).toBe('police_supervisor');
    });

    it('must come down when the title lapses', () => {
      const ending = aCaseInput({
        report: { legalTitle: { kind: 'crisismaatregel', startsOn: '2026-11-22', endsOn: '2026-11-24' } },
      });
      const { snapshot } = drive(
        ending,
        acknowledge(5),
        alert,
        deadline('legalWarning', '2026-11-24T11:00:00.000Z'),
        deadline('legalEnd', '2026-11-24T23:00:00.000Z'),
      );
      expect(alertTask(snapshot)?.dueAt).toBe('2026-11-25T00:00:00.000Z');
    });

    it('keeps a closed case going until the alert is down: closed, announced once, then done', () => {
      const close = { type: 'case.close', at: at(60), by: police, outcome: 'found_by_family' } as const;
      const { snapshot, events } = drive(aCaseInput(), acknowledge(5), alert, close);
      expect(caseStatus(snapshot)).toBe('closed');
      expect(snapshot.status).toBe('active');
      expect(snapshot.context.outcome).toBe('found_by_family');
      expect(openTasks(snapshot).map((t) => t.task)).toEqual(['withdraw_alert']);
      const [done, actions] = transition(caseMachine, snapshot, withdrawn);
      expect(done.status).toBe('done');
      expect(effectsOf(actions).announcements).toEqual([]);
      expect(events.filter((e) => e === 'case.closed')).toHaveLength(1);
    });

    it('closes at once when no alert is out', () => {
      const close = { type: 'case.close', at: at(60), by: police, outcome: 'found_by_family' } as const;
      expect(drive(aCaseInput(), acknowledge(5), close).snapshot.status).toBe('done');
    });
  });

  describe('other endings', () => {
    it('lets a clinic record that the patient came back on their own', () => {
      const { snapshot } = drive(aCaseInput(), acknowledge(), {
        type: 'case.close',
        at: at(50),
        by: clinician,
        outcome: 'returned_on_own',
      });
      expect(snapshot.context.outcome).toBe('returned_on_own');
    });

    describe('an arrest', () => {
      const custody = {
        type: 'police.record_custody',
        at: at(50),
        by: police,
        place: 'Politiebureau Assen, cel 4',
        expectedReleaseAt: at(50 + 360),
        grounds: 'shoplifting',
      } as const;
      const release = { type: 'police.release_from_custody', at: at(400), by: police } as const;

      it('is a custody first: where and until when, the clinic told, a hand-off task due at release', () => {
        const { snapshot, announced, recorded } = drive(aCaseInput(), acknowledge(), custody);
        expect(caseStatus(snapshot)).toBe('in_custody');
        expect(snapshot.context.outcome).toBeNull();
        expect(openTasks(snapshot).map((t) => [t.task, t.role, t.dueAt])).toEqual([
          ['handoff_at_release', 'police_desk', at(410)],
        ]);
        expect(announced.at(-1)).toEqual({ event: 'person.located', at: at(50), reason: 'in_custody' });
        const { type: _type, ...said } = custody;
        expect(recorded.at(-1)).toEqual({ kind: 'custody', ...said });
      });

      it('hands the person back at release: the way back is arranged next, the case still open', () => {
        const { snapshot } = drive(aCaseInput(), acknowledge(), custody, release);
        expect(caseStatus(snapshot)).toBe('located');
        expect(snapshot.context.locatedAt).toBe(at(50));
        expect(openTasks(snapshot).map((t) => t.task)).toEqual(['arrange_transport']);
      });

      it('goes to a crisis assessment at release when the title lapsed in custody', () => {
        const ending = aCaseInput({
          report: { legalTitle: { kind: 'crisismaatregel', startsOn: '2026-11-22', endsOn: '2026-11-24' } },
        });
        const end = '2026-11-24T23:00:00.000Z';
        const { snapshot } = drive(
          ending,
          acknowledge(),
          custody,
          deadline('legalWarning', '2026-11-24T11:00:00.000Z'),
          deadline('legalEnd', end),
        );
        expect(legalStatusOf(snapshot)).toBe('ended');
        expect(openTasks(snapshot).map((t) => t.task)).toContain('arrange_crisis_assessment');
      });

      it('closes as arrested only from custody, and only by police', () => {
        const searching = drive(aCaseInput(), acknowledge()).snapshot;
        expect(searching.can({ type: 'case.close', at: at(50), by: police, outcome: 'arrested' })).toBe(
          false,
        );
        const held = drive(aCaseInput(), acknowledge(), custody).snapshot;
        expect(held.can({ type: 'case.close', at: at(60), by: police, outcome: 'arrested' })).toBe(true);
        expect(held.can({ type: 'case.close', at: at(60), by: clinician, outcome: 'arrested' })).toBe(false);
      });
    });

    it.each([
      ['reported', [] as Step[]],
      ['searching', [acknowledge()]],
      ['located', [acknowledge(), located(20)]],
    ])('lets the clinic withdraw the case while it is %s, and only the clinic', (_state, events) => {
      const { snapshot } = drive(aCaseInput(), ...events);
      expect(
        snapshot.can({ type: 'case.withdraw', at: at(30), by: police, reason: 'x', falseAlarm: false }),
      ).toBe(false);
      const [closed] = transition(caseMachine, snapshot, {
        type: 'case.withdraw',
        at: at(30),
        by: clinician,
        reason: 'found on the ward',
        falseAlarm: false,
      });
      expect(closed.context.outcome).toBe('withdrawn');
    });

    it('records a withdrawal flagged as a false alarm as false_alarm', () => {
      const { snapshot } = drive(aCaseInput(), {
        type: 'case.withdraw',
        at: at(3),
        by: clinician,
        reason: 'was in the chapel',
        falseAlarm: true,
      });
      expect(snapshot.context.outcome).toBe('false_alarm');
    });

    it('accepts nothing once closed, and keeps no deadlines', () => {
      const { snapshot, events } = drive(aCaseInput(), {
        type: 'case.withdraw',
        at: at(3),
        by: clinician,
        reason: 'x',
        falseAlarm: false,
      });
      expect(snapshot.context.deadlines).toEqual({});
      expect(openTasks(snapshot)).toEqual([]);
      expect(snapshot.can(acknowledge())).toBe(false);
      expect(events.at(-1)).toBe('case.closed');
    });
  });

  describe('a delivery that failed for good', () => {
    const failed = (minutes: number) =>
      ({
        type: 'delivery.failed',
        at: at(minutes),
        deliveryId: 'ntf.case.case.reported.1.x.police_desk.webhook',
        reason: 'police_desk by webhook: answered 410',
      }) as const;

    it('is escalated to the role the policy names and announced to it', () => {
      const { announced, recorded } = drive(aCaseInput(), failed(3));
      expect(recorded).toEqual([
        { kind: 'escalation', reason: 'delivery_failed', to: 'police_supervisor', at: at(3), dueAt: at(3) },
      ]);
      expect(announced.at(-1)).toEqual({
        event: 'delivery.failed',
        at: at(3),
        reason: 'police_desk by webhook: answered 410',
        escalateTo: 'police_supervisor',
      });
    });

    it('leaves the lifecycle where it was', () => {
      const { snapshot } = drive(aCaseInput(), acknowledge(), failed(10));
      expect(caseStatus(snapshot)).toBe('search_active');
    });

    it('is not taken by a closed case', () => {
      const { snapshot } = drive(aCaseInput(), {
        type: 'case.withdraw',
        at: at(2),
        by: clinician,
        reason: 'back',
        falseAlarm: true,
      });
      expect(snapshot.can(failed(3))).toBe(false);
    });
  });
});
