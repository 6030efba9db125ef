/** What a command may touch: injected, so tests run commands in-process with captured output. */
export interface CommandIo {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
  readonly cwd: string;
  /** What `-` reads; absent means stdin is not available (a test that gives none). */
  readonly stdin?: AsyncIterable<string | Uint8Array>;
  /** Environment variables (`KUBECONFIG`, `HOME`); absent means none. */
  readonly env?: Readonly<Record<string, string | undefined>>;
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
