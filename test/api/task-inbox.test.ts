import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Principal } from '../../api/auth';
import { TaskFilterSchema, inboxPage, type InboxPage } from '../../api/task-inbox';
import type { OpenTask } from '../../machines/case.tasks';
import type { CaseView } from '../../machines/case.view';
import type { RecordsStore } from '../../records/records.store';
import { aCaseView, aTask } from '../support/case-views';
import { startPostgres } from '../support/postgres';
import { openTestRecords } from '../support/records';

/** Where the store runs: PGlite in this process, or a real PostgreSQL server started for this file. */
const engines = [
  { name: 'PGlite', start: () => Promise.resolve({ url: 'memory://', stop: () => Promise.resolve() }) },
  { name: 'PostgreSQL', start: startPostgres },
];

const desk: Principal = { sub: 'desk.noord', role: 'police_desk', region: 'noord-nl' };
const NOW = new Date('2026-11-24T10:00:00.000Z');
const filter = (query: Record<string, string> = {}) => TaskFilterSchema.parse(query);

describe.each(engines)('task inbox on $name', ({ start }) => {
  let server: { url: string; stop(): Promise<void> } | undefined;
  let records: RecordsStore;

  beforeAll(async () => {
    server = await start();
    records = await openTestRecords(server.url);
  });

  afterAll(async () => {
    await records?.database.close();
    await server?.stop();
  });

  beforeEach(async () => {
    await sql`truncate case_records, case_tasks, case_commands, case_photos`.execute(records.database.db);
  });

  /** Saves a police-graded case whose one open task is a desk task due at `dueAt` (11:00 unless told). */
  async function saved(
    caseId: string,
    over: Partial<CaseView> & { dueAt?: string | null; task?: Partial<OpenTask> } = {},
    version = 1,
  ): Promise<void> {
    const { dueAt = '2026-11-24T11:00:00.000Z', task, ...view } = over;
    await records.cases.save(
      version,
      aCaseView(caseId, { risk: 'medium', tasks: [aTask({ dueAt, ...task })], ...view }),
    );
  }

  const page = (principal: Principal, query: Record<string, string> = {}) =>
    inboxPage(records.cases, principal, filter(query), NOW);
  const caseIds = (p: InboxPage) => p.items.map((i) => i.caseId);

  it('sorts by due time, then priority (urgent and high risk first), then case', async () => {
    await saved('c-late', { dueAt: '2026-11-24T12:00:00.000Z', urgent: true, risk: 'high' });
    await saved('c-low', { risk: 'low' });
    await saved('c-urgent', { urgent: true });
    await saved('c-high', { risk: 'high' });
    await saved('c-none', { dueAt: null });

    const result = await page(desk);

    expect(caseIds(result)).toEqual(['c-urgent', 'c-high', 'c-low', 'c-late', 'c-none']);
    expect(result.items.map((i) => i.priority)).toEqual([2, 4, 6, 1, 5]);
    expect(result.nextCursor).toBeNull();
  });

  it('pages with a cursor that neither repeats nor skips a task while tasks are added and closed', async () => {
    for (let i = 0; i < 7; i++) await saved(`c-${i}`, { dueAt: `2026-11-24T1${i}:00:00.000Z` });

    const first = await page(desk, { limit: '3' });
    await saved('c-new', { dueAt: '2026-11-24T09:00:00.000Z' });
    const second = await page(desk, { limit: '3', cursor: first.nextCursor! });
    await saved('c-0', { tasks: [] }, 2);
    await saved('c-1', { tasks: [] }, 2);
    await saved('c-7', { dueAt: '2026-11-24T17:00:00.000Z' });
    const last = await page(desk, { limit: '3', cursor: second.nextCursor! });

    expect([first, second, last].map(caseIds)).toEqual([
      ['c-0', 'c-1', 'c-2'],
      ['c-3', 'c-4', 'c-5'],
      ['c-6', 'c-7'],
    ]);
    expect(last.nextCursor).toBeNull();
  });

  it('pages through every open task with no cap on how many there are', async () => {
    const count = 450;
    const dueOf = (i: number) => (i % 3 === 2 ? null : `2026-11-24T1${i % 9}:00:00.000Z`);
    const ids = Array.from({ length: count }, (_, i) => `c-${String(i).padStart(3, '0')}`);
    for (const [i, id] of ids.entries()) await saved(id, { dueAt: dueOf(i) });
    // Undated tasks come last; '~' sorts after every digit.
    const key = new Map(ids.map((id, i) => [id, `${dueOf(i) ?? '~'} ${id}`]));
    const expected = [...ids].sort((a, b) => (key.get(a)! < key.get(b)! ? -1 : 1));

    const pages: InboxPage[] = [];
    let cursor: string | null | undefined;
    do {
      const next = await page(desk, { limit: '200', ...(cursor && { cursor }) });
      pages.push(next);
      cursor = next.nextCursor;
    } while (cursor && pages.length < 10);

    expect(pages.map((p) => p.items.length)).toEqual([200, 200, 50]);
    expect(pages.flatMap(caseIds)).toEqual(expected);
  });

  it('answers 400 naming query.cursor for a cursor it did not give out', async () => {
    await saved('c-1');

    await expect(page(desk, { cursor: 'bm9wZQ' })).rejects.toMatchObject({
      status: 400,
      extras: { errors: [expect.objectContaining({ path: 'query.cursor' })] },
    });
  });

  it('marks a task overdue when its due time passed or it was escalated, and lists only those', async () => {
    await saved('c-past', { dueAt: '2026-11-24T09:59:00.000Z' });
    await saved('c-future');
    await saved('c-escalated', {
      dueAt: '2026-11-24T10:30:00.000Z',
      task: { task: 'review_risk', escalatedTo: 'police_supervisor' },
    });

    const overdue = await page(desk, { overdue: 'true' });

    expect(overdue.items.map((i) => [i.caseId, i.overdue])).toEqual([
      ['c-past', true],
      ['c-escalated', true],
    ]);
  });

  it('lists only tasks on time when asked for tasks that are not overdue', async () => {
    await saved('c-past', { dueAt: '2026-11-24T09:59:00.000Z' });
    await saved('c-future');
    await saved('c-escalated', { task: { task: 'review_risk', escalatedTo: 'police_supervisor' } });

    const onTime = await page(desk, { overdue: 'false' });

    expect(onTime.items.map((i) => [i.caseId, i.overdue])).toEqual([['c-future', false]]);
  });

  it('filters on a role as the owner of a task or the role it was escalated to', async () => {
    await saved('c-desk');
    await saved('c-escalated', { task: { task: 'review_risk', escalatedTo: 'police_supervisor' } });
    await saved('c-supervisor', { task: { task: 'notify_national_bureau', role: 'police_supervisor' } });

    const supervisors = await page(desk, { role: 'police_supervisor' });

    expect(caseIds(supervisors)).toEqual(['c-escalated', 'c-supervisor']);
  });

  it('filters on the case state and risk', async () => {
    await saved('c-searching-high', { status: 'search_active', risk: 'high' });
    await saved('c-searching-low', { status: 'search_active', risk: 'low' });
    await saved('c-reported-high', { status: 'reported', risk: 'high' });

    const result = await page(desk, { state: 'search_active', risk: 'high' });

    expect(caseIds(result)).toEqual(['c-searching-high']);
  });

  it('lists the tasks the caller holds when assigned is me', async () => {
    await saved('c-mine', { task: { claimedBy: { id: desk.sub, role: 'police_desk' } } });
    await saved('c-theirs', { task: { claimedBy: { id: 'desk.other', role: 'police_desk' } } });
    await saved('c-free');

    const mine = await page(desk, { assigned: 'me' });

    expect(mine.items.map((i) => [i.caseId, i.claimedBy])).toEqual([
      ['c-mine', { id: desk.sub, role: 'police_desk' }],
    ]);
  });

  it('lists the tasks nobody holds when assigned is none', async () => {
    await saved('c-mine', { task: { claimedBy: { id: desk.sub, role: 'police_desk' } } });
    await saved('c-theirs', { task: { claimedBy: { id: 'desk.other', role: 'police_desk' } } });
    await saved('c-free');

    expect(caseIds(await page(desk, { assigned: 'none' }))).toEqual(['c-free']);
  });

  it('shows an ambulance crew only its own transport tasks, whatever role it filters on', async () => {
    const crew: Principal = { sub: 'rav.1', role: 'ambulance', region: 'noord-nl' };
    await records.cases.save(
      1,
      aCaseView('c-transport', {
        status: 'in_transport',
        tasks: [
          aTask({ task: 'confirm_arrival', role: 'clinic', dueAt: null }),
          aTask({ task: 'transport_patient', role: 'ambulance', dueAt: null }),
          aTask({ task: 'review_risk', role: 'police_desk', escalatedTo: 'ambulance' }),
        ],
      }),
    );

    expect((await page(crew)).items.map((i) => i.task)).toEqual(['transport_patient']);
    expect((await page(crew, { role: 'clinic' })).items).toEqual([]);
  });

  it("shows a clinic only its own institution's tasks, whatever region it filters on", async () => {
    const clinic: Principal = { sub: 'a.bakker', role: 'clinic', institutionId: 'ggz-noord' };
    await saved('c-own-noord', { region: 'noord-nl', institutionId: 'ggz-noord' });
    await saved('c-own-zuid', { region: 'zuid-nl', institutionId: 'ggz-noord' });
    await saved('c-other-noord', { region: 'noord-nl', institutionId: 'ggz-oost' });

    expect(caseIds(await page(clinic))).toEqual(['c-own-noord', 'c-own-zuid']);
    expect(caseIds(await page(clinic, { region: 'noord-nl' }))).toEqual(['c-own-noord']);
    expect(caseIds(await page(clinic, { institution: 'ggz-oost' }))).toEqual([]);
  });

  it("shows a police desk only its own region's tasks, whatever region or institution it filters on", async () => {
    await saved('c-noord', { region: 'noord-nl', institutionId: 'ggz-noord' });
    await saved('c-zuid', { region: 'zuid-nl', institutionId: 'ggz-zuid' });

    expect(caseIds(await page(desk))).toEqual(['c-noord']);
    expect(caseIds(await page(desk, { region: 'zuid-nl' }))).toEqual([]);
    expect(caseIds(await page(desk, { institution: 'ggz-zuid' }))).toEqual([]);
  });
});

describe('TaskFilterSchema', () => {
  it('refuses unknown filters and wrong values, naming each', () => {
    const result = TaskFilterSchema.safeParse({ risk: 'extreme', limit: '0', colour: 'red' });

    expect(result.success).toBe(false);
    expect(result.error!.issues.map((i) => i.path.join('.') || i.code).sort()).toEqual([
      'limit',
      'risk',
      'unrecognized_keys',
    ]);
  });

  it('caps one page at 200 tasks', () => {
    expect(TaskFilterSchema.safeParse({ limit: '201' }).success).toBe(false);
    expect(TaskFilterSchema.parse({ limit: '200' }).limit).toBe(200);
  });
});
