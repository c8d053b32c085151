import { type Alert, type Clock, scrubSecrets } from '@omni/core';

/**
 * The alerts of one broker adapter: stamped with the injected clock, sourced `binary-ws:<venue>`,
 * every text scrubbed of registered secrets (a platform's message may echo a token).
 */
export class BrokerAlerts {
  readonly #source: string;
  readonly #clock: Clock;
  readonly #sink: ((alert: Alert) => void) | undefined;

  constructor(venue: string, clock: Clock, sink: ((alert: Alert) => void) | undefined) {
    this.#source = `binary-ws:${venue}`;
    this.#clock = clock;
    this.#sink = sink;
  }

  emit(level: Alert['level'], code: string, message: string, context: Record<string, unknown> = {}): void {
    if (!this.#sink) return;
    const safe: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(context)) {
      safe[key] = typeof value === 'string' ? scrubSecrets(value) : value;
    }
    this.#sink({
      tsMs: Math.max(0, Math.floor(this.#clock.nowMs())),
      level,
      code,
      message: scrubSecrets(message),
      source: this.#source,
      context: safe,
    });
  }

  /** A frame that was skipped as unreadable: `BINARY_WS_PROTOCOL`, with its first 200 characters. */
  skipped(venue: string, what: string, frame: string): void {
    this.emit('warn', 'BINARY_WS_PROTOCOL', `skipped a frame from ${venue}: ${what}`, {
      frame: frame.length > 200 ? `${frame.slice(0, 200)}…` : frame,
    });
  }
}
