/**
 * When a profile asks to be looked at, shown beside it as a hint only: the reminder task that asks for a
 * review is the policy's, with its own periods; these are the example periods.
 */
export const REVIEW_AFTER_DAYS = 90;
export const PHOTO_AFTER_DAYS = 365;

const DAY = 86_400_000;

/** What a profile's screens flag: not reviewed for a while, or a photo too old to know the person by. */
export type ReviewHint = 'review' | 'photo';

/** The hints that apply to a profile now: by its last review and the day its photo was taken. */
export function reviewHints(
  profile: { reviewedAt: string; photoTakenOn: string | null | undefined },
  now: number = Date.now(),
): ReviewHint[] {
  const hints: ReviewHint[] = [];
  if (now - Date.parse(profile.reviewedAt) > REVIEW_AFTER_DAYS * DAY) hints.push('review');
  if (
    profile.photoTakenOn !== null &&
    profile.photoTakenOn !== undefined &&
    now - Date.parse(`${profile.photoTakenOn}T00:00:00Z`) > PHOTO_AFTER_DAYS * DAY
  )
    hints.push('photo');
  return hints;
}
