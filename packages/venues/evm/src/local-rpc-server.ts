import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the server forwards to: an EIP-1193 `request` (LocalChain's in-process Hardhat node). */
export interface JsonRpcBackend {
  send(method: string, params: readonly unknown[]): Promise<unknown>;
}

const MAX_BODY_BYTES = 5_000_000;

/**
 * A JSON-RPC 2.0 server over HTTP on 127.0.0.1 in front of a {@link JsonRpcBackend}: single
 * requests and batches, errors passed through with their code, message and data (revert data
 * included, so ethers decodes reverts as from a real node). With it the real `JsonRpcProvider(DEX_RPC)`
 * path — batching, timeouts, connection errors — runs against a local chain. {@link stop} closes the
 * port (a node that is down: connections refused); {@link resume} listens on the same port again.
 *
 * @example
 * const server = await chain.serve();
 * const provider = new JsonRpcProvider(server.url, chain.chainId, { staticNetwork: true });
 */
export class LocalRpcServer {
  /** Requests answered (a batch counts once); for tests that check batching. */
  posts = 0;
  readonly #backend: JsonRpcBackend;
  #server: Server;
  #port = 0;

  private constructor(backend: JsonRpcBackend) {
    this.#backend = backend;
    this.#server = this.#create();
  }

  /** Starts a server on 127.0.0.1 on a free port. */
  static async start(backend: JsonRpcBackend): Promise<LocalRpcServer> {
    const server = new LocalRpcServer(backend);
    await server.#listen(0);
    return server;
  }

  /** `http://127.0.0.1:<port>/`. */
  get url(): string {
    return `http://127.0.0.1:${this.#port}/`;
  }

  /** Closes the port and drops open connections: the node is down. Idempotent. */
  async stop(): Promise<void> {
    if (!this.#server.listening) return;
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  /** Listens again on the same port after {@link stop}. */
  async resume(): Promise<void> {
    if (this.#server.listening) return;
    this.#server = this.#create();
    await this.#listen(this.#port);
  }

  #create(): Server {
    return createServer((req, res) => {
      void this.#handle(req, res);
    });
  }

  async #listen(port: number): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(port, '127.0.0.1', () => {
        this.#server.off('error', reject);
        resolve();
      });
    });
    this.#port = (this.#server.address() as AddressInfo).port;
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > MAX_BODY_BYTES) {
        res.writeHead(413).end();
        return;
      }
      chunks.push(chunk as Buffer);
    }
    let body: unknown;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      reply(res, { jsonrpc: '2.0', id: null, error: { code: -32700, message: 'parse error' } });
      return;
    }
    this.posts++;
    const answer = Array.isArray(body)
      ? await Promise.all(body.map((one) => this.#one(one)))
      : await this.#one(body);
    reply(res, answer);
  }

  async #one(request: unknown): Promise<unknown> {
    const r = request as { id?: unknown; method?: unknown; params?: unknown } | null;
    const id = r?.id ?? null;
    if (typeof r?.method !== 'string') {
      return { jsonrpc: '2.0', id, error: { code: -32600, message: 'invalid request' } };
    }
    try {
      const result = await this.#backend.send(r.method, Array.isArray(r.params) ? r.params : []);
      return { jsonrpc: '2.0', id, result: result ?? null };
    } catch (err) {
      const e = err as { code?: unknown; message?: unknown; data?: unknown };
      const code = typeof e.code === 'number' ? e.code : -32603;
      const message = typeof e.message === 'string' ? e.message : 'internal error';
      return {
        jsonrpc: '2.0',
        id,
        error: { code, message, ...(e.data === undefined ? {} : { data: e.data }) },
      };
    }
  }
}

function reply(res: ServerResponse, json: unknown): void {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(
    JSON.stringify(json, (_key, value: unknown) =>
      typeof value === 'bigint' ? `0x${value.toString(16)}` : value,
    ),
  );
}
