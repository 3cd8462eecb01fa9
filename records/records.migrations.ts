import { sql, type Kysely } from 'kysely';
import type { Migration, MigrationProvider } from 'kysely/migration';

/**
 * The records store's schema, forward only: a migration once released is never edited, a change is a new
 * entry. Names sort in the order they run.
 */
const migrations: Record<string, Migration> = {
  '0001-records': {
    async up(db: Kysely<unknown>) {
      await sql`
        create table case_records (
          case_id text primary key,
          version integer not null,
          region text not null,
          institution_id text not null,
          status text not null,
          risk text not null,
          urgent boolean not null,
          kind text not null,
          reported_at timestamptz not null,
          closed_at timestamptz,
          outcome text,
          updated_at timestamptz not null,
          sealed bytea not null
        )`.execute(db);
      // The cases list pages newest first within a tenant.
      await sql`create index case_records_region on case_records (region, reported_at, case_id)`.execute(db);
      await sql`create index case_records_institution on case_records (institution_id, reported_at, case_id)`.execute(
        db,
      );
      await sql`create index case_records_closed on case_records (closed_at) where closed_at is not null`.execute(
        db,
      );

      await sql`
        create table case_tasks (
          case_id text not null references case_records (case_id) on delete cascade,
          task text not null,
          role text not null,
          escalated_to text,
          due_at timestamptz,
          due_sort timestamptz not null,
          claimed_by_id text,
          claimed_by_role text,
          priority integer not null,
          region text not null,
          institution_id text not null,
          status text not null,
          risk text not null,
          urgent boolean not null,
          primary key (case_id, task)
        )`.execute(db);
      // The inbox's order is (due, priority, case, task) within a tenant: one index per kind of tenant.
      await sql`create index case_tasks_region on case_tasks (region, due_sort, priority, case_id, task)`.execute(
        db,
      );
      await sql`create index case_tasks_institution on case_tasks (institution_id, due_sort, priority, case_id, task)`.execute(
        db,
      );

      // The commands each case applied, so a retry is answered truthfully after its workflow is gone.
      await sql`
        create table case_commands (
          case_id text not null references case_records (case_id) on delete cascade,
          command_id text not null,
          version integer not null,
          primary key (case_id, command_id)
        )`.execute(db);

      await sql`
        create table access_log (
          seq bigint generated always as identity primary key,
          partition text not null,
          position bigint not null,
          at timestamptz not null,
          case_id text not null,
          region text not null,
          actor_id text not null,
          actor_role text not null,
          view text not null,
          resource text not null,
          request_id text not null,
          prev_hash text not null,
          hash text not null,
          unique (partition, position)
        )`.execute(db);
      // Listings page by seq within a case, a user or a region; retention cuts by time.
      await sql`create index access_log_case on access_log (case_id, seq)`.execute(db);
      await sql`create index access_log_actor on access_log (actor_id, seq)`.execute(db);
      await sql`create index access_log_region on access_log (region, seq)`.execute(db);
      await sql`create index access_log_at on access_log (at)`.execute(db);
      await sql`
        create table access_log_heads (
          partition text primary key,
          position bigint not null,
          hash text not null,
          anchor_hash text not null,
          anchor_position bigint not null
        )`.execute(db);

      await sql`
        create table feed_entries (
          seq bigint generated always as identity primary key,
          id text not null unique,
          party text not null,
          tenant text not null,
          case_id text not null,
          event text not null,
          at timestamptz not null,
          sealed bytea not null
        )`.execute(db);
      await sql`create index feed_entries_tenant on feed_entries (party, tenant, seq)`.execute(db);
      await sql`create index feed_entries_case on feed_entries (case_id)`.execute(db);
      await sql`create index feed_entries_at on feed_entries (at)`.execute(db);

      await sql`
        create table erasures (
          id bigint generated always as identity primary key,
          at timestamptz not null,
          kind text not null,
          erased integer not null,
          before timestamptz not null
        )`.execute(db);
    },
  },
  '0002-idempotency-keys': {
    async up(db: Kysely<unknown>) {
      // The first answer to each (caller, Idempotency-Key), so a retry gets it again after the state moved on.
      await sql`
        create table idempotency_keys (
          owner text not null,
          key text not null,
          request_hash text not null,
          status integer not null,
          sealed bytea not null,
          created_at timestamptz not null,
          primary key (owner, key)
        )`.execute(db);
      await sql`create index idempotency_keys_created on idempotency_keys (created_at)`.execute(db);
    },
  },
  '0003-case-photos': {
    async up(db: Kysely<unknown>) {
      // A photo lives as long as its case: retention erasing the case erases its photos with it.
      await sql`
        create table case_photos (
          case_id text not null references case_records (case_id) on delete cascade,
          sha256 text not null,
          content_type text not null,
          byte_size integer not null,
          uploaded_at timestamptz not null,
          uploaded_by_role text not null,
          sealed bytea not null,
          primary key (case_id, sha256)
        )`.execute(db);
    },
  },
  '0004-rate-windows': {
    async up(db: Kysely<unknown>) {
      // Shared by every API instance, so a client's limit holds however many instances serve it.
      await sql`
        create table rate_windows (
          key text primary key,
          hits integer not null,
          resets_at timestamptz not null
        )`.execute(db);
      await sql`create index rate_windows_resets_at on rate_windows (resets_at)`.execute(db);
    },
  },
  '0005-profiles': {
    async up(db: Kysely<unknown>) {
      // One profile per patient per institution: the unique key refuses a second one, whoever races.
      await sql`
        create table profiles (
          profile_id text primary key,
          institution_id text not null,
          patient_key text not null,
          patient_key_id text not null,
          version integer not null,
          created_at timestamptz not null,
          unique (institution_id, patient_key)
        )`.execute(db);
      // A clinic's list pages newest first.
      await sql`create index profiles_institution on profiles (institution_id, created_at, profile_id)`.execute(
        db,
      );
      // Append-only: a version is written once; erasing a profile erases its versions with it.
      await sql`
        create table profile_versions (
          profile_id text not null references profiles (profile_id) on delete cascade,
          version integer not null,
          ward text not null,
          reviewed_at timestamptz not null,
          photo_taken_on date,
          recorded_at timestamptz not null,
          recorded_by_role text not null,
          change text not null,
          sealed bytea not null,
          primary key (profile_id, version)
        )`.execute(db);
    },
  },
  '0006-profile-photos': {
    async up(db: Kysely<unknown>) {
      // A photo lives as long as its profile: erasing the profile erases its photos with it.
      await sql`
        create table profile_photos (
          profile_id text not null references profiles (profile_id) on delete cascade,
          sha256 text not null,
          content_type text not null,
          byte_size integer not null,
          uploaded_at timestamptz not null,
          uploaded_by_role text not null,
          sealed bytea not null,
          primary key (profile_id, sha256)
        )`.execute(db);
    },
  },
  '0007-profile-tasks': {
    async up(db: Kysely<unknown>) {
      // The tasks each profile's workflow opened and closed: handling facts only, nothing about the patient,
      // so nothing is sealed. Erasing a profile erases its tasks with it.
      await sql`
        create table profile_tasks (
          profile_id text not null references profiles (profile_id) on delete cascade,
          kind text not null,
          opened_at timestamptz not null,
          institution_id text not null,
          ward text not null,
          due_at timestamptz,
          reasons text not null,
          done_at timestamptz,
          done_by_id text,
          done_by_role text,
          primary key (profile_id, kind, opened_at)
        )`.execute(db);
      // A clinic's inbox lists its institution's open tasks, soonest due first.
      await sql`create index profile_tasks_open on profile_tasks (institution_id, due_at, opened_at) where done_at is null`.execute(
        db,
      );
    },
  },
  '0008-case-profiles': {
    async up(db: Kysely<unknown>) {
      // Which profile a case was filed from, and the ward it was filed for, as index columns: a patient's
      // absence history and a ward's monthly rate find their cases without opening any sealed record. A
      // profile id is a random id and a ward a place, neither personal data. Cases stored before this
      // migration keep nulls: reporting from a profile ships with it, so none of them was filed from one.
      await sql`alter table case_records add column profile_id text`.execute(db);
      await sql`alter table case_records add column ward text`.execute(db);
      // A patient's history lists their profile's cases newest first.
      await sql`create index case_records_profile on case_records (profile_id, reported_at) where profile_id is not null`.execute(
        db,
      );
      // A clinic's ward rates count its institution's cases filed from a profile, by month reported.
      await sql`create index case_records_institution_profile on case_records (institution_id, reported_at) where profile_id is not null`.execute(
        db,
      );
    },
  },
  '0009-profile-erasures': {
    async up(db: Kysely<unknown>) {
      // One row per erased profile, counts only: why (and, on request, the art. 17 ground as a category),
      // when, and how many rows of each kind went. No profile, patient or institution id, so the ledger
      // says that erasures happened without keeping a trace of whose.
      await sql`
        create table profile_erasures (
          id bigint generated always as identity primary key,
          at timestamptz not null,
          ground text not null,
          reason text,
          versions integer not null,
          photos integer not null,
          tasks integer not null,
          patient_keys integer not null
        )`.execute(db);
    },
  },
};

/** The migrations in code, for Kysely's Migrator: no files to find at run time. */
export const recordsMigrations: MigrationProvider = {
  getMigrations: () => Promise.resolve(migrations),
};
