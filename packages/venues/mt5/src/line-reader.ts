/**
 * Splits a TCP stream (decoded UTF-8 text) into `\n`-terminated lines, across chunk boundaries,
 * with a ceiling on the line length in bytes: a peer that never sends a newline cannot make it buffer
 * without bound. Lines are trimmed (`\r\n` endings are fine); empty lines are skipped.
 *
 * @example
 * const reader = new LineReader(65_536);
 * socket.on('data', (chunk) => { if (reader.push(chunk, onLine) > 0) socket.destroy(); });
 */
export class LineReader {
  readonly maxBytes: number;
  #carry = '';

  constructor(maxBytes: number) {
    this.maxBytes = maxBytes;
  }

  /**
   * Feeds `chunk`; calls `onLine` with every complete line until it returns false. Returns the
   * length in characters of a line over `maxBytes` (reading stops there), or 0.
   */
  push(chunk: string, onLine: (line: string) => boolean): number {
    const text = this.#carry + chunk;
    let start = 0;
    for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
      const line = text.slice(start, nl);
      start = nl + 1;
      if (this.#tooLong(line)) return line.length;
      const trimmed = line.trim();
      if (trimmed !== '' && !onLine(trimmed)) return 0;
    }
    this.#carry = start === 0 ? text : text.slice(start);
    return this.#tooLong(this.#carry) ? this.#carry.length : 0;
  }

  /** Longer than the ceiling: characters first (cheap), bytes only when it could matter. */
  #tooLong(text: string): boolean {
    if (text.length > this.maxBytes) return true;
    return text.length * 3 > this.maxBytes && Buffer.byteLength(text) > this.maxBytes;
  }
}
