/**
 * Entry point of the `k8s-security` command: parses the subcommand, runs it, and turns every
 * expected failure into one line on stderr with a non-zero exit code.
 */
import { NamespaceIsolationOptionsError } from '@k8s-security-pro/core';
import { ANALYZE_USAGE, analyze } from './commands/analyze.js';
import { AUDIT_USAGE, audit } from './commands/audit.js';
import { EVIDENCE_USAGE, evidence } from './commands/evidence.js';
import { LINT_USAGE, lint } from './commands/lint.js';
import { GENERATE_USAGE, generate } from './commands/generate.js';
import { RENDER_USAGE, render } from './commands/render.js';
import { UsageError, type CommandIo } from './io.js';

type Command = (args: readonly string[], io: CommandIo) => number | Promise<number>;

interface CommandEntry {
  readonly run: Command;
  readonly usage: string;
  readonly summary: string;
}

const COMMANDS: Record<string, CommandEntry> = {
  render: { run: render, usage: RENDER_USAGE, summary: 'print the policy set of an environment as YAML' },
  generate: { run: generate, usage: GENERATE_USAGE, summary: 'write values files and overlays for your own environments' },
  lint: { run: lint, usage: LINT_USAGE, summary: 'check NetworkPolicy manifests for known pitfalls' },
  audit: { run: audit, usage: AUDIT_USAGE, summary: 'check namespaces for real default-deny semantics (CIS 5.3.2)' },
  evidence: { run: evidence, usage: EVIDENCE_USAGE, summary: 'write a dated compliance evidence bundle (md, html, json), or compare two' },
  analyze: { run: analyze, usage: ANALYZE_USAGE, summary: 'report which endpoints can reach which, per port, from manifests' },
};

function mainUsage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((name) => name.length));
  return [
    'Usage: k8s-security <command> [options]',
    '',
    'Commands:',
    ...Object.entries(COMMANDS).map(([name, entry]) => `  ${name.padEnd(width)}  ${entry.summary}`),
    '',
    "Run 'k8s-security <command> --help' for a command's options.",
  ].join('\n');
}

/** Runs the CLI with `argv` (without node and script) and returns the exit code. */
export async function main(argv: readonly string[], io: CommandIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(`${mainUsage()}\n`);
    return name === undefined ? 2 : 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.stderr.write(`k8s-security: unknown command "${name}"\n\n${mainUsage()}\n`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout.write(`${command.usage}\n`);
    return 0;
  }
  try {
    return await command.run(rest, io);
  } catch (error) {
    return reportFailure(error, io);
  }
}

function reportFailure(error: unknown, io: CommandIo): number {
  if (error instanceof UsageError) {
    io.stderr.write(`k8s-security: ${error.message}\n`);
    return error.exitCode;
  }
  if (error instanceof NamespaceIsolationOptionsError) {
    io.stderr.write(`k8s-security: ${error.message}\n`);
    return 2;
  }
  // node:util parseArgs reports unknown or malformed flags with these codes.
  const code = (error as { code?: string }).code;
  if (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS')) {
    io.stderr.write(`k8s-security: ${(error as Error).message}. Run with --help for the options.\n`);
    return 2;
  }
  throw error;
}
