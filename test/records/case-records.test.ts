import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import fc from 'fast-check';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Actor } from '../../machines/case.events';
import type { OpenTask } from '../../machines/case.tasks';
import type { CaseView } from '../../machines/case.view';
import { createCaseRecords } from '../../records/case-records';
import { PgliteDialect } from '../../records/pglite.dialect';
import { migrate } from '../../records/records.database';
import { recordsMigrations } from '../../records/records.migrations';
import type { RecordsStore } from '../../records/records.store';
import type { RecordsTables } from '../../records/records.tables';
import { createSealer } from '../../records/sealer';
import { aCaseView, aTask } from '../support/case-views';
import { aReport } from '../support/fixtures';
import { startPostgres } from '../support/postgres';
import { openTestRecords } from '../support/records';
import { TEST_PAYLOAD_KEY } from '../support/temporal';

/** A database the test can connect to without the store's own migration, and close again. */
type Connection = { db: Kysely<RecordsTables>; close(): Promise<void> };

/** What an engine offers a test: the store for the file, and fresh databases of its own. */
type Backend = {
  store: string;
  /** Where a new, empty database lives: a temp dir for PGlite, a new database on the server for PostgreSQL. */
  freshLocation(): Promise<string>;
  connect(location: string): Promise<Connection>;
  stop(): Promise<void>;
};

const engines: { name: string; start(): Promise<Backend> }[] = [
  {
    name: 'PGlite',
    start() {
      const dirs: string[] = [];
      return Promise.resolve({
        store: 'memory://',
        freshLocation() {
          const dir = mkdtempSync(path.join(tmpdir(), 'vermist-case-records-'));
          dirs.push(dir);
          return Promise.resolve(dir);
        },
        async connect(location) {
          const pglite = await PGlite.create(location);
          const db = new Kysely<RecordsTables>({ dialect: new PgliteDialect(pglite) });
          return { db, close: () => pglite.close() };
        },
        stop() {
          for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
          return Promise.resolve();
        },
      });
    },
  },
  {
    name: 'PostgreSQL',
    async start() {
      const server = await startPostgres();
      return {
        store: server.url,
        freshLocation: () => server.createDatabase(),
        connect(location) {
          const db = new Kysely<RecordsTables>({
            dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: location, max: 2 }) }),
          });
          return Promise.resolve({ db, close: () => db.destroy() });
        },
        stop: () => server.stop(),
      };
    },
  },
];

const NOW = new Date('2026-11-24T10:00:00.000Z');

/** Version `n` of a case: each version has its own status, sightings and set of open tasks. */
function versionOf(base: CaseView, n: number): CaseView {
  const tasks: OpenTask[] = [
    aTask({ task: 'review_risk', dueAt: `2026-11-24T1${n % 10}:00:00.000Z` }),
    aTask({ task: 'request_dna_sample', dueAt: null, claimedBy: { id: `desk-${n}`, role: 'police_desk' } }),
    aTask({ task: 'notify_national_bureau', role: 'police_supervisor', escalatedTo: null }),
  ];
  return {
    ...base,
    status: n % 2 === 0 ? 'search_active' : 'reported',
    timeline: Array.from({ length: n }, (_, i) => ({
      type: 'case.record_sighting',
      at: `2026-11-24T1${i % 10}:00:00.000Z`,
      by: null,
    })),
    tasks: tasks.filter((_, i) => (n >> i) % 2 === 1),
  };
}

