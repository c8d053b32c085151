import type { RequestCorrelator } from '@omni/connection';
import type { JsonWsProtocol } from './protocol-schema.js';
import type { ReplyReader } from './reply-reader.js';

/** What became of an inbound message offered as a reply. */
export type RouteResult = 'answered' | 'late' | 'not-a-reply';

/**
 * Hands replies to their waiting requests, as the protocol's `match` says: by the echoed request id,
 * or by the reply's type (the oldest waiting request of that type; an error reply of no known type
 * answers the oldest waiting request). Matching by type assumes the platform answers in order.
 */
export class ReplyRouter<R> {
  readonly #byType: boolean;
  readonly #reader: ReplyReader;
  readonly #requests: RequestCorrelator<R>;
  readonly #queues = new Map<string | number, number[]>();

  constructor(protocol: JsonWsProtocol, reader: ReplyReader, requests: RequestCorrelator<R>) {
    this.#byType = protocol.match.by === 'type';
    this.#reader = reader;
    this.#requests = requests;
  }

  /** Request `id` was sent and waits for a reply of `replyType` (matching by type). */
  sent(id: number, replyType: string | number | undefined): void {
    if (!this.#byType || replyType === undefined) return;
    const queue = this.#queues.get(replyType);
    if (queue) queue.push(id);
    else this.#queues.set(replyType, [id]);
  }

  /** Request `id` settled (answered, timed out or failed): it waits no more. */
  settled(id: number, replyType: string | number | undefined): void {
    if (replyType === undefined) return;
    const queue = this.#queues.get(replyType);
    const at = queue?.indexOf(id) ?? -1;
    if (queue && at >= 0) queue.splice(at, 1);
  }

  /** The connection ended: nothing waits any more. */
  clear(): void {
    this.#queues.clear();
  }

  /** Resolves the request `message` answers, if any. */
  route(message: R): RouteResult {
    const key = this.#reader.replyKey(message);
    if (!this.#byType) {
      if (key === undefined) return 'not-a-reply';
      return this.#requests.resolve(key, message) ? 'answered' : 'late';
    }
    const queue = key === undefined ? undefined : this.#queues.get(key);
    const head = queue?.shift();
    if (head !== undefined) return this.#requests.resolve(head, message) ? 'answered' : 'late';
    if (this.#reader.errorOf(message) === undefined) return 'not-a-reply';
    let oldest: number[] | undefined;
    for (const waiting of this.#queues.values()) {
      const first = waiting[0];
      if (first !== undefined && (oldest === undefined || first < (oldest[0] as number))) oldest = waiting;
    }
    const id = oldest?.shift();
    return id !== undefined && this.#requests.resolve(id, message) ? 'answered' : 'not-a-reply';
  }
}
