import { describe, expect, it } from 'vitest';
import type { ProfileEvent } from '../../machines/profile.events';
import { erasureRefusal, openProfileTasks } from '../../machines/profile.machine';
import { andThen as then, clinician, day, drive, police, type Snapshot } from '../support/profile-machine';

const written = (at: string, version: number): ProfileEvent => ({ type: 'profile.reviewed', at, version });
const discharged = (on: string, at = day(0), by = clinician): ProfileEvent => ({
  type: 'profile.discharged',
  at,
  dischargedOn: on,
  by,
});
const readmitted = (at: string): ProfileEvent => ({ type: 'profile.readmitted', at, by: clinician });
const eraseAt = (at: string): ProfileEvent => ({ type: 'deadline.passed', at, deadline: 'erase' });
const absence = (caseId: string, at: string): ProfileEvent => ({ type: 'absence.reported', at, caseId });
const ended = (caseId: string, at: string): ProfileEvent => ({
  type: 'absence.ended',
  at,
  caseId,
  outcome: 'returned_on_own',
});
const request = (at: string, by = clinician): Extract<ProfileEvent, { type: 'erasure.requested' }> => ({
  type: 'erasure.requested',
  at,
  by,
  reason: 'consent_withdrawn',
});
const retention = (snapshot: Snapshot) => (snapshot.value as { retention: string }).retention;

/** 2026-01-05 begins at 23:00 UTC the day before in Amsterdam; 180 days on is 2026-07-03T23:00Z. */
const ERASE_AT = '2026-07-03T23:00:00.000Z';

describe('profile machine: erasure after discharge', () => {
  it('arms the erasure 180 days after the start of the discharge day, and erases when it passes', () => {
    const out = drive(written(day(0), 1), discharged('2026-01-05'));
    expect(retention(out)).toBe('discharged');
    expect(out.context.deadlines.erase).toBe(ERASE_AT);
    const gone = then(out, eraseAt(ERASE_AT));
    expect(retention(gone)).toBe('erased');
    expect(gone.context.erasure).toEqual({ ground: 'after_discharge', reason: null, at: ERASE_AT });
    expect(gone.context.deadlines.erase).toBeUndefined();
  });

  it('refuses a discharge dated on a day that has not begun, or recorded by anyone but the clinic', () => {
    const kept = drive(written(day(0), 1));
    expect(kept.can(discharged('2026-01-07'))).toBe(false);
    expect(kept.can(discharged('2026-01-05', day(0), police))).toBe(false);
  });

  it('moves the erasure when a second discharge corrects the day', () => {
    const out = drive(discharged('2026-01-05'), discharged('2026-01-02', day(1)));
    expect(out.context.deadlines.erase).toBe('2026-06-30T23:00:00.000Z');
  });

  it('takes the discharge back on readmission: no erasure, and a late timer erases nothing', () => {
    const back = drive(written(day(0), 1), discharged('2026-01-05'), readmitted(day(10)));
    expect(retention(back)).toBe('kept');
    expect(back.context.deadlines.erase).toBeUndefined();
    expect(back.can(eraseAt(ERASE_AT))).toBe(false);
  });

  it('takes the discharge back on a new version of the profile, not on the same version told again', () => {
    const out = drive(written(day(0), 3), discharged('2026-01-05'));
    expect(retention(then(out, written(day(0), 3)))).toBe('discharged');
    const edited = then(out, written(day(0), 4));
    expect(retention(edited)).toBe('kept');
    expect(edited.context.deadlines.erase).toBeUndefined();
  });

  it('takes the discharge back when a case is filed from the profile', () => {
    const out = then(drive(discharged('2026-01-05')), absence('case-a', day(20)));
    expect(retention(out)).toBe('kept');
    expect(out.context.deadlines.erase).toBeUndefined();
  });

  it('refuses a readmission of a patient not discharged', () => {
    expect(drive(written(day(0), 1)).can(readmitted(day(1)))).toBe(false);
  });

  it('closes the review reminder on discharge and asks for none while discharged; readmission asks again', () => {
    const due = drive(
      { type: 'profile.reviewed', at: day(0), version: 1 },
      {
        type: 'deadline.passed',
        at: day(90),
        deadline: 'review',
      },
    );
    expect(openProfileTasks(due).map((t) => t.kind)).toEqual(['profile_review']);
    const out = then(due, discharged('2026-04-06', day(91)));
    expect(openProfileTasks(out)).toEqual([]);
    expect(out.context.closedTasks).toEqual([
      expect.objectContaining({ kind: 'profile_review', doneAt: day(91), doneBy: null }),
    ]);
    expect(out.context.deadlines).toEqual({ erase: expect.any(String) });
    const back = then(out, readmitted(day(100)));
    expect(openProfileTasks(back)).toEqual([expect.objectContaining({ kind: 'profile_review' })]);
  });

  it('holds the erasure while a case filed from the profile is open, and erases when it closes', () => {
    const open = drive(absence('case-a', day(0)), discharged('2026-01-05', day(1)));
    const held = then(open, eraseAt(ERASE_AT));
    expect(retention(held)).toBe('expired');
    expect(held.context.erasure).toBeNull();
    const gone = then(held, ended('case-a', day(200)));
    expect(retention(gone)).toBe('erased');
    expect(gone.context.erasure).toEqual({ ground: 'after_discharge', reason: null, at: day(200) });
  });
});

