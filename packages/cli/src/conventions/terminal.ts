/**
 * Terminal conventions: colour only on a terminal and never when NO_COLOR is set
 * (https://no-color.org), nothing but plain text everywhere else.
 */

/** A stream the CLI writes to; `isTTY` is true when it is a terminal. */
export interface OutputStream {
  write(text: string): unknown;
  /** A stream whose write returned false emits 'drain' when it can take more (see ChunkedWriter). */
  once?(event: 'drain', listener: () => void): unknown;
  readonly isTTY?: boolean;
  readonly columns?: number;
  /** A stream whose `write` returned false emits 'drain' once it can take more. */
  once?(event: 'drain', listener: () => void): unknown;
}

/** The process environment, or the part of it a test injects. */
export type Environment = Readonly<Record<string, string | undefined>>;

/** True when `stream` is a terminal that can show escape sequences (TERM is not `dumb`). */
export function isInteractive(stream: OutputStream, env: Environment): boolean {
  return stream.isTTY === true && env['TERM'] !== 'dumb';
}

/** Colour for `stream`: only on a terminal, and never when NO_COLOR holds a non-empty value. */
export function colorEnabled(stream: OutputStream, env: Environment): boolean {
  return isInteractive(stream, env) && (env['NO_COLOR'] ?? '') === '';
}

export type Style = 'red' | 'yellow' | 'green' | 'cyan';

/** Wraps text in a style, or returns it unchanged when colour is off. */
export type Paint = (text: string, style: Style) => string;

const SGR: Readonly<Record<Style, string>> = { red: '31', yellow: '33', green: '32', cyan: '36' };

/** The paint that leaves text alone: files, pipes, NO_COLOR. */
export const plainText: Paint = (text) => text;

/** Paints with ANSI colours when `enabled`, else {@link plainText}. */
export function painter(enabled: boolean): Paint {
  return enabled ? (text, style) => `\x1b[${SGR[style]}m${text}\x1b[39m` : plainText;
}
