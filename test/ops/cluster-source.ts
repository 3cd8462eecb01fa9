import { readFileSync } from 'node:fs';
import ts from 'typescript';

/** How `npm run cluster` runs one Vermist process (a worker or an API instance). */
export type ClusterVermistProcess = {
  /** The program: `process.execPath`, that is node. */
  command: string;
  args: string[];
  /** Every variable the process may get: the shared ones and its own (those set only with an option too). */
  env: string[];
  /** The variables whose value is a string literal in the cluster's code, with that value. */
  literals: Record<string, string>;
  stopTimeoutMs: number;
};

/** What the cluster runs, by entry point (`bin/worker.ts`, `bin/api.ts`), and its default namespace. */
export type ClusterVermistPlan = { namespace: string; processes: Record<string, ClusterVermistProcess> };

/**
 * Reads how scripts/cluster/supervisor.ts runs the workers and API instances from its syntax tree: it builds
 * them inside runCluster() and exports no description of them. It looks for `const namespace = options.namespace
 * ?? '<default>'`, `const shared = { … }`, the `vermist(name, entry, env)` helper's spec and its calls, and
 * throws, naming what it missed, when the code no longer has that shape.
 */
export function readClusterVermistPlan(file: string): ClusterVermistPlan {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const declarations = new Map<string, ts.Expression>();
  const calls: ts.CallExpression[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.initializer)
      declarations.set(node.name.text, node.initializer);
    if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'vermist')
      calls.push(node);
    ts.forEachChild(node, visit);
  };
  visit(source);
  const missing = (what: string) =>
    new Error(`${file} no longer has ${what}: update test/ops/cluster-source.ts to read it`);

  const namespaceInit = declarations.get('namespace');
  if (
    !namespaceInit ||
    !ts.isBinaryExpression(namespaceInit) ||
    namespaceInit.operatorToken.kind !== ts.SyntaxKind.QuestionQuestionToken ||
    !ts.isStringLiteral(namespaceInit.right)
  )
    throw missing("`const namespace = options.namespace ?? '<default>'`");
  const namespace = namespaceInit.right.text;

  const sharedInit = declarations.get('shared');
  if (!sharedInit || !ts.isObjectLiteralExpression(sharedInit)) throw missing('`const shared = { … }`');
  const shared = objectKeys(sharedInit);

  const helper = declarations.get('vermist');
  if (!helper || !ts.isArrowFunction(helper)) throw missing('the `vermist(name, entry, env)` helper');
  const entryParam = helper.parameters[1]?.name;
  const spec = findNode(
    helper.body,
    (node): node is ts.ObjectLiteralExpression =>
      ts.isObjectLiteralExpression(node) && objectKeys(node).keys.includes('args'),
  );
  const property = (name: string) =>
    spec?.properties.find(
      (p): p is ts.PropertyAssignment => ts.isPropertyAssignment(p) && p.name.getText() === name,
    )?.initializer;
  const args = property('args');
  const stop = property('stopTimeoutMs');
  if (
    !entryParam ||
    !spec ||
    !args ||
    !ts.isArrayLiteralExpression(args) ||
    !stop ||
    !ts.isNumericLiteral(stop)
  )
    throw missing("the helper's spec `{ command, args: [..., entry], stopTimeoutMs }`");
  const command = property('command')?.getText() ?? '';
  const argsOf = (entry: string) =>
    args.elements.map((element) => {
      if (ts.isStringLiteral(element)) return element.text;
      if (ts.isIdentifier(element) && element.text === entryParam.getText()) return entry;
      throw missing(`a plain argument in the helper's args, not ${element.getText()}`);
    });

  const processes: Record<string, ClusterVermistProcess> = {};
  for (const call of calls) {
    const [, entry, env] = call.arguments;
    if (!entry || !ts.isStringLiteral(entry) || !env || !ts.isObjectLiteralExpression(env))
      throw missing(`\`vermist(name, '<entry>', { … })\` at ${call.getText().slice(0, 60)}`);
    const own = objectKeys(env);
    processes[entry.text] = {
      command,
      args: argsOf(entry.text),
      env: [...shared.keys, ...own.keys],
      literals: { ...shared.literals, ...own.literals },
      stopTimeoutMs: Number(stop.text.replaceAll('_', '')),
    };
  }
  if (calls.length === 0) throw missing('calls of the `vermist(…)` helper');
  return { namespace, processes };
}

/** The property names of an object literal, those inside `...(condition && { … })` spreads included. */
function objectKeys(object: ts.ObjectLiteralExpression): {
  keys: string[];
  literals: Record<string, string>;
} {
  const keys: string[] = [];
  const literals: Record<string, string> = {};
  for (const property of object.properties) {
    if (ts.isPropertyAssignment(property)) {
      const name = property.name.getText().replace(/^['"]|['"]$/g, '');
      keys.push(name);
      if (ts.isStringLiteral(property.initializer)) literals[name] = property.initializer.text;
    } else if (ts.isSpreadAssignment(property)) {
      const inner = findNode(property.expression, ts.isObjectLiteralExpression);
      if (inner) {
        const nested = objectKeys(inner);
        keys.push(...nested.keys);
        Object.assign(literals, nested.literals);
      }
    }
  }
  return { keys, literals };
}

function findNode<T extends ts.Node>(root: ts.Node, test: (node: ts.Node) => node is T): T | undefined {
  if (test(root)) return root;
  return ts.forEachChild(root, (child) => findNode(child, test));
}
