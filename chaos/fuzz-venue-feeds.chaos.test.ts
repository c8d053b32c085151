/**
 * Fuzz of the venue message boundaries that become ticks: Binance combined-stream messages and
 * Deriv tick frames, sent over a WebSocket on 127.0.0.1 to the real feeds (their frame parsers,
 * the Deriv zod protocol, the MarketNormalizer). Property: each frame becomes an alert or a tick
 * with finite numbers; under policy `reject` the feed ends with a typed FeedError; nothing throws.
 */
import { type Alert, ManualClock, Secret } from '@omni/core';
import { BinanceFeed } from '@omni/venue-binance';
import { JsonWsTickFeed } from '@omni/venue-binary-ws';
import { DerivFeed } from '@omni/venue-deriv';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACME } from '../packages/venues/binary-ws/src/test-support.fixture.js';
import {
  BoundaryTally,
  jsonFrames,
  nonFiniteTickField,
  prototypeLeaks,
  seededSample,
} from './fuzz-support.js';
import { FuzzWsServer, type WsFrame, type WsFuzzResult } from './fuzz-ws.js';

/** Frames sent over one connection under `skip-and-alert`. */
const STREAM_RUNS = 3_000;
/** Connections under `reject`, one fuzzed frame each. */
const REJECT_RUNS = 150;

const binanceTally = new BoundaryTally('binance-messages');
const derivTally = new BoundaryTally('deriv-messages');
const quoteTally = new BoundaryTally('binary-ws-quotes');
const server = new FuzzWsServer();
let url = '';

beforeAll(async () => {
  url = await server.url();
});
afterAll(async () => {
  expect(prototypeLeaks()).toEqual([]);
  await server.close();
  console.log(binanceTally.line());
  console.log(derivTally.line());
  console.log(quoteTally.line());
});

const T0 = 1_700_000_000_000;

const BINANCE_VALID = [
  {
    stream: 'btcusdt@trade',
    data: { e: 'trade', E: T0 + 1, s: 'BTCUSDT', t: 1, p: '42000.10', q: '0.0150', T: T0, m: true, M: true },
  },
  {
    stream: 'btcusdt@bookTicker',
    data: { u: 400900217, s: 'BTCUSDT', b: '42000.00', B: '1', a: '42000.20', A: '2' },
  },
  { result: null, id: 1 },
];
const binanceSentinel = JSON.stringify({
  stream: 'zzzusdt@trade',
  data: { e: 'trade', s: 'ZZZUSDT', p: '1.5', q: '1', T: 4_000_000_000_000 },
});

const DERIV_TICK = {
  echo_req: { ticks: 'R_100', subscribe: 1, req_id: 1 },
  msg_type: 'tick',
  req_id: 1,
  subscription: { id: 'a1b2' },
  tick: {
    symbol: 'R_100',
    epoch: 1_700_000_000,
    quote: 1234.56,
    bid: 1234.5,
    ask: 1234.6,
    pip_size: 2,
    id: 'a1b2',
  },
};
const DERIV_VALID = [
  DERIV_TICK,
  { echo_req: { ping: 1 }, msg_type: 'ping', ping: 'pong', req_id: 2 },
  {
    echo_req: { ticks: 'XYZ' },
    msg_type: 'tick',
    error: { code: 'InvalidSymbol', message: 'Symbol XYZ is invalid.' },
  },
];
const derivSentinel = JSON.stringify({
  ...DERIV_TICK,
  tick: { symbol: 'ZZ_SENTINEL', epoch: 4_000_000_000, quote: 1, pip_size: 2 },
});

/** Text frames from the valid messages, plus a few binary frames of arbitrary bytes. */
function frames(valid: readonly unknown[]): fc.Arbitrary<WsFrame> {
  return fc.oneof(
    { weight: 20, arbitrary: jsonFrames(valid) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 64 }) },
  );
}

/**
 * Moves the valid timestamps (`stamps`, as written in the frames) of frame i forward by i × `step`,
 * so the frames that survive fuzzing are not all duplicates of one instant and reach the consumer.
 */
function spreadTime(sent: readonly WsFrame[], stamps: readonly number[], step: number): WsFrame[] {
  return sent.map((f, i) =>
    typeof f === 'string' ? stamps.reduce((t, s) => t.replaceAll(String(s), String(s + i * step)), f) : f,
  );
}

/** Counts one stream: every frame is an alert, a tick or (an acknowledgement) nothing; ticks are finite. */
function check(tally: BoundaryTally, cases: number, result: WsFuzzResult): void {
  for (const t of result.ticks) expect(nonFiniteTickField(t)).toBeUndefined();
  for (const a of result.alerts) expect(a.code).toMatch(/^FEED_[A-Z_]+$/);
  tally.add('alert', result.alerts.length);
  tally.add('accepted', result.ticks.length);
  tally.add('ignored', cases - result.alerts.length - result.ticks.length);
}

/** Counts one frame sent under `reject`: the typed error that ended the feed, its tick, or nothing. */
function checkOne(tally: BoundaryTally, result: WsFuzzResult): void {
  for (const t of result.ticks) expect(nonFiniteTickField(t)).toBeUndefined();
  expect(result.ticks.length).toBeLessThanOrEqual(1);
  if (result.error !== undefined) expect(result.error).toMatch(/^FEED_[A-Z_]+$/);
  tally.record(
    result.error !== undefined ? 'typed-error' : result.ticks.length === 1 ? 'accepted' : 'ignored',
  );
}

