/** Test support: a local Flashbots-style relay on 127.0.0.1 (tests only). */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getAddress } from 'ethers';
import { recoverBundleSigner, type SignatureCheck } from './bundle-signer.js';
import {
  type DecodedBundleTx,
  decodeBundleTxs,
  FakeCallBundleParams,
  FakeSendBundleParams,
  fakeBundleHash,
  simulateFakeBundle,
} from './fake-relay-bundle.fixture.js';

/** Options of a {@link FakeRelay}. */
export interface FakeRelayOptions {
  /** Base fee of the simulated block. Default 1 gwei. */
  readonly baseFeePerGasWei?: bigint;
  /** The block's fee recipient: txs paying it count as `ethSentToCoinbase`. Default 0x…c0ffee. */
  readonly coinbase?: string;
  /** The block `latest` means for `stateBlockNumber`. Default 100. */
  readonly headBlock?: bigint;
  /** When set, only these relay identities are served (the fake's allow-list; public relays serve any key). */
  readonly allowedSigners?: readonly string[];
  /**
   * A chain behind the relay (LocalChain): eth_callBundle then also runs each tx with `eth_call` on
   * the state block (a real EVM revert is reported as the tx's revert), and eth_sendBundle includes
   * the bundle — `eth_sendRawTransaction` of its txs, mined by automine — when its target block is
   * the chain's next one (and {@link FakeRelay.withholdBundles} is off): a builder that includes it.
   */
  readonly chain?: FakeRelayChain;
}

/** The chain a {@link FakeRelay} simulates on and includes bundles into. */
export interface FakeRelayChain {
  send(method: string, params: readonly unknown[]): Promise<unknown>;
}

/** One request the relay received, as it saw it. */
export interface FakeRelayRequest {
  readonly method: string;
  readonly id: unknown;
  /** `params[0]` as received (the exact wire values). */
  readonly params: unknown;
  readonly body: string;
  readonly signatureHeader: string | undefined;
  readonly signature: SignatureCheck;
  /** The decoded txs when the params were valid. */
  readonly txs: readonly DecodedBundleTx[];
}

/** An error the test makes the relay answer. */
export interface FakeRelayFailure {
  readonly code: number;
  readonly message: string;
  /** Default 200 (relays put JSON-RPC errors in a 200 answer). */
  readonly httpStatus?: number;
}

type Method = 'eth_callBundle' | 'eth_sendBundle';
type Checked =
  | { ok: true; txs: DecodedBundleTx[]; blockNumber: bigint; stateBlock: bigint }
  | { ok: false; reason: string };
type Reply = { status: number; json: unknown };

const MAX_BODY_BYTES = 1_000_000;

/**
 * A Flashbots-style relay on 127.0.0.1 (port 0). It checks `X-Flashbots-Signature` as a relay does
 * (the address recovered from the signature over keccak256(body) must be the claimed one; else HTTP
 * 403 with JSON-RPC error -32025 `invalid flashbots signature`, or -32600 `signature is required`
 * when absent), validates params (raw txs that parse with ethers `Transaction.from` and are signed,
 * hex block numbers, timestamps), and answers eth_callBundle with {@link simulateFakeBundle} — the
 * fake's own arithmetic, not an EVM — and eth_sendBundle with the bundle hash. Every request is
 * recorded in `received`. Scenario controls: {@link revertTx}, {@link failNext}, {@link stallNext}.
 *
 * @example
 * const relay = await FakeRelay.start();
 * const client = new RelayClient({ relayUrl: new Secret(relay.url), signer });
 */
