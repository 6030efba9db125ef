import { colorEnabled, painter, type Environment, type OutputStream, type Paint } from './conventions/terminal.js';

/** What a command may touch: injected, so tests run commands in-process with captured output. */
export interface CommandIo {
  readonly stdout: OutputStream;
  readonly stderr: OutputStream;
  readonly cwd: string;
  /** What `-` reads; absent means stdin is not available (a test that gives none). */
  readonly stdin?: AsyncIterable<string | Uint8Array>;
  /** Environment variables (NO_COLOR, TERM, KUBECONFIG, HOME, ...). @default process.env */
  readonly env?: Environment;
  /**
   * Says what the command is doing, e.g. `analyzing 5000 pods`. `main` shows it on stderr when
   * the command runs for more than about a second on a terminal, and nowhere else.
   */
  readonly progress?: (label: string) => void;
}

/** An expected failure: printed as one line `k8s-security: <message>`, never with a stack trace. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  constructor(
    message: string,
    /** 2 for bad input or usage (the convention of grep and diff), 1 for a failed check. */
    readonly exitCode: number = 2,
  ) {
    super(message);
  }
}

/** Colours for what a command prints on stdout: on a terminal without NO_COLOR only. */
export function stdoutPaint(io: CommandIo): Paint {
  return painter(colorEnabled(io.stdout, io.env ?? process.env));
}
