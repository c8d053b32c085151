/** Test support: a scripted Ethereum JSON-RPC node over HTTP on 127.0.0.1 (tests only). */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the node does with the next request(s). */
export type ScriptedStep =
  | { readonly kind: 'error'; readonly code: number; readonly message: string; readonly data?: string }
  | { readonly kind: 'http'; readonly status: number; readonly body: string }
  | { readonly kind: 'stall' };

/**
 * A JSON-RPC node that answers `eth_chainId` with its chain id, `eth_blockNumber` with its head and
 * any other method with `null`, unless the script says otherwise: JSON-RPC errors, HTTP errors, or
 * a stall (no answer until {@link ScriptedRpcNode.close}). Single requests only (ethers with
 * `batchMaxCount: 1`). Records every method called.
 */
export class ScriptedRpcNode {
  chainId: number;
  headBlock = 100;
  readonly methods: string[] = [];
  readonly #server: Server;
  readonly #script: ScriptedStep[] = [];
  readonly #held = new Set<ServerResponse>();
  readonly #path: string;

  private constructor(server: Server, chainId: number, path: string) {
    this.#server = server;
    this.chainId = chainId;
    this.#path = path;
    server.on('request', (req, res) => {
      void this.#handle(req, res);
    });
  }

  /** Starts a node on 127.0.0.1 (port 0); `path` is served at `/path` (to put a fake API key in the URL). */
  static async start(chainId: number, path = ''): Promise<ScriptedRpcNode> {
    const server = createServer();
    const node = new ScriptedRpcNode(server, chainId, path);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return node;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}/${this.#path}`;
  }

  /** Queues steps for the next requests, in order (then back to normal answers). */
  script(...steps: ScriptedStep[]): void {
    this.#script.push(...steps);
  }

  async close(): Promise<void> {
    for (const res of this.#held) res.destroy();
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const request = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { id: unknown; method: string };
    this.methods.push(request.method);
    const step = this.#script.shift();
    if (step?.kind === 'stall') {
      this.#held.add(res);
      return;
    }
    if (step?.kind === 'http') {
      res.writeHead(step.status, { 'content-type': 'text/plain' });
      res.end(step.body);
      return;
    }
    const answer =
      step?.kind === 'error'
        ? {
            error: {
              code: step.code,
              message: step.message,
              ...(step.data === undefined ? {} : { data: step.data }),
            },
          }
        : { result: this.#result(request.method) };
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ jsonrpc: '2.0', id: request.id, ...answer }));
  }

  #result(method: string): unknown {
    if (method === 'eth_chainId') return `0x${this.chainId.toString(16)}`;
    if (method === 'eth_blockNumber') return `0x${this.headBlock.toString(16)}`;
    return null;
  }
}
