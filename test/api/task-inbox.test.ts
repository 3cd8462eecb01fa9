import { describe, expect, it } from 'vitest';
import type { Principal } from '../../api/auth';
import { TaskFilterSchema, inboxPage, inboxQuery, type ListedCase } from '../../api/task-inbox';

const desk: Principal = { sub: 'desk.noord', role: 'police_desk', region: 'noord-nl' };
const NOW = '2026-11-24T10:00:00.000Z';
const filter = (query: Record<string, string> = {}) => TaskFilterSchema.parse(query);

function listed(caseId: string, over: Partial<ListedCase> & { dueAt?: string | null } = {}): ListedCase {
  const { dueAt = '2026-11-24T11:00:00.000Z', ...rest } = over;
  return {
    caseId,
    status: 'reported',
    region: 'noord-nl',
    institutionId: 'ggz-noord',
    risk: 'medium',
    urgent: false,
    tasks: [{ task: 'acknowledge_report', role: 'police_desk', dueAt, escalatedTo: null, claimedBy: null }],
    ...rest,
  };
}

describe('task inbox', () => {
  it('sorts by due time, then priority (urgent and high risk first), then case', () => {
    const page = inboxPage(
      desk,
      filter(),
      [
        listed('c-late', { dueAt: '2026-11-24T12:00:00.000Z', urgent: true, risk: 'high' }),
        listed('c-low', { risk: 'low' }),
        listed('c-urgent', { urgent: true }),
        listed('c-high', { risk: 'high' }),
        listed('c-none', { dueAt: null }),
      ],
      NOW,
    );
    expect(page.items.map((i) => i.caseId)).toEqual(['c-urgent', 'c-high', 'c-low', 'c-late', 'c-none']);
    expect(page.items.map((i) => i.priority)).toEqual([2, 4, 6, 1, 5]);
  });

  it('pages with a cursor that neither repeats nor skips a task, even when a task is added meanwhile', () => {
    const cases = Array.from({ length: 7 }, (_, i) =>
      listed(`c-${i}`, { dueAt: `2026-11-24T1${i}:00:00.000Z` }),
    );
    const first = inboxPage(desk, filter({ limit: '3' }), cases, NOW);
    expect(first.items.map((i) => i.caseId)).toEqual(['c-0', 'c-1', 'c-2']);
    const grown = [...cases, listed('c-new', { dueAt: '2026-11-24T09:00:00.000Z' })];
    const second = inboxPage(desk, filter({ limit: '3', cursor: first.nextCursor! }), grown, NOW);
    expect(second.items.map((i) => i.caseId)).toEqual(['c-3', 'c-4', 'c-5']);
    const last = inboxPage(desk, filter({ limit: '3', cursor: second.nextCursor! }), grown, NOW);
    expect(last.items.map((i) => i.caseId)).toEqual(['c-6']);
    expect(last.nextCursor).toBeNull();
  });

  it('answers 400 for a cursor it did not give out', () => {
    expect(() => inboxPage(desk, filter({ cursor: 'bm9wZQ' }), [listed('c')], NOW)).toThrow(
      expect.objectContaining({ status: 400 }),
    );
  });

  it('marks a task overdue when its due time passed or it was escalated, and filters on it', () => {
    const cases = [
      listed('c-past', { dueAt: '2026-11-24T09:59:00.000Z' }),
      listed('c-future'),
      {
        ...listed('c-escalated'),
        tasks: [
          {
            task: 'review_risk' as const,
            role: 'police_desk' as const,
            dueAt: '2026-11-24T09:00:00.000Z',
            escalatedTo: 'police_supervisor' as const,
            claimedBy: null,
          },
        ],
      },
    ];
    const overdue = inboxPage(desk, filter({ overdue: 'true' }), cases, NOW);
    expect(overdue.items.map((i) => i.caseId)).toEqual(['c-escalated', 'c-past']);
    const supervisorsOwn = inboxPage(desk, filter({ role: 'police_supervisor' }), cases, NOW);
    expect(supervisorsOwn.items.map((i) => i.caseId)).toEqual(['c-escalated']);
  });

  it('filters on who holds a task: the caller, or nobody', () => {
    const mine = listed('c-mine');
    mine.tasks[0]!.claimedBy = { id: desk.sub, role: 'police_desk' };
    const theirs = listed('c-theirs');
    theirs.tasks[0]!.claimedBy = { id: 'desk.other', role: 'police_desk' };
    const cases = [mine, theirs, listed('c-free')];
    expect(inboxPage(desk, filter({ assigned: 'me' }), cases, NOW).items.map((i) => i.caseId)).toEqual([
      'c-mine',
    ]);
    expect(inboxPage(desk, filter({ assigned: 'none' }), cases, NOW).items.map((i) => i.caseId)).toEqual([
      'c-free',
    ]);
  });

  it("shows an ambulance user only the crew's own tasks", () => {
    const crew: Principal = { sub: 'rav.1', role: 'ambulance', region: 'noord-nl' };
    const inTransport = {
      ...listed('c-transport'),
      tasks: [
        {
          task: 'confirm_arrival' as const,
          role: 'clinic' as const,
          dueAt: null,
          escalatedTo: null,
          claimedBy: null,
        },
        {
          task: 'transport_patient' as const,
          role: 'ambulance' as const,
          dueAt: null,
          escalatedTo: null,
          claimedBy: null,
        },
      ],
    };
    expect(inboxPage(crew, filter(), [inTransport], NOW).items.map((i) => i.task)).toEqual([
      'transport_patient',
    ]);
  });

  it("always scopes the visibility query to the caller's tenant, whatever the filters", () => {
    const clinic: Principal = { sub: 'c', role: 'clinic', institutionId: 'ggz-noord' };
    expect(inboxQuery(clinic, filter({ region: 'zuid-nl' }))).toContain('VermistInstitution = "ggz-noord"');
    expect(inboxQuery(desk, filter({ state: 'search_active', risk: 'high' }))).toBe(
      'WorkflowType = "caseWorkflow" AND ExecutionStatus = "Running" AND VermistRegion = "noord-nl" AND VermistState = "search_active" AND VermistRisk = "high"',
    );
  });

  it('refuses unknown filters and wrong values, naming each', () => {
    const result = TaskFilterSchema.safeParse({ risk: 'extreme', limit: '0', colour: 'red' });
    expect(result.success).toBe(false);
    expect(result.error!.issues.map((i) => i.path.join('.') || i.code).sort()).toEqual([
      'limit',
      'risk',
      'unrecognized_keys',
    ]);
  });
});
