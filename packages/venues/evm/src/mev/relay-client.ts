import type { OmniConfig, Secret } from '@omni/core';
import { type BundleSigner, FLASHBOTS_SIGNATURE_HEADER } from './bundle-signer.js';
import { MevError } from './mev-error.js';
import { relayAnswerError } from './relay-answer.js';
import {
  type CallBundleRequest,
  CallBundleResultSchema,
  callBundleParams,
  HEX_BYTES_RE,
  RelayAnswerSchema,
  type SendBundleRequest,
  SendBundleResultSchema,
  sendBundleParams,
} from './relay-protocol.js';
import { type BundleSimulation, firstRevert, toBundleSimulation } from './relay-simulation.js';
import { processTimers, type TimerScheduler } from './timer-scheduler.js';

/** The most transactions one bundle may hold (Flashbots' documented limit). */
export const MAX_BUNDLE_TXS = 100;
/** Default time the client waits for the relay's answer. */
export const DEFAULT_RELAY_TIMEOUT_MS = 5_000;
/** How many `decisionId@block` sends the duplicate guard remembers. */
const SENT_MEMORY = 4_096;

/** Options of a {@link RelayClient}. */
export interface RelayClientOptions {
  /** The relay endpoint (`MEV_RELAY_URL`); a Secret because relay URLs may carry an auth key. */
  readonly relayUrl: Secret;
  /** Signs each body with the relay identity key (never the trading key). */
  readonly signer: BundleSigner;
  /** Time to wait for each answer. Default {@link DEFAULT_RELAY_TIMEOUT_MS}. */
  readonly timeoutMs?: number;
  /** Where timeouts are armed. Default the process timers. */
  readonly scheduler?: TimerScheduler;
  /** The HTTP client. Default Node's global `fetch`. */
  readonly fetch?: typeof globalThis.fetch;
}

/** Options of {@link RelayClient.callBundle}. */
export interface CallBundleOptions {
  /** Block timestamp for the simulation, seconds since the epoch. */
  readonly timestamp?: number;
  /** Return a simulation with reverted txs instead of throwing `MEV_SIMULATION_REVERTED`. */
  readonly allowReverts?: boolean;
  /** Aborts the request (reported as `MEV_RELAY_TIMEOUT` with `cancelled: true`). */
  readonly signal?: AbortSignal;
}

/** Options of {@link RelayClient.sendBundle}. */
export interface SendBundleOptions
  extends Pick<SendBundleRequest, 'minTimestamp' | 'maxTimestamp' | 'revertingTxHashes' | 'replacementUuid'> {
  /** The decision this bundle executes: a second send for the same decision and block is refused. */
  readonly decisionId?: string;
  /** The caller's explicit ask to send the same decision's bundle for the same block again. */
  readonly resend?: boolean;
  readonly signal?: AbortSignal;
}

/** What the relay answered to a send: the bundle's hash (inclusion is read from the chain). */
export interface SentBundle {
  readonly bundleHash: string;
  readonly targetBlock: bigint;
}

type RelayMethod = 'eth_callBundle' | 'eth_sendBundle';

/**
 * A Flashbots-style relay over HTTP: `eth_callBundle` to simulate a bundle of signed raw
 * transactions at the top of a block, then `eth_sendBundle` to submit it for one target block.
 * Every body is signed (`X-Flashbots-Signature`) by a {@link BundleSigner}; every request has a
 * timeout; relay errors become {@link MevError}s. Nothing is retried: a send that timed out may
 * have reached the relay (`context.unanswered`), and only the caller may decide to send again.
 *
 * @example
 * const relay = new RelayClient({ relayUrl: config.credentials.mevRelayUrl, signer });
 * const simulation = await relay.callBundle([rawTx], head + 1n, head);
 * const { bundleHash } = await relay.sendBundle([rawTx], head + 1n, { decisionId });
 */
export class RelayClient {
  readonly #url: Secret;
  readonly #signer: BundleSigner;
  readonly #timeoutMs: number;
  readonly #scheduler: TimerScheduler;
  readonly #fetch: typeof globalThis.fetch;
  readonly #sent = new Set<string>();
  #nextId = 1;

