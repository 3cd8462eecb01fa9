import { execFileSync } from 'node:child_process';
import path from 'node:path';

/** Runs one of scripts/*.sh and reads the KEY=value lines it prints; its progress goes to our stderr. */
export function scriptVars(script: string, args: string[] = []): Record<string, string> {
  const output = execFileSync('bash', [path.join(__dirname, '../../scripts', script), ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return Object.fromEntries(
    output
      .trim()
      .split('\n')
      .map((line) => line.split('=', 2) as [string, string]),
  );
}

/** The value of `key`, or an error naming the script that did not yield it. */
export function required(vars: Record<string, string>, key: string, script: string): string {
  const value = vars[key];
  if (!value) throw new Error(`scripts/${script} did not yield ${key}`);
  return value;
}
