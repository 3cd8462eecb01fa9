import type { ColumnType, Generated } from 'kysely';

/** An instant: written as an ISO string or Date, read back as a Date. */
type Instant = ColumnType<Date, Date | string, Date | string>;
type NullableInstant = ColumnType<Date | null, Date | string | null, Date | string | null>;

/**
 * The latest version of each case. Index columns hold ids, enums and instants only: everything about the
 * person lives in `sealed`, the encrypted case view (records/sealer.ts).
 */
export type CaseRecordsTable = {
  case_id: string;
  version: number;
  region: string;
  institution_id: string;
  status: string;
  risk: string;
  urgent: boolean;
  kind: string;
  reported_at: Instant;
  closed_at: NullableInstant;
  outcome: string | null;
  updated_at: Instant;
  sealed: Buffer;
  /** The profile the case was filed from (`report.fromProfile`); null for a report filed without one. */
  profile_id: ColumnType<string | null, string | null | undefined, string | null>;
  /** The ward the report was filed for (`report.clinicContact.ward`): a place, never a person. */
  ward: ColumnType<string | null, string | null | undefined, string | null>;
};

/** The open tasks of each case's latest version, denormalised with the case facts the inbox filters on. */
export type CaseTasksTable = {
  case_id: string;
  task: string;
  role: string;
  escalated_to: string | null;
  due_at: NullableInstant;
  /** `due_at`, or the far future when there is none: one non-null sort key for the inbox's cursor. */
  due_sort: Instant;
  claimed_by_id: string | null;
  claimed_by_role: string | null;
  priority: number;
  region: string;
  institution_id: string;
  status: string;
  risk: string;
  urgent: boolean;
};

/** The commands each case applied (ids derived from user and idempotency key), by the version they made. */
export type CaseCommandsTable = {
  case_id: string;
  command_id: string;
  version: number;
};

/** One row per disclosure of a case (NEN 7513), hash-chained per partition. */
export type AccessLogTable = {
  seq: Generated<string>;
  partition: string;
  position: string;
  at: Instant;
  case_id: string;
  region: string;
  actor_id: string;
  actor_role: string;
  view: string;
  resource: string;
  request_id: string;
  prev_hash: string;
  hash: string;
};

/** The newest link of each access-log partition's chain, and where erasure left its start. */
export type AccessLogHeadsTable = {
  partition: string;
  position: string;
  hash: string;
  /** The hash the oldest remaining row chains to: the genesis value, or the last row erased. */
  anchor_hash: string;
  anchor_position: string;
};

/** In-app feed entries, one per delivery id. */
export type FeedEntriesTable = {
  seq: Generated<string>;
  id: string;
  party: string;
  tenant: string;
  case_id: string;
  event: string;
  at: Instant;
  sealed: Buffer;
};

/** What retention erased: counts and cut-offs, never contents. */
export type ErasuresTable = {
  id: Generated<string>;
  at: Instant;
  kind: string;
  erased: number;
  before: Instant;
};

/** The first answer to each (caller, Idempotency-Key): what was asked (a hash) and what was answered. */
export type IdempotencyKeysTable = {
  owner: string;
  key: string;
  request_hash: string;
  status: number;
  sealed: Buffer;
  created_at: Instant;
};

/**
 * The photos uploaded for each case, by the sha256 of their stripped bytes. The case's record names the one
 * it shows (`photoRef`); the image itself, without its metadata, lives sealed in `sealed`.
 */
export type CasePhotosTable = {
  case_id: string;
  sha256: string;
  content_type: string;
  byte_size: number;
  uploaded_at: Instant;
  uploaded_by_role: string;
  sealed: Buffer;
};

/** Request counters the API instances share: a client's pseudonymous key, its hits, its window's end. */
export type RateWindowsTable = {
  key: string;
  hits: number;
  resets_at: Instant;
};

/**
 * One row per patient profile: whose it is, as an institution and a pseudonymous patient key (an HMAC of the
 * institution's patient number: records/patient-keys.ts), and which version is its latest. One patient has
 * at most one profile per institution.
 */
export type ProfilesTable = {
  profile_id: string;
  institution_id: string;
  patient_key: string;
  /** Which patient-key secret made `patient_key`: a profile keyed under another cannot be found by number. */
  patient_key_id: string;
  version: number;
  created_at: Instant;
};

/**
 * Every version of every profile, appended and never changed: the latest is the profile. Index columns hold
 * the ward, instants and the recording role; the profile, who recorded it and who reviewed it are `sealed`.
 */
export type ProfileVersionsTable = {
  profile_id: string;
  version: number;
  ward: string;
  reviewed_at: Instant;
  /** A `date`: read it as `photo_taken_on::text` (YYYY-MM-DD), since a driver would make a local Date of it. */
  photo_taken_on: ColumnType<string | null, string | null, never>;
  recorded_at: Instant;
  recorded_by_role: string;
  change: string;
  sealed: Buffer;
};

/**
 * The photos put on each profile, by the sha256 of their stripped bytes, as `case_photos` keeps a case's:
 * the profile's latest version names the one it shows (`photo.ref`).
 */
export type ProfilePhotosTable = Omit<CasePhotosTable, 'case_id'> & { profile_id: string };

/**
 * The tasks each profile's workflow opened, and who closed them and when (records/profile-tasks.ts). Ids,
 * the ward, enums and instants: nothing about the patient, so nothing sealed.
 */
export type ProfileTasksTable = {
  profile_id: string;
  kind: string;
  opened_at: Instant;
  institution_id: string;
  ward: string;
  due_at: NullableInstant;
  /** Why a review is asked for, comma-separated (`review_due,photo_old`); empty for a repeat review. */
  reasons: string;
  done_at: NullableInstant;
  done_by_id: string | null;
  done_by_role: string | null;
};

/** One erased profile as counts (records/profile-erasures.ts): nothing that says whose it was. */
export type ProfileErasuresTable = {
  id: Generated<string>;
  at: Instant;
  /** `after_discharge` or `on_request` (machines/profile.events.ts). */
  ground: string;
  /** On request, the AVG art. 17(1) ground as a category; null after discharge. */
  reason: string | null;
  versions: number;
  photos: number;
  tasks: number;
  patient_keys: number;
};

/** Every table of the records store, for Kysely. */
export type RecordsTables = {
  case_records: CaseRecordsTable;
  case_tasks: CaseTasksTable;
  case_commands: CaseCommandsTable;
  access_log: AccessLogTable;
  access_log_heads: AccessLogHeadsTable;
  feed_entries: FeedEntriesTable;
  erasures: ErasuresTable;
  idempotency_keys: IdempotencyKeysTable;
  case_photos: CasePhotosTable;
  rate_windows: RateWindowsTable;
  profiles: ProfilesTable;
  profile_versions: ProfileVersionsTable;
  profile_photos: ProfilePhotosTable;
  profile_tasks: ProfileTasksTable;
  profile_erasures: ProfileErasuresTable;
};
