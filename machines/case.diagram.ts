import type { AnyStateNode } from 'xstate';
import type { TaskMeta } from './case.context';
import { caseMachine } from './case.machine';

type Guard = string | { type: string; params?: unknown } | ((...args: never[]) => unknown) | undefined;
type Transition = { eventType: string; target?: readonly AnyStateNode[]; guard?: Guard };

/** Guards every command passes (may this role send it at all): they say nothing about the lifecycle. */
const PERMISSION_GUARDS = new Set(['senderMay']);

const idOf = (node: AnyStateNode) => node.path.join('_') || 'case';

function guardLabel(guard: Guard): string {
  if (guard === undefined) return '';
  if (typeof guard === 'string') return PERMISSION_GUARDS.has(guard) ? '' : ` [${guard}]`;
  if (typeof guard === 'function') return ` [${combined(guard)}]`.replace(' []', '');
  const params = guard.params as { deadline?: string } | undefined;
  return guard.type === 'deadlineIs' && params?.deadline ? ` (${params.deadline})` : ` [${guard.type}]`;
}

/** xstate's and(), or(), not() and stateIn() keep what they combine: spelled out, less the permission check. */
function combined(guard: Guard): string {
  if (guard === undefined) return '';
  if (typeof guard === 'string') return PERMISSION_GUARDS.has(guard) ? '' : guard;
  if (typeof guard !== 'function') return guard.type;
  const parts = ((guard as { guards?: Guard[] }).guards ?? []).map(combined).filter((p) => p !== '');
  const state = (guard as { stateValue?: unknown }).stateValue;
  if (guard.name === 'and') return parts.join(' and ');
  if (guard.name === 'or') return `(${parts.join(' or ')})`;
  if (guard.name === 'not') return `not ${parts[0]}`;
  if (guard.name === 'stateIn') return `in ${leafOf(state)}`;
  return 'guarded';
}

/** The innermost state a stateIn() names: `{ open: { lifecycle: 'searching' } }` is searching. */
function leafOf(value: unknown): string {
  if (typeof value === 'string') return value;
  return leafOf(Object.values(value as Record<string, unknown>)[0]);
}

function edges(node: AnyStateNode): string[] {
  const own: Transition[] = [
    ...[...(node.transitions.values() as Iterable<Transition[]>)].flat(),
    ...((node.always ?? []) as Transition[]).map((t) => ({ ...t, eventType: 'always' })),
  ];
  return own.flatMap((t) =>
    (t.target ?? []).map(
      (target) => `${idOf(node)} --> ${idOf(target)} : ${t.eventType}${guardLabel(t.guard)}`,
    ),
  );
}

/** What a state asks of whom, and which deadlines it escalates when they pass without a transition. */
function descriptions(node: AnyStateNode): string[] {
  const meta = node.meta as { tasks?: TaskMeta[] } | undefined;
  const tasks = (meta?.tasks ?? []).map(
    (t) => `${idOf(node)} : task ${t.task} for ${t.role}${t.deadline ? `, due by ${t.deadline}` : ''}`,
  );
  const escalations = ((node.transitions.get('deadline.passed') ?? []) as Transition[])
    .filter((t) => t.target === undefined && typeof t.guard === 'object')
    .map(
      (t) =>
        `${idOf(node)} : on ${(t.guard as { params: { deadline: string } }).params.deadline} passed, stays`,
    );
  return [...tasks, ...escalations];
}

function block(node: AnyStateNode, indent: string): string[] {
  const children = Object.values(node.states) as AnyStateNode[];
  const lines: string[] = [];
  if (children.length === 0) {
    lines.push(`${indent}state "${node.key}" as ${idOf(node)}`);
  } else {
    lines.push(`${indent}state "${node.key}" as ${idOf(node)} {`);
    children.forEach((child, i) => {
      if (node.type === 'parallel' && i > 0) lines.push(`${indent}  --`);
      if (node.type !== 'parallel' && node.initial?.target[0] === child)
        lines.push(`${indent}  [*] --> ${idOf(child)}`);
      lines.push(...block(child, `${indent}  `));
    });
    lines.push(`${indent}}`);
  }
  return [...lines, ...descriptions(node).map((line) => `${indent}${line}`)];
}

function all(node: AnyStateNode): AnyStateNode[] {
  return [node, ...(Object.values(node.states) as AnyStateNode[]).flatMap(all)];
}

/**
 * The case machine as a Mermaid state diagram, generated from its definition so it cannot drift: composite
 * and parallel states, every targeted transition with its event and guard, the tasks each state opens.
 */
export function caseMachineDiagram(): string {
  const root = caseMachine.root;
  const top = Object.values(root.states) as AnyStateNode[];
  const lines = ['stateDiagram-v2', `  [*] --> ${idOf(root.initial.target[0]!)}`];
  for (const node of top) lines.push(...block(node, '  '));
  for (const node of all(root)) lines.push(...edges(node).map((edge) => `  ${edge}`));
  for (const node of top.filter((n) => n.type === 'final')) lines.push(`  ${idOf(node)} --> [*]`);
  return `${lines.join('\n')}\n`;
}
