// `npm run diagram`: writes docs/case-machine.md from the machine's definition. A test fails when it is stale.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { caseMachineDiagram } from '../machines/case.diagram';

export const DIAGRAM_FILE = path.join(__dirname, '../docs/case-machine.md');

/** The document as it must read: a short legend and the generated diagram. */
export function diagramDocument(): string {
  return [
    '# The case machine',
    '',
    'Generated from `machines/case.machine.ts` by `npm run diagram`; a test fails when this file is stale.',
    'Transitions show their event, then `(deadline)` for a passing deadline or `[guard]` for a condition;',
    'the permission check every command passes is left out. Each state lists the tasks it opens and the',
    'deadlines that, when they pass, escalate its task to the next role up without leaving the state.',
    '',
    '```mermaid',
    caseMachineDiagram().trimEnd(),
    '```',
    '',
  ].join('\n');
}

if (require.main === module) {
  writeFileSync(DIAGRAM_FILE, diagramDocument());
  console.log(`wrote ${path.relative(process.cwd(), DIAGRAM_FILE)}`);
}
