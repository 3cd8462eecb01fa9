import { CancellationScope, isCancellation, sleep } from '@temporalio/workflow';

/**
 * One durable timer per deadline a machine keeps in its context: the case's and the profile's workflows
 * both hold their machine's deadlines this way. `keep` is called after every transition with the deadlines
 * as they are now: a deadline gone or moved cancels its timer, a new one starts one. A timer that fires
 * tells `passed` the deadline and the instant it fell due, which is when it passed, however late it fired.
 * The order of the commands (cancels, then starts in the deadlines' order) is part of every recorded history.
 */
export function deadlineTimers<K extends string>(passed: (deadline: K, dueAt: string) => void) {
  const timers = new Map<K, { dueAt: string; scope: CancellationScope }>();
  return {
    keep(deadlines: Partial<Record<K, string>>): void {
      for (const [key, timer] of timers) {
        if (deadlines[key] !== timer.dueAt) {
          timer.scope.cancel();
          timers.delete(key);
        }
      }
      for (const [key, dueAt] of Object.entries(deadlines) as [K, string][]) {
        if (timers.has(key)) continue;
        const scope = new CancellationScope();
        timers.set(key, { dueAt, scope });
        scope
          .run(() => sleep(Math.max(0, Date.parse(dueAt) - Date.now())))
          .then(
            () => {
              if (timers.get(key)?.scope !== scope) return;
              timers.delete(key);
              passed(key, dueAt);
            },
            (error: unknown) => {
              if (!isCancellation(error)) throw error;
            },
          );
      }
    },
  };
}
