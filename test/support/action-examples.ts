import type { CommandType } from '../../machines/case.events';

const facts = { knownFacts: 'left through the garden at 07:40', source: 'ward nurse' };
const inHours = (now: Date, hours: number) => new Date(now.getTime() + hours * 3_600_000).toISOString();

/** A valid request body for each lifecycle action, as a client would send it at `now`. */
export function exampleBody(type: CommandType, now = new Date()): Record<string, unknown> {
  const examples: Record<CommandType, Record<string, unknown>> = {
    'clinic.internal_search_done': { found: false },
    'police.acknowledge': { risk: 'high', urgent: true, ...facts },
    'police.reject': { grounds: 'no_danger', reason: 'no danger and no legal title' },
    'clinic.route_after_rejection': { route: 'crisis_service', note: 'crisis service called at 10:05' },
    'clinic.dispute_rejection': { reason: 'he has not taken his clozapine for two days' },
    'police.review_rejection': { uphold: false, reason: 'medication risk: acute danger' },
    'police.review_risk': { risk: 'medium', urgent: false, ...facts, nextReviewAt: inHours(now, 1) },
    'case.add_information': { information: 'may be heading to his sister', source: 'mother' },
    'case.record_sighting': { seenAt: now.toISOString(), place: 'Station Assen', source: 'conductor' },
    'case.record_located': { foundBy: 'police', place: 'Station Assen' },
    'police.place_alert': { reference: 'SIG-2026-000123' },
    'police.record_custody': {
      place: 'Politiebureau Assen, cel 4',
      expectedReleaseAt: inHours(now, 6),
      grounds: 'shoplifting',
    },
    'police.release_from_custody': { note: 'released to the ambulance crew' },
    'transport.arrange': { mode: 'ambulance', pickup: 'Station Assen', destination: 'De Linde, GGZ Noord' },
    'clinic.confirm_return': {},
    'clinic.complete_follow_up': { agreed: 'outpatient visit with the psychiatrist on Monday' },
    'clinic.complete_debrief': { safeAndWell: true, whatHappened: 'took the train to see his sister' },
    'clinic.update_title': {
      title: { kind: 'zorgmachtiging', startsOn: '2026-06-01', endsOn: '2027-06-01' },
    },
    'police.decide_after_expiry': { continueSearch: true },
    'crisis.record_assessment': { outcome: 'returns_voluntarily', notes: 'calm; agrees to go back' },
    'case.public_appeal': { consentRecordedBy: 'mother', expiresAt: inHours(now, 24) },
    'task.complete': { task: 'notify_national_bureau' },
    'task.claim': { task: 'acknowledge_report' },
    'task.release': { task: 'acknowledge_report' },
    'task.reassign': { task: 'acknowledge_report', to: { id: 'agent-22', role: 'police_desk' } },
    'police.transfer': { toRegion: 'elders-nl' },
    'case.close': { outcome: 'returned_on_own' },
    'case.withdraw': { reason: 'she was in the chapel' },
    'clinic.update_description': {
      person: {
        heightCm: 185,
        distinguishingMarks: ['anchor tattoo, left forearm'],
        languages: ['nl', 'ar'],
      },
    },
    'clinic.update_last_seen': { seenAt: now.toISOString(), place: 'Bushalte Stationsweg' },
  };
  return examples[type];
}
