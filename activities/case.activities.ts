import type { RecordsStore } from '../records/records.store';
import type { RetentionPolicy } from '../machines/retention.schema';
import { createNotificationActivities, type NotificationDeps } from './notification.activities';
import { createProfileActivities } from './profile.activities';
import type { ProfilePolicy } from '../machines/profile.policy';
import { createRecordActivities } from './record.activities';
import { createRetentionActivities } from './retention.activities';

export type ActivityDeps = NotificationDeps & {
  /** The records store the workflows write case versions to and retention erases from. */
  records: RecordsStore;
  retention: RetentionPolicy;
  /** The policy's `profiles` section, for a profile's workflow a case starts. */
  profilePolicy: ProfilePolicy;
};

/** Builds the activities the worker's workflows use, from injected dependencies. */
export function createActivities(deps: ActivityDeps) {
  return {
    ...createNotificationActivities(deps),
    ...createRecordActivities(deps),
    ...createRetentionActivities(deps),
    ...createProfileActivities(deps),
  };
}

export type CaseActivities = ReturnType<typeof createActivities>;
