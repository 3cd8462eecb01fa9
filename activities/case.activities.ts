import { createNotificationActivities, type NotificationDeps } from './notification.activities';

export type ActivityDeps = NotificationDeps;

/** Builds the activities the case workflow uses, from injected dependencies. */
export function createActivities(deps: ActivityDeps) {
  return { ...createNotificationActivities(deps) };
}

export type CaseActivities = ReturnType<typeof createActivities>;
