import { readdirSync, readFileSync } from 'node:fs';
import type { ClusterState } from '../cluster';
import { round } from '../bench-stats';

/** One look at one of the cluster's processes. */
type Sample = {
  /** Milliseconds since the sampler started. */
  t: number;
  phase: string;
  pid: number;
  /** VmRSS of the process itself, in KiB. */
  rssKiB: number;
  /** VmHWM: the highest VmRSS the kernel saw for this pid so far, between samples too. */
  hwmKiB: number;
  /** Pss summed over the process and its live descendants (PostgreSQL's backends, esbuild under tsx). */
  treePssKiB: number;
  /** CPU seconds (user + system) of the process and its live descendants. */
  cpuSeconds: number;
};

const TICK = 100; // USER_HZ on Linux

function statusKiB(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(match?.[1] ?? NaN);
}

/** The process and every live descendant, found through each thread's `children`. */
function tree(pid: number): number[] {
  const out = [pid];
  for (let i = 0; i < out.length; i++) {
    try {
      for (const task of readdirSync(`/proc/${out[i]}/task`)) {
        const children = readFileSync(`/proc/${out[i]}/task/${task}/children`, 'utf8').trim();
        if (children) out.push(...children.split(' ').map(Number));
      }
    } catch {
      // a process or thread that ended while we looked
    }
  }
  return out;
}

function treeFigures(pid: number): { pssKiB: number; cpuSeconds: number } {
  let pssKiB = 0;
  let cpuSeconds = 0;
  for (const member of tree(pid)) {
    try {
      pssKiB += Number(
        /^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${member}/smaps_rollup`, 'utf8'))?.[1] ?? 0,
      );
      const fields = readFileSync(`/proc/${member}/stat`, 'utf8').split(') ')[1]!.split(' ');
      cpuSeconds += (Number(fields[11]) + Number(fields[12])) / TICK; // utime, stime
    } catch {
      // ended while we looked
    }
  }
  return { pssKiB, cpuSeconds };
}

/** What the results file says about one process over the run. */
export type ProcessSummary = {
  /** Every pid it had: more than one means the supervisor restarted it (a crash, or the OOM killer). */
  pids: number[];
  samples: number;
  rssMiB: {
    atStart: number;
    /** The highest of the samples and of the kernel's VmHWM for the last pid. */
    peak: number;
    /** The highest sample in each phase. */
    peakByPhase: Record<string, number>;
    atEnd: number;
  };
  treePssMiB: { peak: number; atEnd: number };
  /** CPU seconds used in each phase (process and live descendants; a restart resets its count). */
  cpuSecondsByPhase: Record<string, number>;
};

/**
 * Samples RSS, Pss and CPU of every process the cluster's state names, every `intervalMs`, from /proc. The
 * state is read afresh each time, so a restarted process is followed under its new pid.
 */
export function startProcessSampler(current: () => ClusterState, intervalMs = 2_000) {
  const started = Date.now();
  const samples = new Map<string, Sample[]>();
  let phase = 'ready';
  const take = () => {
    let state: ClusterState;
    try {
      state = current();
    } catch {
      return; // the state file is being rewritten: the next tick reads it
    }
    for (const { name, pid } of state.processes) {
      if (pid === null) continue;
      try {
        const { pssKiB, cpuSeconds } = treeFigures(pid);
        const sample = {
          t: Date.now() - started,
          phase,
          pid,
          rssKiB: statusKiB(pid, 'VmRSS'),
          hwmKiB: statusKiB(pid, 'VmHWM'),
          treePssKiB: pssKiB,
          cpuSeconds,
        };
        samples.set(name, [...(samples.get(name) ?? []), sample]);
      } catch {
        // gone between reading the state and reading /proc: a restart the next tick sees
      }
    }
  };
  take();
  const timer = setInterval(take, intervalMs);

  return {
    /** Names the phase later samples belong to (and takes one now, so each phase has one). */
    phase(name: string): void {
      phase = name;
      take();
    },
    stop(): void {
      take();
      clearInterval(timer);
    },
    /** The last RSS sampled of one process, in MiB. */
    latestRssMiB(name: string): number {
      return round((samples.get(name)?.at(-1)?.rssKiB ?? NaN) / 1024, 0);
    },
    /** The RSS of one process over time, for the results file: [seconds since start, MiB, phase]. */
    series(name: string, everySeconds = 10): [number, number, string][] {
      const out: [number, number, string][] = [];
      let next = 0;
      for (const s of samples.get(name) ?? []) {
        if (s.t / 1000 < next) continue;
        out.push([round(s.t / 1000, 0), round(s.rssKiB / 1024, 0), s.phase]);
        next = s.t / 1000 + everySeconds;
      }
      return out;
    },
    summary(): Record<string, ProcessSummary> {
      const out: Record<string, ProcessSummary> = {};
      for (const [name, list] of samples) {
        const mib = (kib: number) => round(kib / 1024, 0);
        const last = list.at(-1)!;
        const peakByPhase: Record<string, number> = {};
        const cpuSecondsByPhase: Record<string, number> = {};
        for (let i = 0; i < list.length; i++) {
          const s = list[i]!;
          peakByPhase[s.phase] = Math.max(peakByPhase[s.phase] ?? 0, mib(s.rssKiB));
          const before = list[i - 1];
          // Only within one pid: a restarted process starts counting again.
          if (before && before.pid === s.pid)
            cpuSecondsByPhase[s.phase] = round(
              (cpuSecondsByPhase[s.phase] ?? 0) + s.cpuSeconds - before.cpuSeconds,
            );
        }
        out[name] = {
          pids: [...new Set(list.map((s) => s.pid))],
          samples: list.length,
          rssMiB: {
            atStart: mib(list[0]!.rssKiB),
            peak: mib(Math.max(...list.map((s) => s.rssKiB), last.hwmKiB)),
            peakByPhase,
            atEnd: mib(last.rssKiB),
          },
          treePssMiB: { peak: mib(Math.max(...list.map((s) => s.treePssKiB))), atEnd: mib(last.treePssKiB) },
          cpuSecondsByPhase,
        };
      }
      return out;
    },
  };
}
