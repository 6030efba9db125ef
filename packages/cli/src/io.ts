/** What a command may touch: injected, so tests run commands in-process with captured output. */
export interface CommandIo {
  /** `once('drain')` lets long outputs wait for a slow reader (process.stdout has it). */
  readonly stdout: { write(text: string): unknown; once?(event: 'drain', listener: () => void): unknown };
  readonly stderr: { write(text: string): unknown };
  readonly cwd: string;
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
