import type { ConnectionLink, LinkEvents } from './managed-connection.js';

/**
 * A {@link ConnectionLink} driven by hand, for tests and simulations of code built on
 * {@link ManagedConnection}: it records what the connection does to it (`calls`), and the test
 * reports the transport's events through `events` (`opened()`, `received()`, `closed(detail)`).
 * `destroy()` reports the close at once, as `ws.terminate()` soon does.
 *
 * @example
 * const links: ManualLink[] = [];
 * const connection = new ManagedConnection({ ..., open: (events) => { const l = new ManualLink(events); links.push(l); return l; } });
 * connection.start();
 * links[0].events.opened();
 */
export class ManualLink implements ConnectionLink {
  /** `pause`, `resume`, `ping` and `destroy`, in the order they were called. */
  readonly calls: string[] = [];
  readonly events: LinkEvents;
  /** What `destroy()` reports as the close detail. */
  readonly closeDetail: string;

  constructor(events: LinkEvents, closeDetail = 'socket closed (code 1006)') {
    this.events = events;
    this.closeDetail = closeDetail;
  }

  pause(): void {
    this.calls.push('pause');
  }

  resume(): void {
    this.calls.push('resume');
  }

  ping(): void {
    this.calls.push('ping');
  }

  destroy(): void {
    this.calls.push('destroy');
    this.events.closed(this.closeDetail);
  }
}
