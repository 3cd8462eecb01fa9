import { CrisisAssessmentOutcomeSchema } from '../../../machines/case.events';

const crisisOutcomes = CrisisAssessmentOutcomeSchema.options;

/** The enum namespace group that names a choice's options, from the field's path. */
export function enumGroupOf(path: string, options: readonly string[]): string {
  const leaf = path.split('.').at(-1) ?? path;
  if (leaf === 'kind') return path.includes('policeReason') ? 'policeReasonKind' : 'titleKind';
  if (leaf === 'outcome')
    return options.some((o) => (crisisOutcomes as readonly string[]).includes(o))
      ? 'crisisOutcome'
      : 'outcome';
  const byLeaf: Record<string, string> = {
    proposedRisk: 'risk',
    mode: 'transportMode',
    means: 'travelMeans',
  };
  return byLeaf[leaf] ?? leaf;
}