describe.each(engines)('case records on $name', (engine) => {
  let backend: Backend | undefined;
  let records: RecordsStore;
  let runs = 0;

  beforeAll(async () => {
    backend = await engine.start();
    records = await openTestRecords(backend.store);
  });

  afterAll(async () => {
    await records?.database.close();
    await backend?.stop();
  });

  beforeEach(async () => {
    await sql`truncate case_records, case_tasks, case_commands, case_photos`.execute(records.database.db);
  });

  /** The case's task rows as the store holds them, in task order. */
  async function taskRows(caseId: string): Promise<OpenTask[]> {
    const rows = await records.database.db
      .selectFrom('case_tasks')
      .selectAll()
      .where('case_id', '=', caseId)
      .orderBy('task')
      .execute();
    return rows.map((row) => ({
      task: row.task as OpenTask['task'],
      role: row.role as OpenTask['role'],
      dueAt: row.due_at?.toISOString() ?? null,
      escalatedTo: row.escalated_to as OpenTask['escalatedTo'],
      claimedBy: row.claimed_by_id ? ({ id: row.claimed_by_id, role: row.claimed_by_role } as Actor) : null,
    }));
  }

  const byTask = (tasks: OpenTask[]) => [...tasks].sort((a, b) => (a.task < b.task ? -1 : 1));

  describe('append: each version adds to the history, never twice', () => {
    const at = (minute: number) => `2026-11-24T09:${String(minute).padStart(2, '0')}:00.000Z`;
    const entry = (type: string, minute: number) => ({ type, at: at(minute), by: null });
    const delivery = (status: 'queued' | 'delivered', minute: number) => ({
      id: 'ntf.case-append.case.reported.1.x.police_desk.webhook',
      event: 'case.reported' as const,
      party: 'police_desk' as const,
      channel: 'webhook' as const,
      urgency: 'immediate' as const,
      status,
      attempts: status === 'queued' ? 0 : 1,
      recipients: status === 'queued' ? 0 : 1,
      queuedAt: at(1),
      updatedAt: at(minute),
    });
    const escalation = {
      kind: 'escalation' as const,
      reason: 'acknowledge_overdue' as const,
      to: 'police_supervisor' as const,
      at: at(9),
      dueAt: at(9),
    };
    const {
      timeline: _t,
      assessments: _a,
      escalations: _e,
      deliveries: _d,
      ...state
    } = aCaseView('case-append');

    it('keeps the state of the newest version and the history of all of them, a delivery by its latest status', async () => {
      await records.cases.append(1, state, {
        timeline: [entry('case.reported', 1)],
        entries: [],
        deliveries: [delivery('queued', 1)],
      });
      await records.cases.append(
        2,
        { ...state, status: 'search_active' },
        {
          timeline: [entry('police.acknowledge', 5)],
          entries: [escalation],
          deliveries: [delivery('delivered', 6)],
        },
      );
      const stored = (await records.cases.get('case-append'))!;
      expect(stored.version).toBe(2);
      expect(stored.view.status).toBe('search_active');
      expect(stored.view.timeline.map((e) => e.type)).toEqual(['case.reported', 'police.acknowledge']);
      expect(stored.view.escalations).toEqual([
        { reason: 'acknowledge_overdue', to: 'police_supervisor', at: at(9), dueAt: at(9) },
      ]);
      expect(stored.view.deliveries.map((d) => d.status)).toEqual(['delivered']);
    });

    it('appends nothing again when a version it has is written again (a retried or replayed write)', async () => {
      const first = { timeline: [entry('case.reported', 1)], entries: [], deliveries: [] };
      expect(await records.cases.append(1, state, first, ['cmd-1'])).toBe(true);
      expect(await records.cases.append(1, state, first, ['cmd-1'])).toBe(false);
      await records.cases.append(2, state, {
        timeline: [entry('task.claim', 2)],
        entries: [],
        deliveries: [],
      });
      expect(await records.cases.append(1, state, first)).toBe(false);
      const stored = (await records.cases.get('case-append'))!;
      expect(stored.view.timeline.map((e) => e.type)).toEqual(['case.reported', 'task.claim']);
      expect(await records.cases.commandVersion('case-append', 'cmd-1')).toBe(1);
    });
  });

  describe('save and get', () => {
    it('reads a saved version back whole', async () => {
      const view = aCaseView('case-whole', {
        tasks: [aTask({ claimedBy: { id: 'agent-17', role: 'police_desk' } })],
      });

      await records.cases.save(3, view, ['cmd-1']);

      expect(await records.cases.get('case-whole')).toEqual({ version: 3, view });
    });

    it('answers undefined for a case it never stored', async () => {
      expect(await records.cases.get('case-unknown')).toBeUndefined();
    });

    it('keeps the highest version, its view and its tasks, whatever order versions are written in', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.integer({ min: 1, max: 8 }), { minLength: 1, maxLength: 12 }),
          async (versions) => {
            const caseId = `case-seq-${++runs}`;
            const base = aCaseView(caseId);
            let highest = 0;
            for (const version of versions) {
              const written = await records.cases.save(version, versionOf(base, version));
              expect(written).toBe(version > highest);
              highest = Math.max(highest, version);

              expect(await records.cases.get(caseId)).toEqual({
                version: highest,
                view: versionOf(base, highest),
              });
              expect(await taskRows(caseId)).toEqual(byTask(versionOf(base, highest).tasks));
            }
          },
        ),
        { numRuns: 30 },
      );
    });

    it('keeps the highest version, its view and its tasks when versions are written concurrently', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.array(fc.integer({ min: 1, max: 8 }), { minLength: 1, maxLength: 6 }), {
            minLength: 1,
            maxLength: 4,
          }),
          async (batches) => {
            const caseId = `case-concurrent-${++runs}`;
            const base = aCaseView(caseId);
            let highest = 0;
            for (const batch of batches) {
              await Promise.all(
                batch.map((version) => records.cases.save(version, versionOf(base, version))),
              );
              highest = Math.max(highest, ...batch);

              expect(await records.cases.get(caseId)).toEqual({
                version: highest,
                view: versionOf(base, highest),
              });
              expect(await taskRows(caseId)).toEqual(byTask(versionOf(base, highest).tasks));
            }
          },
        ),
        { numRuns: 30 },
      );
    });
  });

  describe('commandVersion', () => {
    it('answers the version that applied a command', async () => {
      const view = aCaseView('case-commands');
      await records.cases.save(1, view, ['cmd-report']);
      await records.cases.save(2, view, ['cmd-ack', 'cmd-claim']);

      expect(await records.cases.commandVersion('case-commands', 'cmd-report')).toBe(1);
      expect(await records.cases.commandVersion('case-commands', 'cmd-claim')).toBe(2);
    });

    it('answers the version of a command written after a newer version, which it does not overwrite', async () => {
      const view = aCaseView('case-late');
      await records.cases.save(3, versionOf(view, 3), ['cmd-3']);

      expect(await records.cases.save(2, versionOf(view, 2), ['cmd-2'])).toBe(false);

      expect(await records.cases.commandVersion('case-late', 'cmd-2')).toBe(2);
      expect((await records.cases.get('case-late'))?.version).toBe(3);
    });

    it('answers undefined for a command the case never applied', async () => {
      await records.cases.save(1, aCaseView('case-commands'), ['cmd-report']);

      expect(await records.cases.commandVersion('case-commands', 'cmd-other')).toBeUndefined();
      expect(await records.cases.commandVersion('case-other', 'cmd-report')).toBeUndefined();
    });
  });

  describe('sealing', () => {
    const report = aReport();
    const secrets = [
      report.person.name,
      report.person.dateOfBirth,
      report.person.description,
      report.person.clothing!,
      report.clinical!.diagnosis!,
      report.clinical!.treatmentNotes!,
      report.lastSeen.place,
      ...report.likelyPlaces!,
      report.clinicContact.responsibleClinician,
      report.clinicContact.phone24x7,
      report.consents.familyContact.recordedBy,
    ];

    /** Every form a value can take in a dump: the row as PostgreSQL prints it, and each bytea as bytes. */
    async function rawForms(): Promise<string[]> {
      const db = records.database.db;
      const printed = await sql<{ row: string }>`
        select r::text as row from case_records r
        union all select t::text from case_tasks t
        union all select c::text from case_commands c
        union all select encode(sealed, 'escape') from case_records`.execute(db);
      const sealed = await sql<{ sealed: Uint8Array }>`select sealed from case_records`.execute(db);
      return [
        ...printed.rows.map((r) => r.row),
        ...sealed.rows.flatMap((r) => [
          Buffer.from(r.sealed).toString('utf8'),
          Buffer.from(r.sealed).toString('latin1'),
        ]),
      ];
    }

    it('stores no name, date of birth, diagnosis, medication or free text of the report in clear', async () => {
      await records.cases.save(1, aCaseView('case-sealed', { tasks: [aTask()] }), ['cmd-report']);
      const forms = await rawForms();

      expect(forms.length).toBeGreaterThan(4);
      for (const secret of secrets) {
        const hex = Buffer.from(secret, 'utf8').toString('hex');
        for (const form of forms) {
          expect(form).not.toContain(secret);
          expect(form.toLowerCase()).not.toContain(hex);
        }
      }
    });

    it('opens a stored view under a key ring that still holds its key', async () => {
      const view = aCaseView('case-rotated');
      await records.cases.save(1, view);
      const rotated = createCaseRecords({
        db: records.database.db,
        sealer: createSealer([randomBytes(32), TEST_PAYLOAD_KEY]),
      });

      expect(await rotated.get('case-rotated')).toEqual({ version: 1, view });
    });

    it('fails to open a stored view under another key', async () => {
      await records.cases.save(1, aCaseView('case-foreign-key'));
      const foreign = createCaseRecords({ db: records.database.db, sealer: createSealer([randomBytes(32)]) });

      await expect(foreign.get('case-foreign-key')).rejects.toThrow(/no records store key/);
    });

    it('fails to open a stored view under a key with the same id but other bytes', async () => {
      await records.cases.save(1, aCaseView('case-forged'));
      const forged = Buffer.from(TEST_PAYLOAD_KEY);
      forged[0]! ^= 1;
      const sealer = createSealer([forged]);
      const { sealed } = await records.database.db
        .selectFrom('case_records')
        .select('sealed')
        .where('case_id', '=', 'case-forged')
        .executeTakeFirstOrThrow();
      // Put the forged key's id on the value, so the only thing left to fail is the authentication tag.
      const relabelled = Buffer.concat([
        sealed.subarray(0, 1),
        sealer.seal(null, { table: 'x', id: 'x', field: 'x' }).subarray(1, 9),
        sealed.subarray(9),
      ]);

      expect(() =>
        sealer.open(relabelled, { table: 'case_records', id: 'case-forged', field: 'view' }),
      ).toThrow(/authenticate/);
    });

    it('fails to open a sealed view copied onto another case', async () => {
      await records.cases.save(1, aCaseView('case-source'));
      await records.cases.save(1, aCaseView('case-target'));

      await sql`
        update case_records set sealed = (select sealed from case_records where case_id = 'case-source')
        where case_id = 'case-target'`.execute(records.database.db);

      await expect(records.cases.get('case-target')).rejects.toThrow(/authenticate/);
      expect((await records.cases.get('case-source'))?.view.caseId).toBe('case-source');
    });
  });

  describe('openCaseCounts', () => {
    const HOUR = 60 * 60 * 1000;
    const sorted = <T>(rows: T[]) =>
      [...rows].sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));

    async function counts() {
      const { byStateRiskRegion, overdueByRole, atRiskByRegion } = await records.cases.openCaseCounts(
        NOW,
        HOUR,
      );
      return {
        byStateRiskRegion: sorted(byStateRiskRegion),
        overdueByRole: sorted(overdueByRole),
        atRiskByRegion: sorted(atRiskByRegion),
      };
    }

    const closed: Partial<CaseView> = {
      status: 'closed',
      closedAt: '2026-11-24T09:30:00.000Z',
      outcome: 'returned',
      tasks: [],
    };

    it('counts open cases by state, risk (the proposal until graded) and region', async () => {
      await records.cases.save(
        1,
        aCaseView('c-1', { status: 'reported', proposedRisk: 'medium', risk: null }),
      );
      await records.cases.save(
        1,
        aCaseView('c-2', { status: 'reported', proposedRisk: 'low', risk: 'medium' }),
      );
      await records.cases.save(1, aCaseView('c-3', { status: 'search_active', risk: 'high' }));
      await records.cases.save(
        1,
        aCaseView('c-4', { status: 'reported', risk: 'medium', region: 'zuid-nl' }),
      );

      expect((await counts()).byStateRiskRegion).toEqual([
        { state: 'reported', risk: 'medium', region: 'noord-nl', count: 2 },
        { state: 'reported', risk: 'medium', region: 'zuid-nl', count: 1 },
        { state: 'search_active', risk: 'high', region: 'noord-nl', count: 1 },
      ]);
    });

    it('counts cases with an escalated task by the role that owns the task, each case once', async () => {
      const escalated = (task: Partial<OpenTask>) => aTask({ escalatedTo: 'police_supervisor', ...task });
      await records.cases.save(
        1,
        aCaseView('c-1', {
          tasks: [escalated({ task: 'review_risk' }), escalated({ task: 'request_dna_sample' })],
        }),
      );
      await records.cases.save(1, aCaseView('c-2', { tasks: [escalated({})] }));
      await records.cases.save(
        1,
        aCaseView('c-3', { tasks: [escalated({ task: 'debrief', role: 'clinic' })] }),
      );
      await records.cases.save(
        1,
        aCaseView('c-4', { tasks: [aTask({ dueAt: '2026-11-24T09:00:00.000Z' })] }),
      );

      expect((await counts()).overdueByRole).toEqual([
        { role: 'clinic', count: 1 },
        { role: 'police_desk', count: 2 },
      ]);
    });

    it('counts cases with a deadline passed or within the horizon by region, each case once', async () => {
      const due = (...times: (string | null)[]) =>
        times.map((dueAt, i) => aTask({ task: i ? 'debrief' : 'review_risk', dueAt }));
      await records.cases.save(1, aCaseView('c-passed', { tasks: due('2026-11-24T09:00:00.000Z') }));
      await records.cases.save(
        1,
        aCaseView('c-soon', { tasks: due('2026-11-24T10:30:00.000Z', '2026-11-24T10:45:00.000Z') }),
      );
      await records.cases.save(
        1,
        aCaseView('c-edge', { tasks: due('2026-11-24T11:00:00.000Z'), region: 'zuid-nl' }),
      );
      await records.cases.save(1, aCaseView('c-later', { tasks: due('2026-11-24T11:00:00.001Z', null) }));
      await records.cases.save(1, aCaseView('c-undated', { tasks: due(null) }));

      expect((await counts()).atRiskByRegion).toEqual([
        { region: 'noord-nl', count: 2 },
        { region: 'zuid-nl', count: 1 },
      ]);
    });

    it('does not count closed cases', async () => {
      const view = aCaseView('c-closed', { tasks: [aTask({ escalatedTo: 'police_supervisor' })] });
      await records.cases.save(1, view);
      await records.cases.save(2, { ...view, ...closed });

      expect(await counts()).toEqual({ byStateRiskRegion: [], overdueByRole: [], atRiskByRegion: [] });
    });
  });

  describe('cases filed from a profile', () => {
    /** A case of an institution filed from version 1 of a profile, or from none, for a ward. */
    function aFiledCase(
      caseId: string,
      opts: { profileId?: string; institutionId?: string; ward?: string; reportedAt: string },
    ): CaseView {
      const view = aCaseView(caseId, {
        institutionId: opts.institutionId ?? 'ggz-noord',
        reportedAt: opts.reportedAt,
      });
      const report = {
        ...view.report,
        clinicContact: { ...view.report.clinicContact, ward: opts.ward ?? 'De Linde' },
        ...(opts.profileId !== undefined && {
          fromProfile: { profileId: opts.profileId, version: 1, expiredConsents: [] },
        }),
      };
      return { ...view, report };
    }

    it('writes the profile and the ward of each case to its row, and null for a case filed without one', async () => {
      await records.cases.save(
        1,
        aFiledCase('from-profile', { profileId: 'p-1', reportedAt: '2026-11-01T10:00:00.000Z' }),
      );
      await records.cases.save(
        1,
        aFiledCase('without', { ward: 'Zon', reportedAt: '2026-11-02T10:00:00.000Z' }),
      );

      const rows = await records.database.db
        .selectFrom('case_records')
        .select(['case_id', 'profile_id', 'ward'])
        .orderBy('case_id')
        .execute();

      expect(rows).toEqual([
        { case_id: 'from-profile', profile_id: 'p-1', ward: 'De Linde' },
        { case_id: 'without', profile_id: null, ward: 'Zon' },
      ]);
    });

    it("finds a profile's cases of its own institution after an instant, newest first", async () => {
      await records.cases.save(
        1,
        aFiledCase('old', { profileId: 'p-1', reportedAt: '2026-06-01T10:00:00.000Z' }),
      );
      await records.cases.save(
        1,
        aFiledCase('first', { profileId: 'p-1', reportedAt: '2026-10-01T10:00:00.000Z' }),
      );
      await records.cases.save(
        1,
        aFiledCase('second', { profileId: 'p-1', reportedAt: '2026-11-01T10:00:00.000Z' }),
      );
      await records.cases.save(
        1,
        aFiledCase('other-profile', { profileId: 'p-2', reportedAt: '2026-11-01T10:00:00.000Z' }),
      );
      await records.cases.save(
        1,
        aFiledCase('other-institution', {
          profileId: 'p-1',
          institutionId: 'ggz-oost',
          reportedAt: '2026-11-01T10:00:00.000Z',
        }),
      );

      const found = await records.cases.fromProfile({
        profileId: 'p-1',
        institutionId: 'ggz-noord',
        after: new Date('2026-09-01T00:00:00.000Z'),
      });

      expect(found.map((view) => view.caseId)).toEqual(['second', 'first']);
    });

    it("lists an institution's absences filed from profiles for its ward rates, from the index alone", async () => {
      await records.cases.save(
        1,
        aFiledCase('a', { profileId: 'p-1', reportedAt: '2026-11-01T10:00:00.000Z' }),
      );
      await records.cases.save(1, aFiledCase('b', { ward: 'Zon', reportedAt: '2026-11-01T10:00:00.000Z' }));
      await records.cases.save(
        1,
        aFiledCase('c', {
          profileId: 'p-3',
          institutionId: 'ggz-oost',
          reportedAt: '2026-11-01T10:00:00.000Z',
        }),
      );
      await records.cases.save(
        1,
        aFiledCase('d', { profileId: 'p-1', reportedAt: '2026-08-01T10:00:00.000Z' }),
      );
      // A sealed record nobody can open: the rates must not need it.
      await sql`update case_records set sealed = ${Buffer.from('not sealed')}`.execute(records.database.db);

      const absences = await records.cases.profileAbsences({
        institutionId: 'ggz-noord',
        from: new Date('2026-09-01T00:00:00.000Z'),
      });

      expect(absences).toEqual([
        { profileId: 'p-1', caseId: 'a', ward: 'De Linde', reportedAt: '2026-11-01T10:00:00.000Z' },
      ]);
    });
  });

  describe('migrations', () => {
    /** Every column of the store's tables, as the database describes them. */
    async function columns(db: Kysely<RecordsTables>) {
      const { rows } = await sql<{ table_name: string; column_name: string; data_type: string }>`
        select table_name, column_name, data_type from information_schema.columns
        where table_schema = current_schema() order by table_name, column_name`.execute(db);
      return rows;
    }

    it('runs every migration on an empty database and none when it is opened again', async () => {
      const location = await backend!.freshLocation();
      const first = await backend!.connect(location);
      const ran = await migrate(first.db);
      const before = await columns(first.db);
      await first.close();

      const second = await backend!.connect(location);
      try {
        expect(ran).toEqual(Object.keys(await recordsMigrations.getMigrations()));
        expect(await migrate(second.db)).toEqual([]);
        expect(await columns(second.db)).toEqual(before);
        expect(before.map((c) => c.table_name)).toContain('case_records');
      } finally {
        await second.close();
      }
    });

    it('defines no way back: every migration goes up only', async () => {
      const migrations = Object.values(await recordsMigrations.getMigrations());

      expect(migrations.length).toBeGreaterThan(0);
      expect(migrations.filter((m) => m.down !== undefined)).toEqual([]);
    });
  });
});
