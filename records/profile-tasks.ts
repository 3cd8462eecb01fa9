import { sql, type Kysely, type Selectable } from 'kysely';
import type { Role } from '../machines/case.events';
import {
  type ProfileInboxItem,
  type ProfileTask,
  type ProfileTaskKind,
  type ReviewReason,
} from '../machines/profile.events';
import type { ProfileTasksTable, RecordsTables } from './records.tables';

/** The tasks of one profile as its workflow knows them now: where it stands, its open and lately closed tasks. */
export type ProfileTaskWrite = {
  profileId: string;
  institutionId: string;
  ward: string;
  tasks: ProfileTask[];
};

/**
 * The tasks profiles open for their clinics. Written by each profile's workflow (through an activity), read
 * by the inbox; it decides nothing.
 */
export function createProfileTasks(deps: { db: Kysely<RecordsTables> }) {
  const { db } = deps;
  return {
    /**
     * Writes the tasks a profile's workflow reports. Idempotent: a task is keyed by its profile, kind and
     * opening, and once done it stays done, so a retried or late write never reopens it.
     */
    async save(write: ProfileTaskWrite): Promise<void> {
      if (write.tasks.length === 0) return;
      await db
        .insertInto('profile_tasks')
        .values(
          write.tasks.map((task) => ({
            profile_id: write.profileId,
            kind: task.kind,
            opened_at: task.openedAt,
            institution_id: write.institutionId,
            ward: write.ward,
            due_at: task.dueAt,
            reasons: task.reasons.join(','),
            done_at: task.doneAt,
            done_by_id: task.doneBy?.id ?? null,
            done_by_role: task.doneBy?.role ?? null,
          })),
        )
        .onConflict((oc) =>
          oc.columns(['profile_id', 'kind', 'opened_at']).doUpdateSet((eb) => ({
            ward: eb.ref('excluded.ward'),
            due_at: sql`case when profile_tasks.done_at is null then excluded.due_at else profile_tasks.due_at end`,
            reasons: sql`case when profile_tasks.done_at is null then excluded.reasons else profile_tasks.reasons end`,
            done_at: sql`coalesce(profile_tasks.done_at, excluded.done_at)`,
            done_by_id: sql`case when profile_tasks.done_at is null then excluded.done_by_id else profile_tasks.done_by_id end`,
            done_by_role: sql`case when profile_tasks.done_at is null then excluded.done_by_role else profile_tasks.done_by_role end`,
          })),
        )
        .execute();
    },

    /**
     * An institution's open profile tasks, soonest due first (a task without a due time by its opening);
     * with `profileId`, that profile's alone.
     */
    async open(query: {
      institutionId: string;
      limit: number;
      profileId?: string | undefined;
    }): Promise<{ items: ProfileInboxItem[]; more: boolean }> {
      const rows = await db
        .selectFrom('profile_tasks')
        .selectAll()
        .where('institution_id', '=', query.institutionId)
        .$if(query.profileId !== undefined, (q) => q.where('profile_id', '=', query.profileId!))
        .where('done_at', 'is', null)
        .orderBy(sql`coalesce(due_at, opened_at)`)
        .orderBy('profile_id')
        .orderBy('kind')
        .limit(query.limit + 1)
        .execute();
      const items = rows.slice(0, query.limit).map((row): ProfileInboxItem => ({
        ...taskOf(row),
        profileId: row.profile_id,
        institutionId: row.institution_id,
        ward: row.ward,
      }));
      return { items, more: rows.length > query.limit };
    },

    /** Every task of one profile, open and done, oldest first. */
    async of(profileId: string): Promise<ProfileTask[]> {
      const rows = await db
        .selectFrom('profile_tasks')
        .selectAll()
        .where('profile_id', '=', profileId)
        .orderBy('opened_at')
        .orderBy('kind')
        .execute();
      return rows.map(taskOf);
    },
  };
}

export type ProfileTasks = ReturnType<typeof createProfileTasks>;

/** A stored task as the machine described it. */
function taskOf(row: Selectable<ProfileTasksTable>): ProfileTask {
  return {
    kind: row.kind as ProfileTaskKind,
    openedAt: row.opened_at.toISOString(),
    dueAt: row.due_at?.toISOString() ?? null,
    reasons: row.reasons === '' ? [] : (row.reasons.split(',') as ReviewReason[]),
    doneAt: row.done_at?.toISOString() ?? null,
    doneBy: row.done_by_id === null ? null : { id: row.done_by_id, role: row.done_by_role as Role },
  };
}
