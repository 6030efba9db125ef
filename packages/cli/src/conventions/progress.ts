/**
 * A one-line progress indicator on stderr for commands that run longer than about a second.
 * It stays silent until then, so quick commands print nothing extra, and it is only ever used
 * on a terminal: redirected stderr never receives carriage returns or escape sequences.
 */
import type { OutputStream } from './terminal.js';

export interface ProgressOptions {
  /** Shown before the label, e.g. `k8s-security analyze`. */
  readonly prefix: string;
  /** Quiet period before the first line appears, in ms. @default 1000 */
  readonly delayMs?: number;
  /** Clock, injectable for tests. @default Date.now */
  readonly now?: () => number;
  /** Redraw the elapsed time this often while the event loop is free, in ms; 0 turns it off. @default 250 */
  readonly refreshMs?: number;
}

const CLEAR_LINE = '\r\x1b[K';

/** The progress line of one command run. Call {@link ProgressLine.stop} when the command ends. */
export class ProgressLine {
  private label: string | undefined;
  private shown = false;
  private drawn = '';
  private lastDraw = -Infinity;
  private readonly started: number;
  private readonly now: () => number;
  private readonly delayMs: number;
  private readonly timer: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly stream: OutputStream,
    private readonly options: ProgressOptions,
  ) {
    this.now = options.now ?? Date.now;
    this.delayMs = options.delayMs ?? 1000;
    this.started = this.now();
    const refreshMs = options.refreshMs ?? 250;
    if (refreshMs > 0) {
      this.timer = setInterval(() => this.draw(true), refreshMs);
      this.timer.unref();
    }
  }

  /** Says what the command is doing now; drawn at once if the command has run long enough. */
  update(label: string): void {
    const changed = label !== this.label;
    this.label = label;
    // Tight loops may report often: redraw a changed label at most ten times a second.
    this.draw(changed && this.now() - this.lastDraw >= 100);
  }

  /** Erases the line, so other output starts at the left margin; the next update redraws it. */
  clear(): void {
    if (!this.shown) return;
    this.stream.write(CLEAR_LINE);
    this.shown = false;
  }

  /** Erases the line and stops the timer. */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.clear();
  }

  private draw(due: boolean): void {
    const elapsed = this.now() - this.started;
    if (this.label === undefined || elapsed < this.delayMs || (!due && this.shown)) return;
    const full = `${this.options.prefix}: ${this.label} (${Math.floor(elapsed / 1000)}s)`;
    // One column short of the width, so the terminal never wraps the line; some report 0 columns.
    const width = (this.stream.columns !== undefined && this.stream.columns >= 20 ? this.stream.columns : 80) - 1;
    const text = full.length > width ? `${full.slice(0, width - 1)}…` : full;
    this.lastDraw = this.now();
    if (this.shown && text === this.drawn) return;
    this.stream.write(`${CLEAR_LINE}${text}`);
    this.shown = true;
    this.drawn = text;
  }
}

/** `shop.yaml` or `3 paths`: the input of a command, short enough for the progress line. */
export function describePaths(paths: readonly string[]): string {
  return paths.length === 1 ? paths[0]! : `${paths.length} paths`;
}
