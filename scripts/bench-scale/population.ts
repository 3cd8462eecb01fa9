import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Principal } from '../../api/auth';
import { PolicyDocumentSchema } from '../../machines/policy.schema';
import { BENCH_REGIONS, exampleReport, ROOT } from '../bench-system';

/** The police regions cases are filed in, round-robin: each desk reads its own region's inbox. */
export const REGIONS = BENCH_REGIONS;
/** Clinics per region, clinicians per clinic and desk officers per region. */
const INSTITUTIONS_PER_REGION = 3;
const CLINICIANS_PER_INSTITUTION = 2;
const DESKS_PER_REGION = 3;

export const institutionOf = (region: string, n: number): string => `ggz-${region.replace(/-nl$/, '')}-${n}`;

/** Every clinic of every region, with the region it reports to. */
export const INSTITUTIONS = REGIONS.flatMap((region) =>
  Array.from({ length: INSTITUTIONS_PER_REGION }, (_, n) => ({
    region,
    institutionId: institutionOf(region, n),
  })),
);

/** The clinicians who file reports and read their clinic's cases. */
export const clinicians = (institutionId: string): Principal[] =>
  Array.from({ length: CLINICIANS_PER_INSTITUTION }, (_, n) => ({
    sub: `clinician-${n}.${institutionId}`,
    role: 'clinic',
    institutionId,
  }));

/** The police desk officers of a region, who read its inbox and its cases. */
export const desks = (region: string): Principal[] =>
  Array.from({ length: DESKS_PER_REGION }, (_, n) => ({
    sub: `desk-${n}.${region}`,
    role: 'police_desk',
    region,
  }));

/** Case `i`'s clinic: spread evenly over every clinic of every region. */
export const clinicOf = (i: number) => INSTITUTIONS[i % INSTITUTIONS.length]!;

const day = (now: number, offsetDays: number) =>
  new Date(now + offsetDays * 86_400_000).toISOString().slice(0, 10);

/**
 * Report `i` as its clinic files it now: the example report, noticed ten minutes ago, under a zorgmachtiging
 * that began two months ago. A case whose `titleEndsAt` is given has its title end then (the one deadline
 * the benchmark lets fall due); the others' titles run ten months on, so every timer they arm stays armed.
 * A third of them are missing persons too, which arms the 72 h, 14 d and 28 d thresholds as well.
 */
export function reportFor(
  i: number,
  run: string,
  titleEndsAt: Date | undefined,
  now = Date.now(),
): Record<string, unknown> {
  const { region, institutionId } = clinicOf(i);
  return {
    ...exampleReport(),
    reportId: `scale-${run}-${i}`,
    region,
    institutionId,
    kind: { unauthorisedAbsence: true, missing: i % 3 === 0 },
    urgent: i % 7 === 0,
    proposedRisk: (['low', 'medium', 'high'] as const)[i % 3],
    absenceNoticedAt: new Date(now - 10 * 60_000).toISOString(),
    lastSeen: { at: new Date(now - 30 * 60_000).toISOString(), place: 'Tuin, afdeling De Linde' },
    legalTitle: titleEndsAt
      ? { kind: 'zorgmachtiging', startsOn: day(now, -60), endsAt: titleEndsAt.toISOString() }
      : { kind: 'zorgmachtiging', startsOn: day(now, -60), endsOn: day(now, 300) },
  };
}

/**
 * The shipped policy file with the first deadlines of a new case (internal search, acknowledgement)
 * stretched to 12 hours, so none of them falls due during the run: the only timers that fire are the title
 * ends the benchmark schedules. Every other duration, rule and the retention are the shipped ones. Written
 * where the cluster's workers and APIs read it (VERMIST_POLICY_FILE); checked against the schema first.
 */
export function writeBenchPolicy(): { file: string; version: string } {
  const shipped = JSON.parse(readFileSync(path.join(ROOT, 'config/policy.json'), 'utf8')) as {
    version: string;
    defaults: Record<string, unknown>;
  };
  const document = {
    ...shipped,
    version: `${shipped.version}-bench-scale`,
    defaults: {
      ...shipped.defaults,
      internalSearch: { within: '12h' },
      acknowledge: { urgent: '12h', ordinary: '12h' },
    },
  };
  PolicyDocumentSchema.parse(document);
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'vermist-bench-scale-')), 'policy.json');
  writeFileSync(file, `${JSON.stringify(document, null, 2)}\n`);
  return { file, version: document.version };
}
