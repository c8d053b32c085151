/**
 * Fuzz of the MEV relay's answers: `RelayClient.callBundle` and `sendBundle` read fuzzed HTTP
 * bodies (structure-aware mutations of valid eth_callBundle / eth_sendBundle answers, JSON-RPC
 * errors, arbitrary text) with fuzzed HTTP statuses, through an injected `fetch`. Property: a typed
 * MevError (with a code) or a simulation / bundle hash of the declared shape — never another throw.
 */
import { Secret } from '@omni/core';
import { BundleSigner, RelayClient } from '@omni/venue-evm';
import { ManualTimers } from '@omni/venue-evm/testing';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { BoundaryTally, jsonFrames, prototypeLeaks, seededSample, typedOrAsync } from './fuzz-support.js';

const RELAY_RUNS = 800;
const tally = new BoundaryTally('evm-relay-answers');
afterAll(() => {
  expect(prototypeLeaks()).toEqual([]);
  console.log(tally.line());
});

const HASH = `0x${'ab'.repeat(32)}`;
const ADDRESS = `0x${'cd'.repeat(20)}`;
const CALL_RESULT = {
  jsonrpc: '2.0',
  id: 1,
  result: {
    bundleHash: HASH,
    bundleGasPrice: '2000000000',
    coinbaseDiff: '500000000000000',
    ethSentToCoinbase: '0',
    gasFees: '500000000000000',
    stateBlockNumber: 100,
    totalGasUsed: 250000,
    results: [
      {
        txHash: HASH,
        fromAddress: ADDRESS,
        toAddress: ADDRESS,
        gasUsed: 250000,
        gasPrice: '0x77359400',
        gasFees: '500000000000000',
        coinbaseDiff: '500000000000000',
        ethSentToCoinbase: '0',
        value: '0x',
      },
    ],
  },
};
const VALID = [
  CALL_RESULT,
  { jsonrpc: '2.0', id: 1, result: { bundleHash: HASH } },
  { jsonrpc: '2.0', id: 1, error: { code: -32000, message: 'bundle too large' } },
  { error: 'unauthorized' },
];

const answerArb = fc.record({
  body: jsonFrames(VALID),
  status: fc.constantFrom(200, 200, 200, 400, 403, 429, 500, 502),
});

describe('fuzz: EVM relay answers', () => {
  it(`reads ${RELAY_RUNS} fuzzed relay answers as a MevError or a well-formed result`, async () => {
    const answers = seededSample(answerArb, RELAY_RUNS);
    let next = 0;
    const fetch: typeof globalThis.fetch = async (_url, init) => {
      const answer = answers[next++ % answers.length] as { body: string; status: number };
      const id = (JSON.parse(String(init?.body)) as { id: number }).id;
      const body = answer.body.replace('"id":1', `"id":${id}`);
      return new Response(body, { status: answer.status });
    };
    const client = new RelayClient({
      relayUrl: new Secret('http://127.0.0.1:9/relay'),
      signer: new BundleSigner(new Secret(`0x${'a1'.repeat(32)}`)),
      scheduler: new ManualTimers(),
      fetch,
    });
    for (let i = 0; i < answers.length; i++) {
      const result =
        i % 2 === 0
          ? await typedOrAsync(() => client.callBundle(['0xdeadbeef'], 101n, 100n, { allowReverts: true }))
          : await typedOrAsync(() => client.sendBundle(['0xdeadbeef'], 101n));
      if (!result.ok) expect(result.code).toMatch(/^MEV_/);
      else if ('results' in result.value) {
        expect(result.value.bundleHash).toMatch(/^0x[0-9a-fA-F]{64}$/);
        for (const tx of result.value.results) expect(typeof tx.gasUsed).toBe('bigint');
      } else expect(result.value.bundleHash).toMatch(/^0x[0-9a-fA-F]{64}$/);
      tally.record(result.ok ? 'accepted' : 'typed-error');
    }
  });
});
