/**
 * Fuzz of the MT5 bridge lines (the zod protocol `parseEaLine`, and the bridge + Mt5Feed over TCP on
 * 127.0.0.1) and of the binary-ws configured adapter's replies (`ReplyReader` with the ACME
 * protocol). Property: a line is skipped with an alert or becomes a message / tick whose numbers are
 * finite; a reply is read into a contract or account whose fields have their declared types, or
 * into a problem — nothing throws.
 */
import { connect } from 'node:net';
import type { Alert, Tick } from '@omni/core';
import { ReplyReader } from '@omni/venue-binary-ws';
import { Mt5Feed } from '@omni/venue-mt5';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { ACME } from '../packages/venues/binary-ws/src/test-support.fixture.js';
import {
  AuthorizeBodySchema,
  BalanceBodySchema,
  BuyBodySchema,
  DerivFrameSchema,
  OpenContractBodySchema,
  PortfolioBodySchema,
  ProfitTableBodySchema,
  ProposalBodySchema,
  readBody,
} from '../packages/venues/deriv/src/deriv-protocol.js';
import { SECRET, startBridge } from '../packages/venues/mt5/src/bridge-kit.fixture.js';
import { parseEaLine } from '../packages/venues/mt5/src/protocol.js';
import {
  allNumbersFinite,
  BoundaryTally,
  FUZZ_SEED,
  jsonFrames,
  nonFiniteTickField,
  prototypeLeaks,
  seededSample,
} from './fuzz-support.js';

const LINE_RUNS = 3_000;
const REPLY_RUNS = 5_000;

const mt5Tally = new BoundaryTally('mt5-bridge-lines');
const binaryWsTally = new BoundaryTally('binary-ws-replies');
const derivBrokerTally = new BoundaryTally('deriv-broker-answers');
afterAll(() => {
  expect(prototypeLeaks()).toEqual([]);
  console.log(mt5Tally.line());
  console.log(binaryWsTally.line());
  console.log(derivBrokerTally.line());
});

const T0 = 1_700_000_000_000;
const MT5_VALID = [
  { v: 1, type: 'tick', symbol: 'EURUSD', bid: 1.0849, ask: 1.0851, time_msc: T0 },
  {
    v: 1,
    type: 'fill',
    client_id: 'd-1',
    ticket: '1001',
    symbol: 'EURUSD',
    side: 'buy',
    volume: 0.1,
    price: 1.0851,
    commission: -0.7,
    time_msc: T0,
  },
  { v: 1, type: 'reject', client_id: 'd-2', op: 'order', retcode: 10019, message: 'no money' },
  {
    v: 1,
    type: 'closed',
    client_id: 'd-1',
    ticket: '1001',
    volume: 0.1,
    remaining: 0,
    price: 1.0861,
    profit: 10,
    commission: -0.7,
    swap: 0,
    time_msc: T0 + 1,
    reason: 'tp',
  },
  {
    v: 1,
    type: 'positions',
    req: 3,
    items: [
      {
        client_id: 'd-1',
        ticket: '1001',
        symbol: 'EURUSD',
        side: 'buy',
        volume: 0.1,
        open_price: 1.0851,
        sl: 0,
        tp: 1.09,
        profit: 1,
        time_msc: T0,
      },
    ],
  },
  { v: 1, type: 'heartbeat', time_msc: T0 },
  { v: 1, type: 'pong', id: 4 },
  { v: 1, type: 'hello', account: 42, server: 'Demo', build: 4000, currency: 'USD', secret: 'x' },
];

/** One line: no line break inside (the bridge splits on them), as the EA would send it. */
const mt5Line = jsonFrames(MT5_VALID).map((t) => t.replace(/[\r\n]/g, ' '));