  constructor(options: RelayClientOptions) {
    if (!options.relayUrl.isSet) {
      throw new MevError('MEV_BAD_OPTION', 'the relay URL is empty; set MEV_RELAY_URL', {
        option: 'relayUrl',
      });
    }
    const timeoutMs = options.timeoutMs ?? DEFAULT_RELAY_TIMEOUT_MS;
    if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
      throw new MevError('MEV_BAD_OPTION', 'the relay timeout must be a positive number of ms', {
        timeoutMs,
      });
    }
    this.#url = options.relayUrl;
    this.#signer = options.signer;
    this.#timeoutMs = timeoutMs;
    this.#scheduler = options.scheduler ?? processTimers;
    this.#fetch = options.fetch ?? globalThis.fetch;
  }

  /**
   * A client for `config.credentials.mevRelayUrl` (`MEV_RELAY_URL`).
   * @throws MevError `MEV_BAD_OPTION` when no relay URL is configured.
   */
  static fromConfig(
    config: Pick<OmniConfig, 'credentials'>,
    signer: BundleSigner,
    options: Omit<RelayClientOptions, 'relayUrl' | 'signer'> = {},
  ): RelayClient {
    const relayUrl = config.credentials.mevRelayUrl;
    if (relayUrl === undefined) {
      throw new MevError('MEV_BAD_OPTION', 'no MEV relay is configured; set MEV_RELAY_URL', {
        option: 'credentials.mevRelayUrl',
      });
    }
    return new RelayClient({ ...options, relayUrl, signer });
  }

  /** The relay identity the requests are signed with (public). */
  get signerAddress(): string {
    return this.#signer.address;
  }

  /**
   * Simulates `signedTxs` at the top of `blockNumber` on the state of `stateBlock` (eth_callBundle).
   *
   * @returns per-tx results, gas used, coinbase diff and revert reasons.
   * @throws MevError `MEV_SIMULATION_REVERTED` when a tx reverted (unless `allowReverts`), and the
   *   relay errors of {@link RelayClient}.
   */
  async callBundle(
    signedTxs: readonly string[],
    blockNumber: bigint,
    stateBlock: bigint | 'latest',
    options: CallBundleOptions = {},
  ): Promise<BundleSimulation> {
    checkBundle(signedTxs, blockNumber, 'blockNumber');
    if (stateBlock !== 'latest') checkBlock(stateBlock, 'stateBlock');
    const request: CallBundleRequest = {
      txs: signedTxs,
      blockNumber,
      stateBlockNumber: stateBlock,
      ...(options.timestamp === undefined ? {} : { timestamp: options.timestamp }),
    };
    const result = await this.#post('eth_callBundle', callBundleParams(request), options.signal);
    const parsed = CallBundleResultSchema.safeParse(result);
    if (!parsed.success) throw protocolError('eth_callBundle', 'the simulation result has the wrong shape');
    const simulation = toBundleSimulation(parsed.data);
    const revert = firstRevert(simulation);
    if (revert !== undefined && options.allowReverts !== true) {
      throw new MevError(
        'MEV_SIMULATION_REVERTED',
        `tx ${revert.index} of the bundle reverted in simulation`,
        {
          txIndex: revert.index,
          txHash: revert.tx.txHash,
          error: revert.tx.error,
          revertReason: revert.tx.revertReason,
          bundleHash: simulation.bundleHash,
          gasUsed: revert.tx.gasUsed,
        },
      );
    }
    return simulation;
  }

  /**
   * Submits `signedTxs` for inclusion in `targetBlock` only (eth_sendBundle). Sent once: never
   * retried here; with a `decisionId`, a second send for the same block needs `resend: true`.
   *
   * @returns the relay's bundle hash.
   * @throws MevError `MEV_DUPLICATE_SEND` (nothing sent), `MEV_RELAY_TIMEOUT` with
   *   `unanswered: true` (it may have arrived), and the relay errors of {@link RelayClient}.
   */
  async sendBundle(
    signedTxs: readonly string[],
    targetBlock: bigint,
    options: SendBundleOptions = {},
  ): Promise<SentBundle> {
    checkBundle(signedTxs, targetBlock, 'targetBlock');
    const { decisionId, resend, signal, ...fields } = options;
    if (decisionId !== undefined) this.#guardSend(decisionId, targetBlock, resend === true);
    const params = sendBundleParams({ txs: signedTxs, blockNumber: targetBlock, ...fields });
    const result = await this.#post('eth_sendBundle', params, signal);
    const parsed = SendBundleResultSchema.safeParse(result);
    if (!parsed.success) throw protocolError('eth_sendBundle', 'the answer has no bundleHash');
    return { bundleHash: parsed.data.bundleHash, targetBlock };
  }

  #guardSend(decisionId: string, targetBlock: bigint, resend: boolean): void {
    const key = `${decisionId}@${targetBlock}`;
    if (this.#sent.has(key) && !resend) {
      throw new MevError(
        'MEV_DUPLICATE_SEND',
        'this decision already sent a bundle for this block; pass resend: true to send it again',
        { decisionId, targetBlock },
      );
    }
    this.#sent.delete(key);
    this.#sent.add(key);
    if (this.#sent.size > SENT_MEMORY) {
      const oldest = this.#sent.values().next().value;
      if (oldest !== undefined) this.#sent.delete(oldest);
    }
  }

  async #post(method: RelayMethod, params: Record<string, unknown>, signal?: AbortSignal): Promise<unknown> {
    const id = this.#nextId++;
    const body = JSON.stringify({ jsonrpc: '2.0', id, method, params: [params] });
    const controller = new AbortController();
    let timedOut = false;
    const timer = this.#scheduler.after(this.#timeoutMs, () => {
      timedOut = true;
      controller.abort();
    });
    const onCallerAbort = (): void => controller.abort();
    if (signal?.aborted) controller.abort();
    else signal?.addEventListener('abort', onCallerAbort, { once: true });
    let status: number;
    let text: string;
    try {
      const response = await this.#fetch(this.#url.reveal(), {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          [FLASHBOTS_SIGNATURE_HEADER]: this.#signer.sign(body),
        },
        body,
        signal: controller.signal,
      });
      status = response.status;
      text = await response.text();
    } catch (err) {
      throw this.#transportError(method, err, timedOut, signal?.aborted === true);
    } finally {
      timer.cancel();
      signal?.removeEventListener('abort', onCallerAbort);
    }
    return parseAnswer(method, id, status, text);
  }

  #transportError(method: RelayMethod, err: unknown, timedOut: boolean, cancelled: boolean): MevError {
    const unanswered = method === 'eth_sendBundle';
    if (timedOut || cancelled) {
      const why = timedOut
        ? `no answer to ${method} within ${this.#timeoutMs} ms`
        : `${method} was cancelled`;
      return new MevError(
        'MEV_RELAY_TIMEOUT',
        unanswered ? `${why} (unanswered: the bundle may have reached the relay; it is not re-sent)` : why,
        {
          method,
          timeoutMs: this.#timeoutMs,
          unanswered,
          ...(cancelled && !timedOut ? { cancelled: true } : {}),
        },
      );
    }
    // The cause is not chained: a fetch error can quote the URL, which may carry the relay's key.
    return new MevError('MEV_RELAY_UNREACHABLE', `could not reach the relay for ${method}`, {
      method,
      detail: systemCodeOf(err),
    });
  }
}

