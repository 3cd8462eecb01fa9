import { describe, expect, it } from 'vitest';
import type { ProfileEvent } from '../../machines/profile.events';
import { openProfileTasks } from '../../machines/profile.machine';
import { andThen as then, clinician, day, drive, police, type Snapshot } from '../support/profile-machine';

const reviewed = (at: string, photoTakenOn?: string): ProfileEvent => ({
  type: 'profile.reviewed',
  at,
  ...(photoTakenOn !== undefined && { photoTakenOn }),
});
const passed = (deadline: 'review' | 'photo' | 'window', at: string): ProfileEvent => ({
  type: 'deadline.passed',
  at,
  deadline,
});
const absence = (caseId: string, days: number): ProfileEvent => ({
  type: 'absence.reported',
  at: day(days),
  caseId,
});
const tasks = (snapshot: Snapshot) => openProfileTasks(snapshot).map((t) => t.kind);

describe('profile machine: the review reminder', () => {
  it('asks for no review before anyone has said when the profile was checked', () => {
    const snapshot = drive();
    expect(tasks(snapshot)).toEqual([]);
    expect(snapshot.context.deadlines).toEqual({});
  });

  it('arms a reminder 90 days after the last review, and opens a profile review when it passes', () => {
    const checked = drive(reviewed(day(0), '2025-12-01'));
    expect(checked.context.deadlines.review).toBe(day(90));
    expect(tasks(checked)).toEqual([]);
    const due = then(checked, passed('review', day(90)));
    expect(openProfileTasks(due)).toEqual([
      {
        kind: 'profile_review',
        openedAt: day(90),
        dueAt: day(90),
        reasons: ['review_due'],
        doneAt: null,
        doneBy: null,
      },
    ]);
  });

  it('closes the reminder when the profile is reviewed, and arms the next one 90 days on', () => {
    const due = drive(reviewed(day(0), '2025-12-01'), passed('review', day(90)));
    const checked = then(due, reviewed(day(95)));
    expect(tasks(checked)).toEqual([]);
    expect(checked.context.closedTasks).toEqual([
      expect.objectContaining({ kind: 'profile_review', openedAt: day(90), doneAt: day(95) }),
    ]);
    expect(checked.context.deadlines.review).toBe(day(185));
  });

  it('asks for a new photo when the one on file is older than 365 days', () => {
    // Taken on 2025-01-10 (00:00 in Amsterdam, 23:00 UTC the day before): too old 365 days later.
    const checked = drive(reviewed(day(0), '2025-01-10'));
    expect(checked.context.deadlines.photo).toBe('2026-01-09T23:00:00.000Z');
    const due = then(checked, passed('photo', '2026-01-09T23:00:00.000Z'));
    expect(openProfileTasks(due)).toEqual([
      expect.objectContaining({ kind: 'profile_review', reasons: ['photo_old'] }),
    ]);
  });

  it('closes a photo reminder when a new photo arrives, though the review stamp did not move', () => {
    const due = drive(reviewed(day(0), '2025-01-10'), passed('photo', '2026-01-09T23:00:00.000Z'));
    const renewed = then(due, reviewed(day(0), '2026-01-20'));
    expect(tasks(renewed)).toEqual([]);
    expect(renewed.context.deadlines.photo).toBe('2027-01-19T23:00:00.000Z');
  });

  it('keeps the reminder open when the profile is reviewed but its photo is still too old', () => {
    const due = drive(reviewed(day(0), '2024-06-01'));
    expect(openProfileTasks(due)).toEqual([expect.objectContaining({ reasons: ['photo_old'] })]);
    const checked = then(due, reviewed(day(10)));
    expect(openProfileTasks(checked)).toEqual([
      expect.objectContaining({ reasons: ['photo_old'], openedAt: day(0) }),
    ]);
  });

  it('adds the second reason to the open reminder when the other deadline passes too', () => {
    const due = drive(reviewed(day(0), '2025-03-01'), passed('photo', '2026-02-28T23:00:00.000Z'));
    const both = then(due, passed('review', day(90)));
    expect(openProfileTasks(both)).toEqual([
      expect.objectContaining({ reasons: ['review_due', 'photo_old'], openedAt: '2026-02-28T23:00:00.000Z' }),
    ]);
  });

  it('never moves the review stamp back for a review reported late', () => {
    const checked = drive(reviewed(day(30)));
    expect(checked.can(reviewed(day(10)))).toBe(false);
    expect(checked.context.reviewedAt).toBe(day(30));
  });
});

