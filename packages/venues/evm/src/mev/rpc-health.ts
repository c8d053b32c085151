import { scrubSecrets } from '@omni/core';
import type { BrokerHealthListener, BrokerHealthReport } from '@omni/execution';
import { EvmError } from '../evm-error.js';
import { MevError } from './mev-error.js';
import { processTimers, type TimerScheduler } from './timer-scheduler.js';

/** A JSON-RPC node connection: an ethers `JsonRpcProvider` (`send`) or an EIP-1193 provider (`request`). */
export type RpcTransport =
  | { send(method: string, params: unknown[]): Promise<unknown> }
  | { request(args: { method: string; params?: unknown[] }): Promise<unknown> };

/** Options of an {@link RpcHealth}. */
export interface RpcHealthOptions {
  readonly rpc: RpcTransport;
  /** The chain id of the settings; a node answering another one makes the venue unhealthy at once. */
  readonly expectedChainId: number;
  /** Venue name in the reports. Default `uniswap-v2`. */
  readonly venue?: string;
  /** Time each call may take. Default 10 000 ms. */
  readonly timeoutMs?: number;
  /** Failures (errors or timeouts) in a row that make the venue unhealthy. Default 3. */
  readonly maxConsecutiveFailures?: number;
  /** Where timeouts are armed. Default the process timers. */
  readonly scheduler?: TimerScheduler;
}

/**
 * ethers error codes that are the node's answer about the request itself (a revert, a low nonce,
 * too little balance...): the node is alive, so they do not count against its health.
 */
const ANSWERED_CODES: ReadonlySet<string> = new Set([
  'CALL_EXCEPTION',
  'INSUFFICIENT_FUNDS',
  'NONCE_EXPIRED',
  'REPLACEMENT_UNDERPRICED',
  'TRANSACTION_REPLACED',
  'INVALID_ARGUMENT',
  'ACTION_REJECTED',
]);

/**
 * Watches the chain node for the arbitrage engine: every call through {@link RpcHealth.call} has
 * a timeout; `maxConsecutiveFailures` errors or timeouts in a row, or a node on another chain id
 * ({@link RpcHealth.checkChainId}), turn the venue unhealthy, and listeners hear a
 * {@link BrokerHealthReport} of market `arbitrage` on each change. The engine wires it to
 * `SafetyManager.noteBrokerHealth`: arbitrage stops with a journaled alert while binary and spot
 * carry on (runbook 5.2). A later success clears a failure streak; only a matching chain id clears
 * a chain id mismatch. Reasons never hold the RPC URL.
 *
 * @example
 * const health = new RpcHealth({ rpc: provider, expectedChainId: 1 });
 * health.onChange((report) => safety.noteBrokerHealth(report.market, report.ok));
 * const head = await health.call('eth_blockNumber', () => provider.getBlockNumber());
 */
export class RpcHealth {
  readonly venue: string;
  readonly #rpc: RpcTransport;
  readonly #expectedChainId: number;
  readonly #timeoutMs: number;
  readonly #maxFailures: number;
  readonly #scheduler: TimerScheduler;
  readonly #listeners = new Set<BrokerHealthListener>();
  #failures = 0;
  #chainMismatch: string | undefined;
  #lastFailure = '';
  #report: BrokerHealthReport;

  constructor(options: RpcHealthOptions) {
    const timeoutMs = options.timeoutMs ?? 10_000;
    const maxFailures = options.maxConsecutiveFailures ?? 3;
    if (!Number.isFinite(timeoutMs) || timeoutMs <= 0 || !Number.isInteger(maxFailures) || maxFailures < 1) {
      throw new EvmError('EVM_BAD_OPTION', 'RpcHealth needs timeoutMs > 0 and maxConsecutiveFailures >= 1', {
        timeoutMs,
        maxConsecutiveFailures: maxFailures,
      });
    }
    if (!Number.isSafeInteger(options.expectedChainId) || options.expectedChainId <= 0) {
      throw new EvmError('EVM_BAD_OPTION', 'the expected chain id must be a positive integer', {
        expectedChainId: options.expectedChainId,
      });
    }
    this.venue = options.venue ?? 'uniswap-v2';
    this.#rpc = options.rpc;
    this.#expectedChainId = options.expectedChainId;
    this.#timeoutMs = timeoutMs;
    this.#maxFailures = maxFailures;
    this.#scheduler = options.scheduler ?? processTimers;
    this.#report = { market: 'arbitrage', venue: this.venue, ok: true };
  }

  /** The current state (healthy until shown otherwise). */
  get report(): BrokerHealthReport {
    return this.#report;
  }

  /** Failures in a row since the last success. */
  get consecutiveFailures(): number {
    return this.#failures;
  }

