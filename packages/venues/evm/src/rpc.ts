import type { Eip1193Provider, Provider } from 'ethers';
import { EvmError } from './evm-error.js';

/**
 * Resolves or rejects as `promise` does, or rejects with EVM_RPC_TIMEOUT after `timeoutMs`
 * (`what` names the call in the error). The timer is cleared either way.
 */
export async function withTimeout<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(
        new EvmError('EVM_RPC_TIMEOUT', `${what} did not answer within ${timeoutMs} ms; check DEX_RPC`, {
          method: what,
          timeoutMs,
        }),
      );
    }, timeoutMs);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Throws EVM_CHAIN_ID_MISMATCH unless the node's `eth_chainId` is `expected`. */
export async function assertChainId(
  provider: Eip1193Provider,
  expected: number,
  timeoutMs = 10_000,
): Promise<void> {
  const answer = await withTimeout(
    provider.request({ method: 'eth_chainId', params: [] }),
    timeoutMs,
    'eth_chainId',
  );
  const actual = Number(BigInt(String(answer)));
  if (actual !== expected) {
    throw new EvmError(
      'EVM_CHAIN_ID_MISMATCH',
      `the node is chain ${actual}, not the configured ${expected}; check DEX_RPC and the chain id`,
      { expected, actual },
    );
  }
}

/** Throws EVM_CHAIN_ID_MISMATCH unless an ethers provider's chain is `expected` (asks the node when it can). */
export async function assertChainIdOf(
  provider: Provider,
  expected: number,
  timeoutMs = 10_000,
): Promise<void> {
  const send = (provider as Provider & { send?: (method: string, params: unknown[]) => Promise<unknown> })
    .send;
  if (typeof send === 'function') {
    await assertChainId(
      { request: ({ method, params }) => send.call(provider, method, Array.isArray(params) ? params : []) },
      expected,
      timeoutMs,
    );
    return;
  }
  const network = await withTimeout(provider.getNetwork(), timeoutMs, 'eth_chainId');
  if (network.chainId !== BigInt(expected)) {
    throw new EvmError(
      'EVM_CHAIN_ID_MISMATCH',
      `the node is chain ${network.chainId}, not the configured ${expected}; check DEX_RPC and the chain id`,
      { expected, actual: Number(network.chainId) },
    );
  }
}

/**
 * The revert data (0x…) inside an ethers or node error, wherever the provider put it (`data`,
 * `error.data`, `info.error.data`, the cause chain), or undefined.
 */
export function revertDataOf(err: unknown, depth = 0): string | undefined {
  if (err === null || typeof err !== 'object' || depth > 5) return undefined;
  const e = err as { data?: unknown; error?: unknown; info?: { error?: unknown }; cause?: unknown };
  if (typeof e.data === 'string' && /^0x[0-9a-fA-F]*$/.test(e.data) && e.data.length >= 10) return e.data;
  if (e.data !== null && typeof e.data === 'object') {
    const inner = revertDataOf(e.data, depth + 1);
    if (inner !== undefined) return inner;
  }
  return (
    revertDataOf(e.error, depth + 1) ??
    revertDataOf(e.info?.error, depth + 1) ??
    revertDataOf(e.cause, depth + 1)
  );
}

/**
 * The revert data of a mined transaction from `debug_traceTransaction`, read through `read` (its
 * timeout and health accounting); undefined when the node lacks the method or answers nothing.
 */
export async function traceRevertData(
  provider: Provider,
  hash: string,
  read: <T>(promise: Promise<T>, what: string) => Promise<T>,
): Promise<string | undefined> {
  const node = provider as Provider & { send?: (m: string, p: unknown[]) => Promise<unknown> };
  if (typeof node.send !== 'function') return undefined;
  try {
    const trace = (await read(
      node.send('debug_traceTransaction', [
        hash,
        { disableStorage: true, disableMemory: true, disableStack: true },
      ]),
      'debug_traceTransaction',
    )) as { returnValue?: string } | null;
    const value = trace?.returnValue;
    if (value === undefined || value === '') return undefined;
    return value.startsWith('0x') ? value : `0x${value}`;
  } catch {
    return undefined;
  }
}
