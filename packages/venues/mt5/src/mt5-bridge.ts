import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import { Heartbeat, type ScheduledTimer, type Scheduler, systemScheduler } from '@omni/connection';
import { type Alert, type Clock, SystemClock } from '@omni/core';
import { LineReader } from './line-reader.js';
import type {
  Mt5BridgeAlertCode,
  Mt5BridgeEvent,
  Mt5BridgeListener,
  Mt5BridgeOptions,
  Mt5Session,
} from './mt5-bridge-types.js';
import { Mt5Error } from './mt5-error.js';
import { type BridgeMessage, type EaHello, encodeBridgeMessage, parseEaLine } from './protocol.js';

interface Connection {
  readonly socket: Socket;
  readonly remote: string;
  readonly reader: LineReader;
  session: Mt5Session | undefined;
  helloTimer: ScheduledTimer | undefined;
  heartbeat: Heartbeat | undefined;
  beat: ScheduledTimer | undefined;
  /** Why the bridge closed it, when it did (the `down` reason). */
  closing: string | undefined;
}

/**
 * The TCP server the OmniBridge Expert Advisor connects to (MQL5 sockets are clients only), speaking
 * protocol v1 of `protocol.ts`. It authenticates the EA's hello against the shared secret (compared
 * in constant time; never logged), accepts USD accounts only, validates every line with zod (a bad
 * line is an alert and is skipped; a line over `maxLineBytes` closes the connection), exchanges
 * heartbeats and declares the session down after `heartbeatTimeoutMs` of silence.
 *
 * One EA session at a time: a second valid hello **replaces** the first (the old connection is
 * closed with `down` "replaced by a new hello"), so a restarted EA or terminal is back at once even
 * while the bridge has not yet noticed that the old TCP connection is dead. Only a holder of the
 * secret can replace a session.
 *
 * `start`/`stop` are counted, so a feed and an executor can share one bridge: it listens from the
 * first `start` and closes at the matching last `stop`.
 *
 * @example
 * const bridge = new Mt5Bridge({ port: 5555, secret: config.credentials.mt5.bridgeSecret });
 * bridge.on((e) => e.kind === 'message' && e.message.type === 'tick' && console.log(e.message.bid));
 * await bridge.start();
 */
export class Mt5Bridge {
  readonly #host: string;
  readonly #port: number;
  readonly #secretHash: Buffer;
  readonly #clock: Clock;
  readonly #scheduler: Scheduler;
  readonly #heartbeatIntervalMs: number;
  readonly #heartbeatTimeoutMs: number;
  readonly #helloTimeoutMs: number;
  readonly #maxLine: number;
  readonly #onAlert: ((alert: Alert) => void) | undefined;
  readonly #onIdle: (() => void) | undefined;
  readonly #listeners: Mt5BridgeListener[] = [];
  readonly #connections = new Set<Connection>();
  #server: Server | undefined;
  #current: Connection | undefined;
  #users = 0;
  #sessions = 0;
  #listening: Promise<void> | undefined;