describe('fuzz: MT5 bridge lines', () => {
  it(`parses ${LINE_RUNS} fuzzed lines into a problem or a message with finite numbers`, () => {
    fc.assert(
      fc.property(mt5Line, (line) => {
        const parsed = parseEaLine(line);
        if (parsed.ok) expect(allNumbersFinite(parsed.message)).toBe(true);
        else expect(parsed.problem.length).toBeGreaterThan(0);
        mt5Tally.record(parsed.ok ? 'accepted' : 'alert');
      }),
      { seed: FUZZ_SEED, numRuns: LINE_RUNS },
    );
  });

  it(`turns ${LINE_RUNS} fuzzed lines of an EA session into MT5_PROTOCOL alerts or finite ticks`, async () => {
    const { bridge, scheduler, alerts: bridgeAlerts } = await startBridge();
    const feedAlerts: Alert[] = [];
    const feed = new Mt5Feed({
      bridge,
      symbols: ['EURUSD'],
      clock: scheduler,
      scheduler,
      onAlert: (a) => feedAlerts.push(a),
    });
    // Valid times moved forward per line, so the ticks that survive fuzzing are not duplicates of one instant.
    const lines = seededSample(mt5Line, LINE_RUNS, FUZZ_SEED + 3).map((l, i) =>
      l.replaceAll(String(T0), String(T0 + i * 1000)),
    );
    const sentinel = { v: 1, type: 'tick', symbol: 'ZZZSENT', bid: 1, ask: 1, time_msc: T0 * 2 };
    const hello = {
      v: 1,
      type: 'hello',
      account: 1,
      server: 'Fuzz',
      build: 1,
      currency: 'USD',
      secret: SECRET,
    };
    const socket = connect(bridge.address.port, '127.0.0.1');
    socket.on('error', () => {});
    socket.on('data', () => {});
    const text = [hello, ...lines, sentinel].map((l) => (typeof l === 'string' ? l : JSON.stringify(l)));
    socket.write(`${text.join('\n')}\n`);
    const ticks: Tick[] = [];
    for await (const tick of feed) {
      if (tick.symbol === 'ZZZSENT') break;
      ticks.push(tick);
    }
    socket.destroy();
    await feed.stop();
    for (const t of ticks) expect(nonFiniteTickField(t)).toBeUndefined();
    const protocol = bridgeAlerts.filter((a) => a.code === 'MT5_PROTOCOL').length;
    const cleaned = feedAlerts.filter((a) => a.code !== 'FEED_CONNECTION').length;
    expect(bridgeAlerts.filter((a) => a.code === 'MT5_SESSION_UP').length).toBe(1);
    mt5Tally.add('alert', protocol + cleaned);
    mt5Tally.add('accepted', ticks.length);
    mt5Tally.add('ignored', lines.length - protocol - cleaned - ticks.length);
  });
});

const reader = new ReplyReader(ACME);
const ACME_VALID = [
  ACME.operations.buy.example,
  {
    type: 'trade_update',
    trade: {
      id: 9001,
      asset: 'EURUSD',
      side: 'LOWER',
      cost: '10.5',
      payout: 18.5,
      openedAt: 1_700_000_000,
      state: 'win',
      profit: 8.5,
      returned: 18.5,
      closedAt: 1_700_000_060,
      closePrice: 1.0831,
      tag: 'd-1',
    },
  },
  ACME.operations.auth.example,
  ACME.operations.balance?.example,
  ACME.error.example,
  {
    rid: 5,
    type: 'trades',
    trades: [
      {
        id: 1,
        asset: 'EURUSD',
        side: 'HIGHER',
        cost: 1,
        payout: 2,
        openedAt: 1_700_000_000,
        state: 'active',
      },
    ],
  },
].filter((m) => m !== undefined);

const STATUSES = new Set(['open', 'won', 'lost', 'sold']);

describe('fuzz: binary-ws replies', () => {
  it(`reads ${REPLY_RUNS} fuzzed replies into typed values or problems`, () => {
    fc.assert(
      fc.property(jsonFrames(ACME_VALID), (text) => {
        let message: unknown;
        try {
          message = JSON.parse(text);
        } catch {
          binaryWsTally.record('alert'); // the link reports a reply that is not JSON
          return;
        }
        reader.errorOf(message);
        const key = reader.replyKey(message);
        if (typeof key === 'number') expect(Number.isSafeInteger(key)).toBe(true);
        reader.isUpdate(message);
        const reads = [
          reader.contract(reader.buyContract(message)),
          reader.contract(reader.updateContract(message)),
          reader.contracts(message, 0, () => undefined),
          reader.account(message),
          reader.balance(message, 'USD'),
        ];
        let accepted = false;
        for (const read of reads) {
          if (!read.ok) continue;
          accepted = true;
          expect(allNumbersFinite(read.value)).toBe(true);
          const contracts = Array.isArray(read.value)
            ? read.value
            : 'contractId' in read.value
              ? [read.value]
              : [];
          for (const c of contracts) {
            expect(STATUSES.has(c.status)).toBe(true);
            expect(['call', 'put']).toContain(c.direction);
            expect(typeof c.contractId).toBe('string');
            expect(typeof c.symbol).toBe('string');
            expect(Number.isSafeInteger(c.purchaseTsMs)).toBe(true);
          }
        }
        binaryWsTally.record(accepted ? 'accepted' : 'alert');
      }),
      { seed: FUZZ_SEED, numRuns: REPLY_RUNS },
    );
  });
});