describe('profile machine: repeat absences', () => {
  it('opens a repeat review on the third absence within 90 days, not before', () => {
    const twice = drive(absence('case-a', 0), absence('case-b', 40));
    expect(tasks(twice)).toEqual([]);
    const third = then(twice, absence('case-c', 80));
    expect(openProfileTasks(third)).toEqual([
      { kind: 'repeat_review', openedAt: day(80), dueAt: null, reasons: [], doneAt: null, doneBy: null },
    ]);
    expect(third.context.repeatTask?.absences).toEqual(['case-a', 'case-b', 'case-c']);
  });

  it('opens no repeat review for three absences spread over 100 days', () => {
    const first = drive(absence('case-a', 0), absence('case-b', 50));
    // Had the first absence not yet fallen out (its timer late), it still would not count on day 100.
    expect(tasks(then(first, absence('case-c', 100)))).toEqual([]);
    const fallenOut = then(first, passed('window', day(90)));
    expect(fallenOut.context.absences.map((a) => a.caseId)).toEqual(['case-b']);
    expect(tasks(then(fallenOut, absence('case-c', 100)))).toEqual([]);
  });

  it('lets the oldest absence fall out of the window when its deadline passes, and arms the next', () => {
    const twice = drive(absence('case-a', 0), absence('case-b', 50));
    expect(twice.context.deadlines.window).toBe(day(90));
    const later = then(twice, passed('window', day(90)));
    expect(later.context.deadlines.window).toBe(day(140));
  });

  it('counts an absence reported twice once', () => {
    const snapshot = drive(absence('case-a', 0), absence('case-b', 10));
    expect(snapshot.can(absence('case-b', 11))).toBe(false);
    expect(snapshot.context.absences).toHaveLength(2);
  });

  it('records how an absence ended and the time away', () => {
    const snapshot = drive(absence('case-a', 0), {
      type: 'absence.ended',
      at: new Date(Date.parse(day(0)) + 5 * 3_600_000).toISOString(),
      caseId: 'case-a',
      outcome: 'returned_on_own',
    });
    expect(snapshot.context.absences[0]).toMatchObject({
      outcome: 'returned_on_own',
      awayMs: 5 * 3_600_000,
    });
  });

  it('closes the repeat review when the clinic says it was held, recording who and when', () => {
    const open = drive(absence('case-a', 0), absence('case-b', 10), absence('case-c', 20));
    const held = then(open, { type: 'repeat_review.complete', at: day(25), by: clinician });
    expect(tasks(held)).toEqual([]);
    expect(held.context.closedTasks).toEqual([
      expect.objectContaining({
        kind: 'repeat_review',
        openedAt: day(20),
        doneAt: day(25),
        doneBy: clinician,
      }),
    ]);
  });

  it('refuses a repeat review completed by anyone but the clinic, or with none open', () => {
    const open = drive(absence('case-a', 0), absence('case-b', 10), absence('case-c', 20));
    expect(open.can({ type: 'repeat_review.complete', at: day(25), by: police })).toBe(false);
    expect(drive().can({ type: 'repeat_review.complete', at: day(25), by: clinician })).toBe(false);
  });

  it('asks again only when threshold new absences follow the review within the window', () => {
    const held = drive(
      absence('case-a', 0),
      absence('case-b', 10),
      absence('case-c', 20),
      { type: 'repeat_review.complete', at: day(25), by: clinician },
      absence('case-d', 30),
      absence('case-e', 40),
    );
    expect(tasks(held)).toEqual([]);
    expect(tasks(then(held, absence('case-f', 50)))).toEqual(['repeat_review']);
  });
});
