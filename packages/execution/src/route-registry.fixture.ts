import type { RouteRegistryConfig } from './route-registry.js';

/** Tokens T, X, Y; pools of the hand-worked triangle of uniswap-v2-cycle.test.ts and a second T/X pool. */
export const exampleRegistry = (): RouteRegistryConfig => ({
  tokens: [
    { id: 'T', decimals: 0 },
    { id: 'X', decimals: 0 },
    { id: 'Y', decimals: 0 },
  ],
  pools: [
    { id: 'tx', token0: 'T', token1: 'X' },
    { id: 'xy', token0: 'X', token1: 'Y' },
    { id: 'yt', token0: 'T', token1: 'Y', address: '0x00000000000000000000000000000000000000aa' },
    { id: 'tx2', token0: 'X', token1: 'T' },
  ],
  routes: [
    {
      id: 'tx->tx2',
      kind: 'two-pool',
      pools: ['tx', 'tx2'],
      borrowToken: 'X',
      profitToken: 'T',
      profitTokenUsd: { kind: 'fixed', usd: 1 },
    },
    {
      id: 'tri',
      kind: 'cycle',
      pools: ['tx', 'xy', 'yt'],
      borrowToken: 'X',
      profitToken: 'T',
      profitTokenUsd: { kind: 'fixed', usd: 1 },
      gasLimit: 350_000,
    },
  ],
});