function parseAnswer(method: RelayMethod, id: number, status: number, text: string): unknown {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    if (status < 200 || status > 299) {
      throw new MevError('MEV_RELAY_REFUSED', `the relay answered ${method} with HTTP ${status}`, {
        method,
        httpStatus: status,
      });
    }
    throw protocolError(method, 'the answer is not JSON');
  }
  const answer = RelayAnswerSchema.safeParse(json);
  if (!answer.success) throw protocolError(method, 'the answer is not a JSON-RPC 2.0 response', status);
  const data = answer.data;
  if ('error' in data) throw relayAnswerError(method, status, data.error);
  if (!('result' in data) || data.result === undefined || data.id !== id) {
    throw protocolError(method, 'the answer has no result for this request id', status);
  }
  return data.result;
}

function protocolError(method: RelayMethod, what: string, httpStatus?: number): MevError {
  return new MevError('MEV_RELAY_PROTOCOL', `${what} (${method})`, { method, httpStatus });
}

function checkBundle(txs: readonly string[], block: bigint, name: string): void {
  if (txs.length === 0 || txs.length > MAX_BUNDLE_TXS) {
    throw new MevError('MEV_BAD_OPTION', `a bundle holds 1 to ${MAX_BUNDLE_TXS} signed transactions`, {
      txCount: txs.length,
    });
  }
  txs.forEach((tx, index) => {
    if (!HEX_BYTES_RE.test(tx)) {
      throw new MevError(
        'MEV_BAD_OPTION',
        'a bundle transaction is not 0x-prefixed hex bytes (a signed raw tx)',
        {
          txIndex: index,
        },
      );
    }
  });
  checkBlock(block, name);
}

function checkBlock(block: bigint, name: string): void {
  if (typeof block !== 'bigint' || block < 0n) {
    throw new MevError('MEV_BAD_OPTION', `${name} must be a non-negative bigint block number`, {
      option: name,
    });
  }
}

/** The system error code behind a failed fetch (`ECONNREFUSED`...), never its message. */
function systemCodeOf(err: unknown): string {
  const cause = err instanceof Error ? err.cause : undefined;
  const code =
    (cause as { code?: unknown } | undefined)?.code ?? (err as { code?: unknown } | undefined)?.code;
  if (typeof code === 'string' && /^[A-Z0-9_]+$/.test(code)) return code;
  return err instanceof Error ? err.name : 'unknown';
}
