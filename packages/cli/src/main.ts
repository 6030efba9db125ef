/**
 * Entry point of the `k8s-security` command: parses the subcommand, runs it, and turns every
 * expected failure into one line on stderr with a non-zero exit code.
 *
 * Commands are imported when they run, not before: a command loads only what it uses, so
 * `analyze` never pays for `audit` or for the Kubernetes client (start-up is most of the cost of
 * a small input in a pre-commit hook).
 */
import { UsageError, type CommandIo } from './io.js';

type Command = (args: readonly string[], io: CommandIo) => number | Promise<number>;

interface LoadedCommand {
  readonly run: Command;
  readonly usage: string;
}

interface CommandEntry {
  readonly load: () => Promise<LoadedCommand>;
  readonly summary: string;
}

const COMMANDS: Record<string, CommandEntry> = {
  render: {
    load: async () => import('./commands/render.js').then((m) => ({ run: m.render, usage: m.RENDER_USAGE })),
    summary: 'print the policy set of an environment as YAML',
  },
  generate: {
    load: async () => import('./commands/generate.js').then((m) => ({ run: m.generate, usage: m.GENERATE_USAGE })),
    summary: 'write values files and overlays for your own environments',
  },
  lint: {
    load: async () => import('./commands/lint.js').then((m) => ({ run: m.lint, usage: m.LINT_USAGE })),
    summary: 'check NetworkPolicy manifests for known pitfalls',
  },
  audit: {
    load: async () => import('./commands/audit.js').then((m) => ({ run: m.audit, usage: m.AUDIT_USAGE })),
    summary: 'check namespaces for real default-deny semantics (CIS 5.3.2)',
  },
  analyze: {
    load: async () => import('./commands/analyze.js').then((m) => ({ run: m.analyze, usage: m.ANALYZE_USAGE })),
    summary: 'report which endpoints can reach which, per port, from manifests or a cluster',
  },
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
  const entry = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!entry) {
    io.stderr.write(`k8s-security: unknown command "${name}"\n\n${mainUsage()}\n`);
    return 2;
  }
  const command = await entry.load();
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
  // Matched by name: importing the core's error class here would load all of the core for every command.
  if (error instanceof Error && error.name === 'NamespaceIsolationOptionsError') {
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
