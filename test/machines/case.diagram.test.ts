import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { caseMachineDiagram } from '../../machines/case.diagram';
import { DIAGRAM_FILE, redrawn } from '../../scripts/diagram';

describe('case machine diagram', () => {
  it('is current: the drawing in docs/case-machine.md matches the machine (run `npm run diagram` when this fails)', () => {
    const document = readFileSync(DIAGRAM_FILE, 'utf8');
    expect(document).toBe(redrawn(document));
  });

  it('draws the lifecycle and legal clock as parallel regions of an open case', () => {
    const diagram = caseMachineDiagram();
    expect(diagram).toMatch(
      /state "open" as open \{[\s\S]*state "lifecycle"[\s\S]*\n\s+--\n[\s\S]*state "legal"/,
    );
  });

  it('labels transitions with their event and guard, and states with their tasks', () => {
    const diagram = caseMachineDiagram();
    expect(diagram).toContain('open_lifecycle_reported --> open_lifecycle_searching : police.acknowledge');
    expect(diagram).toContain(
      'open_lifecycle_starting --> open_lifecycle_reported : always [internalSearchDone]',
    );
    expect(diagram).toContain(
      'open_lifecycle_reported : task acknowledge_report for police_desk, due by acknowledge',
    );
    expect(diagram).toContain('closed --> archived : xstate.done.state.case.closed');
    expect(diagram).toContain('archived --> [*]');
  });
});
