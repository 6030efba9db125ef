/**
 * Text building blocks shared by the analyze output formats: a chunked writer for streamed
 * output, and the quoting rules of CSV, Markdown, DOT and wrapped terminal text.
 */

/** Where text goes: process.stdout, or a test's collector. */
export interface TextTarget {
  /** A stream returns false when its buffer is full; it then emits 'drain'. */
  write(text: string): unknown;
  once?(event: 'drain', listener: () => void): unknown;
}

const CHUNK_CHARACTERS = 1 << 16;

/**
 * Hands text to its target in chunks of about 64 KiB: millions of rows written one by one
 * would cost a system call each, and building the whole text first would hold it all in memory.
 */
export class ChunkedWriter {
  private parts: string[] = [];
  private size = 0;

  constructor(private readonly target: TextTarget) {}

  write(text: string): void {
    this.parts.push(text);
    this.size += text.length;
    if (this.size >= CHUNK_CHARACTERS) this.flush();
  }

  flush(): void {
    if (this.parts.length === 0) return;
    if (this.target.write(this.parts.join('')) === false) this.full = true;
    this.parts = [];
    this.size = 0;
  }

  private full = false;

  /**
   * Resolves once the target can take more: at once unless its buffer is full. A pipe to a
   * slow reader buffers every write in memory, so producers of millions of rows await this.
   */
  async drained(): Promise<void> {
    if (!this.full) return;
    this.full = false;
    const target = this.target;
    if (target.once) await new Promise<void>((resolve) => target.once!('drain', resolve));
  }
}

export const TERMINAL_WIDTH = 80;

/** RFC 4180: fields with a comma, quote or line break are quoted, quotes doubled. */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

export function csvLine(fields: readonly string[]): string {
  return `${fields.map(csvField).join(',')}\n`;
}

export function markdownRow(cells: readonly string[]): string {
  return `| ${cells.map((cell) => cell.replaceAll('|', '\\|').replace(/\r?\n/g, '<br>')).join(' | ')} |`;
}

export function dotString(value: string): string {
  return `"${value.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;
}

/** Word-wraps `text` to the terminal width, every line starting with `indent`. */
export function wrapIndented(text: string, indent: string): string[] {
  const lines: string[] = [];
  for (const paragraph of text.split('\n')) {
    let line = '';
    for (const word of paragraph.split(/\s+/).filter((w) => w !== '')) {
      if (line !== '' && indent.length + line.length + 1 + word.length > TERMINAL_WIDTH) {
        lines.push(indent + line);
        line = word;
      } else {
        line = line === '' ? word : `${line} ${word}`;
      }
    }
    if (line !== '') lines.push(indent + line);
  }
  return lines;
}

/** Wraps each distinct text once: many rows share one explanation. */
export function memoizedWrap(): (text: string, indent: string) => string[] {
  const wrapped = new Map<string, string[]>();
  return (text, indent) => {
    const key = `${indent}\u0000${text}`;
    let result = wrapped.get(key);
    if (!result) {
      result = wrapIndented(text, indent);
      wrapped.set(key, result);
    }
    return result;
  };
}