describe('profile machine: erasure on request', () => {
  it('erases at once when no case filed from the profile is open', () => {
    const gone = then(drive(written(day(0), 1)), request(day(5)));
    expect(retention(gone)).toBe('erased');
    expect(gone.context.erasure).toEqual({ ground: 'on_request', reason: 'consent_withdrawn', at: day(5) });
  });

  it('refuses while a case filed from the profile is open, naming why, and erases once it closed', () => {
    const open = drive(absence('case-a', day(0)));
    expect(open.can(request(day(1)))).toBe(false);
    expect(erasureRefusal(open.context, request(day(1)))).toBe('case_open');
    const closed = then(open, ended('case-a', day(2)));
    expect(erasureRefusal(closed.context, request(day(3)))).toBeNull();
    expect(retention(then(closed, request(day(3))))).toBe('erased');
  });

  it('still refuses for a case open longer than the repeat window', () => {
    const old = then(drive(absence('case-a', day(0))), {
      type: 'deadline.passed',
      at: day(90),
      deadline: 'window',
    });
    expect(old.context.absences).toEqual([]);
    expect(erasureRefusal(old.context, request(day(100)))).toBe('case_open');
    const closed = then(old, ended('case-a', day(120)));
    expect(closed.can(request(day(121)))).toBe(true);
  });

  it('refuses a request forwarded by anyone but the clinic', () => {
    const kept = drive(written(day(0), 1));
    expect(kept.can(request(day(1), police))).toBe(false);
    expect(erasureRefusal(kept.context, request(day(1), police))).toBe('not_clinic');
  });

  it('erases a discharged profile on request before its period ran out, and disarms the timer', () => {
    const gone = then(drive(discharged('2026-01-05')), request(day(3)));
    expect(gone.context.erasure?.ground).toBe('on_request');
    expect(gone.context.deadlines.erase).toBeUndefined();
  });

  it('takes nothing more once the erasure is decided', () => {
    const gone = drive(absence('case-a', day(0)), absence('case-b', day(1)));
    const erased = then(then(then(gone, ended('case-a', day(2))), ended('case-b', day(2))), request(day(3)));
    for (const event of [
      written(day(4), 9),
      absence('case-c', day(4)),
      discharged('2026-01-05', day(4)),
      request(day(4)),
      { type: 'deadline.passed', at: day(90), deadline: 'window' } as const,
      { type: 'deadline.passed', at: day(90), deadline: 'review' } as const,
    ] satisfies ProfileEvent[])
      expect(erased.can(event), event.type).toBe(false);
    expect(erasureRefusal(erased.context, request(day(4)))).toBe('already_erased');
  });
});