const DERIV_ANSWERS = {
  authorize: [AuthorizeBodySchema, { loginid: 'VRTC1', currency: 'USD', balance: 10_000 }],
  balance: [BalanceBodySchema, { balance: 9_990.5, currency: 'USD', loginid: 'VRTC1' }],
  proposal: [
    ProposalBodySchema,
    {
      id: 'p1',
      ask_price: 10,
      payout: 18.5,
      spot: 1234.5,
      spot_time: 1_700_000_000,
      date_start: 1_700_000_000,
      longcode: 'Win payout if ...',
      display_value: '10.00',
    },
  ],
  buy: [
    BuyBodySchema,
    {
      contract_id: 11,
      buy_price: 10,
      payout: 18.5,
      purchase_time: 1_700_000_000,
      start_time: 1_700_000_000,
      balance_after: 9_990,
      transaction_id: 21,
      longcode: 'Win payout if ...',
      shortcode: 'CALL_R_100_18.5_1700000000_1700000060_S0P_0',
    },
  ],
  proposal_open_contract: [
    OpenContractBodySchema,
    {
      contract_id: 11,
      contract_type: 'CALL',
      underlying: 'R_100',
      buy_price: 10,
      payout: 18.5,
      purchase_time: 1_700_000_000,
      is_sold: 1,
      status: 'won',
      profit: 8.5,
      sell_price: 18.5,
      entry_tick: 1234.5,
      entry_tick_time: 1_700_000_001,
      exit_tick: 1235,
      exit_tick_time: 1_700_000_060,
    },
  ],
  portfolio: [
    PortfolioBodySchema,
    {
      contracts: [
        {
          contract_id: 11,
          contract_type: 'CALL',
          symbol: 'R_100',
          buy_price: 10,
          payout: 18.5,
          purchase_time: 1_700_000_000,
        },
      ],
    },
  ],
  profit_table: [
    ProfitTableBodySchema,
    {
      transactions: [
        {
          contract_id: 11,
          contract_type: 'CALL',
          underlying_symbol: 'R_100',
          buy_price: 10,
          payout: 18.5,
          sell_price: 18.5,
          purchase_time: 1_700_000_000,
          sell_time: 1_700_000_060,
        },
      ],
    },
  ],
} as const;

const DERIV_FRAMES = Object.entries(DERIV_ANSWERS).map(([key, [, body]]) => ({
  echo_req: { [key]: 1, req_id: 3 },
  msg_type: key,
  req_id: 3,
  [key]: body,
}));

describe('fuzz: Deriv broker answers', () => {
  it(`reads ${REPLY_RUNS} fuzzed answers through the zod protocol into a finite body or nothing`, () => {
    fc.assert(
      fc.property(jsonFrames(DERIV_FRAMES), (text) => {
        let value: unknown;
        try {
          value = JSON.parse(text);
        } catch {
          derivBrokerTally.record('alert'); // DerivClient: a DERIV_PROTOCOL alert, the frame is skipped
          return;
        }
        const frame = DerivFrameSchema.safeParse(value);
        if (!frame.success) {
          derivBrokerTally.record('alert');
          return;
        }
        let read = false;
        for (const [key, [schema]] of Object.entries(DERIV_ANSWERS)) {
          const body = readBody(frame.data, key, schema as never) as unknown;
          if (body === undefined) continue;
          read = true;
          expect(allNumbersFinite(body)).toBe(true);
        }
        // An unreadable body: the broker's DerivError DERIV_PROTOCOL (price, buy) or an unreadable update (follow).
        derivBrokerTally.record(read ? 'accepted' : 'typed-error');
      }),
      { seed: FUZZ_SEED, numRuns: REPLY_RUNS },
    );
  });
});