  constructor(options: Mt5BridgeOptions) {
    const { port } = options;
    this.#heartbeatIntervalMs = options.heartbeatIntervalMs ?? 5_000;
    this.#heartbeatTimeoutMs = options.heartbeatTimeoutMs ?? 15_000;
    this.#helloTimeoutMs = options.helloTimeoutMs ?? 10_000;
    this.#maxLine = options.maxLineBytes ?? 65_536;
    if (
      !(Number.isInteger(port) && port >= 0 && port <= 65_535) ||
      !(this.#heartbeatIntervalMs > 0 && this.#heartbeatTimeoutMs > this.#heartbeatIntervalMs) ||
      !(this.#helloTimeoutMs > 0 && this.#maxLine >= 1_024)
    ) {
      throw new Mt5Error(
        'MT5_BAD_OPTION',
        'the bridge needs a port in 0..65535, heartbeatTimeoutMs > heartbeatIntervalMs > 0, helloTimeoutMs > 0 and maxLineBytes >= 1024',
        {
          port,
          heartbeatIntervalMs: this.#heartbeatIntervalMs,
          heartbeatTimeoutMs: this.#heartbeatTimeoutMs,
          helloTimeoutMs: this.#helloTimeoutMs,
          maxLineBytes: this.#maxLine,
        },
      );
    }
    if (!options.secret.isSet) {
      throw new Mt5Error(
        'MT5_NO_SECRET',
        'the MT5 bridge needs a shared secret: set MT5_BRIDGE_SECRET (and the same value in the EA input Secret)',
        { port },
      );
    }
    this.#host = options.host ?? '127.0.0.1';
    this.#port = port;
    this.#secretHash = sha256(options.secret.reveal());
    this.#clock = options.clock ?? new SystemClock();
    this.#scheduler = options.scheduler ?? systemScheduler;
    this.#onAlert = options.onAlert;
    this.#onIdle = options.onIdle;
  }

  /** Where the bridge listens (the real port once started with port 0). */
  get address(): { readonly host: string; readonly port: number } {
    const address = this.#server?.address();
    const port = typeof address === 'object' && address !== null ? address.port : this.#port;
    return { host: this.#host, port };
  }

  /** Open TCP connections (the session's and those still to say hello). */
  get connections(): number {
    return this.#connections.size;
  }

  /** The current EA session, if one said hello and is still connected. */
  get session(): Mt5Session | undefined {
    return this.#current?.session;
  }

  /** Subscribes to sessions and messages; returns the unsubscribe function. */
  on(listener: Mt5BridgeListener): () => void {
    this.#listeners.push(listener);
    return () => {
      const i = this.#listeners.indexOf(listener);
      if (i >= 0) this.#listeners.splice(i, 1);
    };
  }

  /** Listens (on the first call; later calls count a user and wait for the same listen). MT5_LISTEN_FAILED when it cannot. */
  async start(): Promise<void> {
    this.#users++;
    this.#listening ??= this.#listen();
    try {
      await this.#listening;
    } catch (err) {
      this.#users--;
      this.#listening = undefined;
      throw err;
    }
  }

  /** Releases one user; the last one closes every connection and the server. */
  async stop(): Promise<void> {
    if (this.#users === 0) return;
    this.#users--;
    if (this.#users > 0) return;
    const server = this.#server;
    this.#server = undefined;
    this.#listening = undefined;
    for (const connection of [...this.#connections]) this.#drop(connection, 'the bridge stopped');
    if (server !== undefined) await new Promise<void>((resolve) => server.close(() => resolve()));
    this.#onIdle?.();
  }

  /** Sends `message` to the current session; false (nothing sent) when no EA is connected. */
  send(message: BridgeMessage): boolean {
    const connection = this.#current;
    if (connection === undefined || connection.closing !== undefined) return false;
    connection.socket.write(encodeBridgeMessage(message));
    return true;
  }

  /** Stops reading the EA (a consumer is behind); silence does not count as a timeout meanwhile. */
  hold(held: boolean): void {
    const connection = this.#current;
    if (connection === undefined) return;
    connection.heartbeat?.hold(held);
    if (held) connection.socket.pause();
    else connection.socket.resume();
  }

  #listen(): Promise<void> {
    const server = createServer((socket) => this.#accept(socket));
    this.#server = server;
    return new Promise<void>((resolve, reject) => {
      server.once('error', (err) => {
        this.#server = undefined;
        reject(
          new Mt5Error(
            'MT5_LISTEN_FAILED',
            `cannot listen on ${this.#host}:${this.#port}; is another bridge running, or is the port taken?`,
            { host: this.#host, port: this.#port },
            { cause: err },
          ),
        );
      });
      server.listen(this.#port, this.#host, () => resolve());
    });
  }

  #accept(socket: Socket): void {
    const connection: Connection = {
      socket,
      remote: `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? 0}`,
      reader: new LineReader(this.#maxLine),
      session: undefined,
      helloTimer: undefined,
      heartbeat: undefined,
      beat: undefined,
      closing: undefined,
    };
    this.#connections.add(connection);
    socket.setEncoding('utf8');
    socket.setNoDelay(true);
    connection.helloTimer = this.#scheduler.after(this.#helloTimeoutMs, () => {
      this.#alert('warn', 'MT5_NO_HELLO', `no hello within ${this.#helloTimeoutMs} ms; closing`, {
        remote: connection.remote,
      });
      this.#drop(connection, 'no hello');
    });
    socket.on('data', (chunk: string) => this.#onData(connection, chunk));
    socket.on('error', () => {
      // 'close' follows.
    });
    socket.on('close', () => this.#onClose(connection));
  }

  #onData(connection: Connection, chunk: string): void {
    connection.heartbeat?.seen();
    const tooLong = connection.reader.push(chunk, (line) => {
      this.#onLine(connection, line);
      return connection.closing === undefined;
    });
    if (tooLong > 0) this.#overLong(connection, tooLong);
  }

  #overLong(connection: Connection, chars: number): void {
    this.#alert(
      'warn',
      'MT5_LINE_TOO_LONG',
      `a line longer than ${this.#maxLine} bytes; closing the connection`,
      {
        remote: connection.remote,
        chars,
      },
    );
    this.#drop(connection, 'line too long');
  }

  #onLine(connection: Connection, line: string): void {
    const parsed = parseEaLine(line);
    if (connection.session === undefined) {
      if (!parsed.ok || parsed.message.type !== 'hello') {
        const why = parsed.ok ? `expected hello, got ${parsed.message.type}` : parsed.problem;
        this.#deny(connection, `the first line must be a protocol v1 hello (${why})`, {});
        return;
      }
      this.#hello(connection, parsed.message);
      return;
    }
    if (!parsed.ok) {
      this.#alert('warn', 'MT5_PROTOCOL', `skipped: ${parsed.problem}`, {
        session: connection.session.id,
        line: excerpt(line),
      });
      return;
    }
    const { message } = parsed;
    if (message.type === 'hello') {
      this.#alert('warn', 'MT5_PROTOCOL', 'skipped: a second hello on the same connection', {
        session: connection.session.id,
      });
      return;
    }
    if (connection === this.#current) this.#emit({ kind: 'message', session: connection.session, message });
  }