export class FakeRelay {
  readonly received: FakeRelayRequest[] = [];
  /** Bundles accepted by eth_sendBundle, in order. */
  readonly bundles: {
    readonly bundleHash: string;
    readonly blockNumber: bigint;
    readonly txs: readonly string[];
  }[] = [];
  readonly #server: Server;
  readonly #options: Required<Omit<FakeRelayOptions, 'allowedSigners' | 'chain'>> & {
    allowedSigners?: Set<string>;
  };
  readonly #reverts = new Map<string, string>();
  readonly #failures = new Map<Method, FakeRelayFailure[]>();
  readonly #stalls = new Map<Method, number>();
  readonly #stalled = new Set<ServerResponse>();
  readonly #waiters: ((request: FakeRelayRequest) => void)[] = [];
  readonly #chain: FakeRelayChain | undefined;
  /** With a chain: accept bundles but never include them (a builder that picked others). */
  withholdBundles = false;
  /** When set, the next eth_callBundle reverts every tx with this reason (then it is cleared). */
  revertNextSimulation: string | undefined;

  private constructor(server: Server, options: FakeRelayOptions) {
    this.#server = server;
    this.#chain = options.chain;
    this.#options = {
      baseFeePerGasWei: options.baseFeePerGasWei ?? 1_000_000_000n,
      coinbase: getAddress(options.coinbase ?? '0x0000000000000000000000000000000000c0ffee'),
      headBlock: options.headBlock ?? 100n,
      ...(options.allowedSigners === undefined
        ? {}
        : { allowedSigners: new Set(options.allowedSigners.map((a) => getAddress(a))) }),
    };
    server.on('request', (req, res) => {
      void this.#handle(req, res);
    });
  }

  /** Starts a relay on 127.0.0.1 on a free port. */
  static async start(options: FakeRelayOptions = {}): Promise<FakeRelay> {
    const server = createServer();
    const relay = new FakeRelay(server, options);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return relay;
  }

  /** The relay's URL (`http://127.0.0.1:<port>/`). */
  get url(): string {
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}/`;
  }

  /** Makes the tx with this hash revert in simulations, with `reason` as its revert reason. */
  revertTx(txHash: string, reason: string): void {
    this.#reverts.set(txHash.toLowerCase(), reason);
  }

  /** Answers the next valid, correctly signed request of `method` with this error. */
  failNext(method: Method, failure: FakeRelayFailure): void {
    const queue = this.#failures.get(method) ?? [];
    queue.push(failure);
    this.#failures.set(method, queue);
  }

  /** Holds the next `count` valid requests of `method` unanswered until {@link close}. */
  stallNext(method: Method, count = 1): void {
    this.#stalls.set(method, (this.#stalls.get(method) ?? 0) + count);
  }

  /** Resolves with the next request the relay receives (after it is recorded). */
  nextRequest(): Promise<FakeRelayRequest> {
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  /** Stops the server and drops held requests. */
  async close(): Promise<void> {
    for (const res of this.#stalled) res.destroy();
    this.#stalled.clear();
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    const header = req.headers['x-flashbots-signature'];
    const signatureHeader = Array.isArray(header) ? header[0] : header;
    const signature = recoverBundleSigner(body ?? '', signatureHeader);
    const json = parseJson(body);
    const method = typeof json?.['method'] === 'string' ? json['method'] : '';
    const id = json?.['id'] ?? null;
    const params = Array.isArray(json?.['params']) ? (json['params'] as unknown[])[0] : undefined;
    const checked = this.#check(method, params);
    const request: FakeRelayRequest = {
      method,
      id,
      params,
      body: body ?? '',
      signatureHeader,
      signature,
      txs: checked.ok ? checked.txs : [],
    };
    this.received.push(request);
    for (const waiter of this.#waiters.splice(0)) waiter(request);

    const reply = await this.#reply(request, json, checked);
    if (reply === 'stall') {
      this.#stalled.add(res);
      return;
    }
    res.writeHead(reply.status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(reply.json));
  }

  async #reply(
    request: FakeRelayRequest,
    json: Record<string, unknown> | undefined,
    checked: Checked,
  ): Promise<Reply | 'stall'> {
    const { id, method, signature } = request;
    if (json === undefined) return rpcError(null, -32700, 'parse error', 400);
    if (!signature.ok) {
      return signature.reason === 'missing'
        ? rpcError(id, -32600, 'signature is required', 403)
        : rpcError(id, -32025, 'invalid flashbots signature', 403);
    }
    const allowed = this.#options.allowedSigners;
    if (allowed !== undefined && !allowed.has(signature.address)) {
      return rpcError(
        id,
        -32025,
        `invalid flashbots signature: signer ${signature.address} is not allowed`,
        403,
      );
    }
    if (json['jsonrpc'] !== '2.0') return rpcError(id, -32600, 'invalid request: jsonrpc must be "2.0"');
    if (method !== 'eth_callBundle' && method !== 'eth_sendBundle') {
      return rpcError(id, -32601, `the method ${method} does not exist/is not available`);
    }
    if (!checked.ok) return rpcError(id, -32602, `invalid params: ${checked.reason}`);
    const failure = this.#failures.get(method)?.shift();
    if (failure !== undefined) return rpcError(id, failure.code, failure.message, failure.httpStatus ?? 200);
    const stalls = this.#stalls.get(method) ?? 0;
    if (stalls > 0) {
      this.#stalls.set(method, stalls - 1);
      return 'stall';
    }
    return method === 'eth_callBundle' ? this.#callBundle(id, checked) : this.#sendBundle(id, checked);
  }

  #check(method: string, params: unknown): Checked {
    const schema = method === 'eth_sendBundle' ? FakeSendBundleParams : FakeCallBundleParams;
    const parsed = schema.safeParse(params);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return { ok: false, reason: `${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}` };
    }
    const decoded = decodeBundleTxs(parsed.data.txs);
    if (!decoded.ok) return { ok: false, reason: `txs.${decoded.index}: ${decoded.reason}` };
    const state = 'stateBlockNumber' in parsed.data ? parsed.data.stateBlockNumber : 'latest';
    return {
      ok: true,
      txs: decoded.txs,
      blockNumber: BigInt(parsed.data.blockNumber),
      stateBlock: state === 'latest' ? this.#options.headBlock : BigInt(state),
    };
  }

  async #callBundle(id: unknown, checked: { txs: DecodedBundleTx[]; stateBlock: bigint }): Promise<Reply> {
    const reverts = new Map(this.#reverts);
    const forced = this.revertNextSimulation;
    this.revertNextSimulation = undefined;
    if (forced !== undefined) for (const tx of checked.txs) reverts.set(tx.hash.toLowerCase(), forced);
    const chain = this.#chain;
    if (chain !== undefined) {
      for (const tx of checked.txs) {
        const call = { from: tx.from, to: tx.to, data: tx.data, gas: `0x${tx.gasLimit.toString(16)}` };
        try {
          await chain.send('eth_call', [call, `0x${checked.stateBlock.toString(16)}`]);
        } catch (err) {
          const data = (err as { data?: unknown }).data;
          reverts.set(tx.hash.toLowerCase(), typeof data === 'string' ? data : 'execution reverted');
        }
      }
    }
    const simulated = simulateFakeBundle(checked.txs, this.#options, reverts, checked.stateBlock);
    if (!simulated.ok) return rpcError(id, -32000, simulated.message);
    return { status: 200, json: { jsonrpc: '2.0', id, result: simulated.result } };
  }

  async #sendBundle(id: unknown, checked: { txs: DecodedBundleTx[]; blockNumber: bigint }): Promise<Reply> {
    const bundleHash = fakeBundleHash(checked.txs);
    this.bundles.push({ bundleHash, blockNumber: checked.blockNumber, txs: checked.txs.map((tx) => tx.raw) });
    const chain = this.#chain;
    if (chain !== undefined && !this.withholdBundles) {
      const head = BigInt(String(await chain.send('eth_blockNumber', [])));
      if (head + 1n === checked.blockNumber) {
        // A tx already mined (the same bundle for an earlier target) cannot be included again.
        for (const tx of checked.txs)
          await chain.send('eth_sendRawTransaction', [tx.raw]).catch(() => undefined);
      }
    }
    return { status: 200, json: { jsonrpc: '2.0', id, result: { bundleHash } } };
  }
}

function rpcError(id: unknown, code: number, message: string, status = 200): Reply {
  return { status, json: { jsonrpc: '2.0', id, error: { code, message } } };
}

function parseJson(body: string | undefined): Record<string, unknown> | undefined {
  if (body === undefined) return undefined;
  try {
    const value: unknown = JSON.parse(body);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

async function readBody(req: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
