/**
 * Entry point of the `k8s-security` command: parses the subcommand, runs it, and turns every
 * expected failure into one line on stderr with a non-zero exit code.
 *
 * Commands are imported when they run, not before: a command loads only what it uses, so
 * `analyze` never pays for `audit` or for the Kubernetes client (start-up is most of the cost of
 * a small input in a pre-commit hook).
 */
import { UsageError, type CommandIo } from './io.js';
import { closestMatch, flagsInUsage, suggestFlag } from './conventions/did-you-mean.js';
import { ProgressLine } from './conventions/progress.js';
import { isInteractive, type OutputStream } from './conventions/terminal.js';
import { cliVersion } from './report/report-options.js';

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
  evidence: {
    load: async () => import('./commands/evidence.js').then((m) => ({ run: m.evidence, usage: m.EVIDENCE_USAGE })),
    summary: 'write a dated compliance evidence bundle (md, html, json), or compare two',
  },
  analyze: {
    load: async () => import('./commands/analyze.js').then((m) => ({ run: m.analyze, usage: m.ANALYZE_USAGE })),
    summary: 'report which endpoints can reach which, per port, from manifests or a cluster',
  },
  verify: {
    load: async () => import('./commands/verify.js').then((m) => ({ run: m.verify, usage: m.VERIFY_USAGE })),
    summary: 'check reachability assertions (--expect FILE); exit 1 when one is broken',
  },
  diff: {
    load: async () => import('./commands/diff.js').then((m) => ({ run: m.diff, usage: m.DIFF_USAGE })),
    summary: 'report the connections NEW opens and closes compared with OLD (exit 1 if it opens any)',
  },
};

/** Commands loaded so far, so a failure report can read the usage of the one that ran. */
const loaded = new Map<string, LoadedCommand>();

async function loadCommand(name: string): Promise<LoadedCommand | undefined> {
  const entry = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!entry) return undefined;
  const command = loaded.get(name) ?? (await entry.load());
  loaded.set(name, command);
  return command;
}

function mainUsage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((name) => name.length));
  return [
    'Usage: k8s-security <command> [options]',
    '',
    'Commands:',
    ...Object.entries(COMMANDS).map(([name, entry]) => `  ${name.padEnd(width)}  ${entry.summary}`),
    '',
    'Options:',
    '  -h, --help     print this help',
    '  -V, --version  print the version of k8s-security',
    '',
    "Run 'k8s-security help <command>' or 'k8s-security <command> --help' for a command's options.",
  ].join('\n');
}

/** One line for a command name that does not exist, with the likely intended one. */
function unknownCommand(name: string): UsageError {
  const meant = closestMatch(name, [...Object.keys(COMMANDS), '--help', '--version']);
  const hint = meant ? `did you mean "${meant}"?` : `commands are ${Object.keys(COMMANDS).join(', ')}.`;
  return new UsageError(`unknown command "${name}": ${hint} Run 'k8s-security --help' for usage.`);
}

/** Runs the CLI with `argv` (without node and script) and returns the exit code. */
export async function main(argv: readonly string[], io: CommandIo): Promise<number> {
  const [name, ...rest] = argv;
  try {
    return await dispatch(name, rest, io);
  } catch (error) {
    return reportFailure(error, io, name !== undefined && Object.hasOwn(COMMANDS, name) ? name : undefined);
  }
}

async function dispatch(name: string | undefined, rest: readonly string[], io: CommandIo): Promise<number> {
  if (name === undefined || name === '--help' || name === '-h' || (name === 'help' && rest.length === 0)) {
    io.stdout.write(`${mainUsage()}\n`);
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-V') {
    io.stdout.write(`${cliVersion()}\n`);
    return 0;
  }
  if (name === 'help') return await printHelpOf(rest, io);
  const command = await loadCommand(name);
  if (!command) throw unknownCommand(name);
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout.write(`${command.usage}\n`);
    return 0;
  }
  const env = io.env ?? process.env;
  const interactive = isInteractive(io.stderr, env);
  const progress = new ProgressLine(io.stderr, { prefix: `k8s-security ${name}`, refreshMs: interactive ? 250 : 0 });
  // Output of the command first erases the progress line, so the two never share a line.
  // It keeps the stream's 'drain' event: streamed outputs wait on it, or a slow reader fills memory.
  const clearing = (stream: OutputStream): OutputStream => ({
    write: (text: string) => (progress.clear(), stream.write(text)),
    ...(stream.once ? { once: (event: 'drain', listener: () => void) => stream.once!(event, listener) } : {}),
    isTTY: stream.isTTY,
    columns: stream.columns,
  });
  try {
    return await command.run(rest, {
      ...io,
      env,
      stdout: clearing(io.stdout),
      stderr: clearing(io.stderr),
      progress: interactive ? (label) => progress.update(label) : () => {},
    });
  } finally {
    progress.stop();
  }
}

/** `k8s-security help CMD`: that command's usage on stdout. */
async function printHelpOf([topic, ...extra]: readonly string[], io: CommandIo): Promise<number> {
  if (topic === undefined || extra.length > 0) throw new UsageError("help takes one command, e.g. 'k8s-security help analyze'");
  const command = await loadCommand(topic);
  if (!command) throw unknownCommand(topic);
  io.stdout.write(`${command.usage}\n`);
  return 0;
}

/** Prints an expected failure as one line on stderr and returns its exit code. */
function reportFailure(error: unknown, io: CommandIo, commandName?: string): number {
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
    io.stderr.write(`k8s-security: ${parseArgsProblem(error as Error, code, commandName)} Run ${commandName ? `'k8s-security ${commandName} --help'` : '--help'} for the options.\n`);
    return 2;
  }
  throw error;
}

/** parseArgs' message; for an unknown flag, without its hint about '--' and with the flag likely meant. */
function parseArgsProblem(error: Error, code: string, commandName: string | undefined): string {
  const unknown = code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' ? /^Unknown option '([^']+)'/.exec(error.message)?.[1] : undefined;
  if (unknown === undefined) return `${error.message.replace(/\.$/, '')}.`;
  const usage = commandName ? loaded.get(commandName)?.usage : undefined;
  const meant = usage && unknown.startsWith('--') ? suggestFlag(unknown.split('=')[0]!, flagsInUsage(usage)) : undefined;
  return `Unknown option '${unknown}'.${meant ? ` Did you mean '${meant}'?` : ''}`;
}