  #hello(connection: Connection, hello: EaHello): void {
    const who = { remote: connection.remote, account: hello.account, server: hello.server };
    if (!timingSafeEqual(sha256(hello.secret), this.#secretHash)) {
      this.#deny(connection, 'wrong secret', who);
      return;
    }
    if (hello.currency !== 'USD') {
      this.#deny(
        connection,
        `account currency ${hello.currency}: the bridge books the broker's profit as USD, so it accepts USD accounts only`,
        who,
      );
      return;
    }
    connection.helloTimer?.cancel();
    const previous = this.#current;
    if (previous?.session !== undefined) {
      this.#alert('warn', 'MT5_SESSION_REPLACED', 'a new EA hello replaces the current session', {
        ...who,
        replaced: previous.session.id,
      });
      this.#drop(previous, 'replaced by a new hello');
    }
    const session: Mt5Session = {
      id: `s${++this.#sessions}`,
      account: hello.account,
      server: hello.server,
      build: hello.build,
      currency: hello.currency,
      sinceMs: this.#clock.nowMs(),
    };
    connection.session = session;
    this.#current = connection;
    connection.socket.write(encodeBridgeMessage({ type: 'welcome', session: session.id }));
    connection.heartbeat = new Heartbeat({
      clock: this.#clock,
      scheduler: this.#scheduler,
      staleTimeoutMs: this.#heartbeatTimeoutMs,
      onStale: (silentMs) => {
        this.#alert('warn', 'MT5_HEARTBEAT_TIMEOUT', `no line from the EA for ${silentMs} ms; closing`, {
          session: session.id,
        });
        this.#drop(connection, 'heartbeat timeout');
      },
    });
    connection.heartbeat.start();
    connection.beat = this.#scheduler.every(this.#heartbeatIntervalMs, () =>
      this.send({ type: 'heartbeat', time_msc: Math.max(0, Math.floor(this.#clock.nowMs())) }),
    );
    this.#alert('info', 'MT5_SESSION_UP', `EA session ${session.id} up`, { ...who, build: hello.build });
    this.#emit({ kind: 'up', session });
  }

  #deny(connection: Connection, reason: string, context: Record<string, unknown>): void {
    this.#alert('warn', 'MT5_AUTH_DENIED', `EA hello refused: ${reason}`, {
      remote: connection.remote,
      ...context,
    });
    connection.socket.write(encodeBridgeMessage({ type: 'denied', reason }));
    connection.closing = reason;
    connection.helloTimer?.cancel();
    connection.socket.end(() => connection.socket.destroy());
  }

  /** Closes `connection` now; `close` then reports the session down with `reason`. */
  #drop(connection: Connection, reason: string): void {
    connection.closing ??= reason;
    connection.socket.destroy();
    this.#onClose(connection);
  }

  #onClose(connection: Connection): void {
    if (!this.#connections.delete(connection)) return;
    connection.helloTimer?.cancel();
    connection.heartbeat?.stop();
    connection.beat?.cancel();
    const { session } = connection;
    if (session === undefined || connection !== this.#current) return;
    this.#current = undefined;
    const reason = connection.closing ?? 'the EA closed the connection';
    this.#alert('warn', 'MT5_SESSION_DOWN', `EA session ${session.id} down: ${reason}`, {
      session: session.id,
    });
    this.#emit({ kind: 'down', session, reason });
  }

  #emit(event: Mt5BridgeEvent): void {
    for (const listener of [...this.#listeners]) {
      try {
        listener(event);
      } catch (err) {
        this.#alert('critical', 'MT5_LISTENER_FAILED', `a bridge listener threw: ${String(err)}`, {
          event: event.kind,
        });
      }
    }
  }

  #alert(
    level: Alert['level'],
    code: Mt5BridgeAlertCode,
    message: string,
    context: Record<string, unknown>,
  ): void {
    this.#onAlert?.({
      tsMs: Math.max(0, Math.floor(this.#clock.nowMs())),
      level,
      code,
      message,
      source: `mt5-bridge:${this.#host}:${this.address.port}`,
      context,
    });
  }
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/** The start of a skipped line for the alert, with any `secret` value blanked. */
function excerpt(line: string): string {
  const cut = line.length > 200 ? `${line.slice(0, 200)}…` : line;
  return cut.replace(/("secret"\s*:\s*")[^"]*"?/g, '$1[redacted]"');
}