  /** Calls `listener` on every change of health; returns the unsubscribe function. */
  onChange(listener: BrokerHealthListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** A raw JSON-RPC call through the watched transport (timeout and health accounting included). */
  send(method: string, params: unknown[] = []): Promise<unknown> {
    return this.#run(method, () => this.#transport(method, params), undefined);
  }

  /**
   * Runs `run` with the timeout and notes its outcome. Its result is returned as is.
   *
   * @param method names the call in reasons and errors (e.g. `eth_blockNumber`).
   * @throws EvmError `EVM_RPC_TIMEOUT`; MevError `MEV_RPC_ERROR` for a failed call (the node's
   *   error code and message kept, the URL never); errors that are the node's answer about the
   *   request (a revert...) are rethrown unchanged and do not count as failures.
   */
  call<T>(method: string, run: () => Promise<T>): Promise<T> {
    return this.#run(method, run, undefined);
  }

  /**
   * Asks the node for its chain id and compares it with the expected one. A match clears an
   * earlier mismatch.
   *
   * @returns the node's chain id.
   * @throws EvmError `EVM_CHAIN_ID_MISMATCH` (and the venue turns unhealthy at once), or the errors of {@link call}.
   */
  async checkChainId(): Promise<number> {
    const answer = await this.#run(
      'eth_chainId',
      () => this.#transport('eth_chainId', []),
      (value) => this.#judgeChainId(value),
    );
    return parseChainId(answer) ?? this.#expectedChainId;
  }

  #transport(method: string, params: unknown[]): Promise<unknown> {
    const rpc = this.#rpc;
    return 'send' in rpc ? rpc.send(method, params) : rpc.request({ method, params });
  }

  #judgeChainId(answer: unknown): EvmError | undefined {
    const actual = parseChainId(answer);
    if (actual === this.#expectedChainId) {
      this.#chainMismatch = undefined;
      return undefined;
    }
    const reason = `chain id mismatch: the node is chain ${actual ?? 'unknown'}, expected ${this.#expectedChainId}`;
    this.#chainMismatch = reason;
    return new EvmError('EVM_CHAIN_ID_MISMATCH', `${reason}; check DEX_RPC and the chain id`, {
      expected: this.#expectedChainId,
      actual: actual ?? String(answer).slice(0, 40),
    });
  }

  #run<T>(
    method: string,
    run: () => Promise<T>,
    judge: ((value: T) => EvmError | undefined) | undefined,
  ): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      let settled = false;
      const timer = this.#scheduler.after(this.#timeoutMs, () => {
        if (settled) return;
        settled = true;
        this.#noteFailure(`${method} timed out after ${this.#timeoutMs} ms`);
        reject(
          new EvmError(
            'EVM_RPC_TIMEOUT',
            `${method} did not answer within ${this.#timeoutMs} ms; check DEX_RPC`,
            {
              method,
              timeoutMs: this.#timeoutMs,
            },
          ),
        );
      });
      let pending: Promise<T>;
      try {
        pending = run();
      } catch (err) {
        pending = Promise.reject(err);
      }
      pending.then(
        (value) => {
          if (settled) return;
          settled = true;
          timer.cancel();
          const refusal = judge?.(value);
          this.#noteSuccess();
          if (refusal === undefined) resolve(value);
          else reject(refusal);
        },
        (err: unknown) => {
          if (settled) return;
          settled = true;
          timer.cancel();
          reject(this.#failed(method, err));
        },
      );
    });
  }

  #failed(method: string, err: unknown): unknown {
    const code = errorCodeOf(err);
    if (code !== undefined && ANSWERED_CODES.has(code)) {
      this.#noteSuccess();
      return err;
    }
    const rpcMessage = rpcMessageOf(err);
    const detail = rpcMessage === undefined ? (code ?? 'failed') : `${code ?? 'error'}: ${rpcMessage}`;
    this.#noteFailure(`${method} failed (${detail})`);
    // The cause is not chained: ethers' messages quote the request URL, which may carry an API key.
    return new MevError('MEV_RPC_ERROR', `${method} failed at the chain node (${detail})`, {
      method,
      rpcCode: code,
      rpcMessage,
    });
  }

  /** The node answered: the failure streak ends; health follows the chain id check. */
  #noteSuccess(): void {
    this.#failures = 0;
    if (this.#chainMismatch !== undefined) this.#update(false, this.#chainMismatch);
    else this.#update(true, 'the chain node answers again on the expected chain');
  }

  #noteFailure(what: string): void {
    this.#failures++;
    this.#lastFailure = scrubSecrets(what);
    if (this.#failures >= this.#maxFailures) {
      const streak = `${this.#failures} RPC failures in a row; last: ${this.#lastFailure}`;
      this.#update(false, this.#chainMismatch === undefined ? streak : `${this.#chainMismatch}; ${streak}`);
    }
  }

  /** Emits only on a change of `ok`; while unhealthy the reason is kept current. */
  #update(ok: boolean, reason: string): void {
    if (this.#report.ok === ok) {
      if (!ok) this.#report = { ...this.#report, reason };
      return;
    }
    this.#report = { market: 'arbitrage', venue: this.venue, ok, reason };
    for (const listener of this.#listeners) listener(this.#report);
  }
}

function parseChainId(answer: unknown): number | undefined {
  if (typeof answer === 'number') return Number.isSafeInteger(answer) ? answer : undefined;
  if (typeof answer !== 'string' || !/^0x[0-9a-fA-F]{1,13}$/.test(answer)) return undefined;
  return Number.parseInt(answer, 16);
}

function errorCodeOf(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null | undefined)?.code;
  return typeof code === 'string' && /^[A-Z_]+$/.test(code) ? code : undefined;
}

/** The node's JSON-RPC error message (ethers keeps it in `error.error.message`), scrubbed and short. */
function rpcMessageOf(err: unknown): string | undefined {
  const inner = (err as { error?: { message?: unknown } } | null | undefined)?.error;
  const message = inner?.message;
  return typeof message === 'string' ? scrubSecrets(message).slice(0, 160) : undefined;
}
