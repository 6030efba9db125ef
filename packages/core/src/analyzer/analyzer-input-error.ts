/**
 * The one error the analyzer throws for input it cannot judge: it names the object, the
 * field and the fix, so a caller can print it as is.
 */
export class AnalyzerInputError extends Error {
  override readonly name = 'AnalyzerInputError';

  /**
   * @param objectRef - the object at fault, e.g. `NetworkPolicy prod/deny-all`, or
   *   `Pod objects[3]` when it has no name.
   * @param field - the path of the field at fault inside that object, e.g. `spec.podSelector`.
   * @param problem - what is wrong and how to fix it.
   */
  constructor(
    readonly objectRef: string,
    readonly field: string,
    readonly problem: string,
  ) {
    super(`${objectRef}: ${field}: ${problem}`);
  }
}
