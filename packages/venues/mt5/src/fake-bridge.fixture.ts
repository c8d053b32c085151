/** Test support: a local MT5 bridge speaking the line-JSON protocol on 127.0.0.1 (tests only). */
import { createServer, type Server, type Socket } from 'node:net';

/** A local bridge speaking the line-JSON protocol on 127.0.0.1. */
export class FakeBridge {
  readonly server: Server;
  readonly sockets: Socket[] = [];
  readonly received: string[] = [];
  #onConnect: ((socket: Socket, n: number) => void) | undefined;

  constructor() {
    this.server = createServer((socket) => {
      this.sockets.push(socket);
      const n = this.sockets.length;
      socket.setEncoding('utf8');
      let buffer = '';
      let subscribed = false;
      socket.on('data', (chunk: string) => {
        buffer += chunk;
        let nl = buffer.indexOf('\n');
        while (nl >= 0) {
          this.received.push(buffer.slice(0, nl));
          buffer = buffer.slice(nl + 1);
          nl = buffer.indexOf('\n');
          // Like a real bridge, start streaming once the client's subscribe line has arrived
          // (no race between the client's subscribe and the first ticks, however loaded the machine).
          if (!subscribed) {
            subscribed = true;
            this.#onConnect?.(socket, n);
          }
        }
      });
      socket.on('error', () => {});
    });
  }

  onConnect(fn: (socket: Socket, n: number) => void): void {
    this.#onConnect = fn;
  }

  async listen(): Promise<number> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', () => r()));
    const address = this.server.address();
    if (typeof address !== 'object' || address === null) throw new Error('no address');
    return address.port;
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise((r) => this.server.close(r));
  }
}

export const tickLine = (symbol: string, timeMsc: number, bid: number, ask: number): string =>
  `${JSON.stringify({ type: 'tick', symbol, time_msc: timeMsc, bid, ask, last: 0, volume: 0 })}\n`;