function binanceFeed(policy: 'skip-and-alert' | 'reject', alerts: Alert[]): BinanceFeed {
  return new BinanceFeed({
    baseUrl: url,
    streams: ['btcusdt@trade', 'btcusdt@bookTicker'],
    clock: new ManualClock(T0 + 5),
    policy,
    maxReconnects: 0,
    onAlert: (a) => alerts.push(a),
  });
}

function derivFeed(policy: 'skip-and-alert' | 'reject', alerts: Alert[]): DerivFeed {
  return new DerivFeed({
    wsUrl: url,
    appId: '1089',
    symbols: ['R_100'],
    clock: new ManualClock(T0 + 5),
    policy,
    maxReconnects: 0,
    onAlert: (a) => alerts.push(a),
  });
}

describe('fuzz: Binance messages', () => {
  it(`turns ${STREAM_RUNS} fuzzed frames on one connection into alerts or finite ticks`, async () => {
    const sent = spreadTime(seededSample(frames(BINANCE_VALID), STREAM_RUNS), [T0 + 1, T0], 1000);
    const alerts: Alert[] = [];
    const result = await server.drive(
      binanceFeed('skip-and-alert', alerts),
      alerts,
      sent,
      binanceSentinel,
      'ZZZUSDT',
    );
    expect(result.error).toBeUndefined();
    check(binanceTally, sent.length, result);
    expect(result.alerts.length).toBeGreaterThan(sent.length / 2);
  });

  it(`ends the feed with a typed error or a finite tick for ${REJECT_RUNS} frames under reject`, async () => {
    const sent = seededSample(frames(BINANCE_VALID), REJECT_RUNS, 0x0f18);
    for (const frame of sent) {
      const alerts: Alert[] = [];
      const result = await server.drive(
        binanceFeed('reject', alerts),
        alerts,
        [frame],
        binanceSentinel,
        'ZZZUSDT',
      );
      checkOne(binanceTally, result);
    }
  });
});

describe('fuzz: Deriv messages', () => {
  it(`turns ${STREAM_RUNS} fuzzed frames on one connection into alerts or finite ticks`, async () => {
    const sent = spreadTime(seededSample(frames(DERIV_VALID), STREAM_RUNS), [1_700_000_000], 1);
    const alerts: Alert[] = [];
    const result = await server.drive(
      derivFeed('skip-and-alert', alerts),
      alerts,
      sent,
      derivSentinel,
      'ZZ_SENTINEL',
    );
    expect(result.error).toBeUndefined();
    check(derivTally, sent.length, result);
    expect(result.alerts.length).toBeGreaterThan(sent.length / 2);
  });

  it(`ends the feed with a typed error or a finite tick for ${REJECT_RUNS} frames under reject`, async () => {
    const sent = seededSample(frames(DERIV_VALID), REJECT_RUNS, 0x0f18);
    for (const frame of sent) {
      const alerts: Alert[] = [];
      const result = await server.drive(
        derivFeed('reject', alerts),
        alerts,
        [frame],
        derivSentinel,
        'ZZ_SENTINEL',
      );
      checkOne(derivTally, result);
    }
  });

  it('refuses an oversized frame with an alert and delivers no tick from it', async () => {
    const alerts: Alert[] = [];
    const big = JSON.stringify({ ...DERIV_TICK, garbage: 'x'.repeat(70_000) });
    const feed = new DerivFeed({
      wsUrl: url,
      appId: '1089',
      symbols: ['R_100'],
      clock: new ManualClock(T0),
      maxFrameBytes: 65_536,
      maxReconnects: 0,
      onAlert: (a) => alerts.push(a),
    });
    const result = await server.drive(feed, alerts, [big], derivSentinel, 'ZZ_SENTINEL');
    expect(result.ticks).toEqual([]);
    expect(result.alerts.some((a) => a.code === 'FEED_PROTOCOL' && /maxFrameBytes/.test(a.message))).toBe(
      true,
    );
    derivTally.add('alert', 1);
  });
});

const ACME_QUOTES = [
  { type: 'quote', asset: 'EURUSD', price: 1.0842, t: T0 + 123 },
  { rid: 2, type: 'quotes', ok: true },
  { rid: 3, type: 'error', error: { code: 'MARKET_CLOSED', text: 'EURUSD is closed' } },
];
const acmeSentinel = JSON.stringify({ type: 'quote', asset: 'ZZZSENT', price: 1, t: 4_000_000_000_000 });

function acmeFeed(alerts: Alert[]): JsonWsTickFeed {
  return new JsonWsTickFeed({
    protocol: ACME,
    url: new Secret(url),
    symbols: ['EURUSD'],
    clock: new ManualClock(T0),
    maxReconnects: 0,
    onAlert: (a) => alerts.push(a),
  });
}

describe('fuzz: binary-ws (configured) quotes', () => {
  it(`turns ${STREAM_RUNS} fuzzed frames on one connection into alerts or finite ticks`, async () => {
    const sent = spreadTime(seededSample(frames(ACME_QUOTES), STREAM_RUNS), [T0 + 123], 1000);
    const alerts: Alert[] = [];
    const result = await server.drive(acmeFeed(alerts), alerts, sent, acmeSentinel, 'ZZZSENT');
    expect(result.error).toBeUndefined();
    check(quoteTally, sent.length, result);
    expect(result.alerts.length).toBeGreaterThan(sent.length / 2);
  });
});
