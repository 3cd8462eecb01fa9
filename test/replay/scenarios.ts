import type { CaseHarness } from '../support/case-harness';
import { ambulance, clinician, police, supervisor } from '../support/fixtures';

/**
 * Cases driven end to end on a real server, whose histories are recorded and replayed (replay.test.ts).
 * Between them they take every kind of step a running case can be in the middle of: Updates accepted and
 * refused, timers armed, moved, cancelled and fired, announcements, continue-as-new, and completion.
 */
export type Scenario = {
  name: string;
  server: 'time-skipping' | 'dev';
  drive: (h: CaseHarness) => Promise<string>;
};

const hours = (h: number) => h * 3_600_000;

export const scenarios: Scenario[] = [
  {
    name: 'returned-after-transport',
    server: 'time-skipping',
    async drive(h) {
      const { caseId } = await h.file({ urgent: true });
      await h.advance('16 minutes'); // the acknowledge deadline passes: escalated to the supervisor
      await h.cases.command(caseId, 'police.acknowledge', {
        commandId: `${caseId}-ack`,
        by: police,
        risk: 'high',
        urgent: true,
        knownFacts: 'left through the garden',
        source: 'ward nurse',
      });
      await h.cases.command(caseId, 'case.record_sighting', {
        commandId: `${caseId}-sighting`,
        by: clinician,
        seenAt: (await h.now()).toISOString(),
        place: 'Station Assen',
        source: 'conductor',
      });
      await h.cases
        .command(caseId, 'clinic.confirm_return', { commandId: `${caseId}-too-early`, by: clinician })
        .catch(() => undefined); // refused by the machine: never enters the history as applied
      await h.cases.command(caseId, 'case.public_appeal', {
        commandId: `${caseId}-appeal`,
        by: supervisor,
        consentRecordedBy: 'dr. A. Bakker',
        expiresAt: new Date((await h.now()).getTime() + hours(48)).toISOString(),
      });
      await h.advance('90 minutes');
      await h.cases.command(caseId, 'case.record_located', {
        commandId: `${caseId}-located`,
        by: police,
        foundBy: 'police',
        place: 'Station Assen',
      });
      await h.cases.command(caseId, 'task.complete', {
        commandId: `${caseId}-appeal-down`,
        by: police,
        task: 'withdraw_public_appeal',
      });
      await h.cases.command(caseId, 'transport.arrange', {
        commandId: `${caseId}-transport`,
        by: ambulance,
        mode: 'ambulance',
        pickup: 'Station Assen',
        destination: 'De Linde, GGZ Noord',
      });
      await h.advance('2 hours');
      await h.cases.command(caseId, 'clinic.confirm_return', { commandId: `${caseId}-back`, by: clinician });
      await h.cases.command(caseId, 'clinic.complete_debrief', {
        commandId: `${caseId}-debrief`,
        by: clinician,
        safeAndWell: true,
        whatHappened: 'took the train to see his sister',
        pushFactors: [],
        pullFactors: [],
        plansUpdated: false,
      });
      return caseId;
    },
  },
  {
    name: 'missing-until-title-expired',
    server: 'time-skipping',
    async drive(h) {
      const { caseId } = await h.file({
        kind: { unauthorisedAbsence: true, missing: true },
        legalTitle: { kind: 'crisismaatregel', startsOn: '2026-11-25', endsOn: '2026-11-28' },
      });
      await h.cases.command(caseId, 'police.acknowledge', {
        commandId: `${caseId}-ack`,
        by: police,
        risk: 'low',
        urgent: false,
        knownFacts: 'wanders to the station most days',
        source: 'ward nurse',
      });
      await h.advance('25 hours'); // a low-risk review is missed
      await h.cases.command(caseId, 'police.review_risk', {
        commandId: `${caseId}-review`,
        by: supervisor,
        risk: 'medium',
        urgent: false,
        knownFacts: 'not seen since yesterday',
        source: 'desk',
        nextReviewAt: new Date((await h.now()).getTime() + hours(8)).toISOString(),
      });
      await h.cases.command(caseId, 'case.add_information', {
        commandId: `${caseId}-info`,
        by: clinician,
        information: 'has a sister in Groningen',
        source: 'ward nurse',
      });
      await h.advance('4 days'); // 72 h threshold, reviews, the title ending soon and then ended
      await h.cases.command(caseId, 'police.decide_after_expiry', {
        commandId: `${caseId}-decide`,
        by: supervisor,
        continueSearch: false,
      });
      return caseId;
    },
  },
  {
    name: 'ward-search-then-rejected',
    server: 'time-skipping',
    async drive(h) {
      const { caseId } = await h.file({ internalSearchDone: false });
      await h.advance('31 minutes');
      await h.cases.command(caseId, 'police.reject', {
        commandId: `${caseId}-reject`,
        by: police,
        grounds: 'no_danger',
        reason: 'no danger and the title allows leave',
      });
      await h.cases.command(caseId, 'clinic.dispute_rejection', {
        commandId: `${caseId}-dispute`,
        by: clinician,
        reason: 'he has not taken his clozapine for two days',
      });
      await h.cases.command(caseId, 'police.review_rejection', {
        commandId: `${caseId}-review`,
        by: supervisor,
        uphold: true,
        reason: 'the ward confirms he took it this morning',
      });
      await h.cases.command(caseId, 'clinic.route_after_rejection', {
        commandId: `${caseId}-route`,
        by: clinician,
        route: 'close',
      });
      return caseId;
    },
  },
  {
    name: 'continued-as-new',
    server: 'dev',
    async drive(h) {
      const caseId = await h.startCase({}, { historyLimit: 40 });
      await h.cases.command(caseId, 'police.acknowledge', {
        commandId: `${caseId}-ack`,
        by: police,
        risk: 'low',
        urgent: false,
        knownFacts: 'left via the garden',
        source: 'ward nurse',
      });
      for (let i = 1; i <= 8; i++) {
        await h.cases.command(caseId, 'police.review_risk', {
          commandId: `${caseId}-review-${i}`,
          by: police,
          risk: 'low',
          urgent: false,
          knownFacts: `review ${i}`,
          source: 'desk',
          nextReviewAt: new Date(Date.now() + hours(12)).toISOString(),
        });
      }
      await h.cases.command(caseId, 'case.close', {
        commandId: `${caseId}-close`,
        by: police,
        outcome: 'found_by_family',
      });
      return caseId;
    },
  },
];
