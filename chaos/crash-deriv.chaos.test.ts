/**
 * Crash and restart at a real-money venue (issue 18): the BUILT `omni live --venue deriv` in
 * micro-live (explicit opt-in) trades binary contracts against the fake Deriv server, which runs in
 * this process so it outlives every child and keeps the account's contracts. Each session is killed
 * with SIGKILL at a point an event marks — the server got a buy (answered or swallowed), the
 * executor's book shows the contract open, the restarted session is reconciling with the account,
 * the broker settled a contract the engine has not journaled yet — and restarted on the same state
 * folder (a live session takes a new --out each time; its state carries over in <logDir>/state).
 * Checked after every kill and at the end: one buy per decision id, every contract open at a kill
 * adopted by a later session and settled exactly once in trades.jsonl with the server's numbers,
 * every journal parses, every audit chain verifies, and the API token appears nowhere.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { verifyAuditTrail } from '@omni/runtime';
import type { FakeContract } from '@omni/venue-deriv/testing';
import { FakeDerivServer } from '@omni/venue-deriv/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { inspectCrashedRun } from './crash-harness.js';
import {
  bookOrders,
  completeRecordsOf,
  type LiveEnd,
  LiveSession,
  liveEnv,
  runOf,
  TickPump,
  type TradeRecord,
  tickJournaled,
  tradesOf,
  whenFiles,
} from './deriv-crash-rig.js';

/** The token of the run: recognisable, searched for in every file and output at the end. */
const TOKEN = 'chaos-deriv-token-7f3a9c-read-trade';

/**
 * Where a session is killed:
 * - `buy-unanswered`: the server made the contract and swallowed the answer (the child never heard);
 * - `buy-in-flight`: the server made the contract and answered; killed at once, and the contract
 *   then settles at the broker while no session runs;
 * - `placed`: the executor's book (orders-deriv.json) shows the contract open with its id;
 * - `settled-unjournaled`: the broker settled an open contract and the book closed it, and no tick
 *   has come since to hand the outcome to the engine (not in trades.jsonl yet);
 * - `reconciling`: the restarted session asked the account (portfolio, profit_table,
 *   proposal_open_contract) about what an earlier one left.
 */
type KillPoint = 'buy-unanswered' | 'buy-in-flight' | 'placed' | 'settled-unjournaled' | 'reconciling';

/** One round: each kill point once, each leaving what the next one needs (an open contract, something to reconcile). */
const ROUND: readonly KillPoint[] = [
  'buy-unanswered',
  'reconciling',
  'placed',
  'settled-unjournaled',
  'buy-in-flight',
  'reconciling',
];
/** The chain: two rounds on one state folder, then a last session stopped cleanly. */
const CHAIN: readonly KillPoint[] = [...ROUND, ...ROUND];

interface Kill {
  readonly point: KillPoint;
  readonly session: number;
  /** Contracts open at the broker when the session died. */
  readonly open: readonly number[];
  /** Decisions settled at the broker but not in any trades.jsonl when the session died. */
  readonly unjournaled: readonly string[];
}

const tally = { sessions: 0, auditChecks: 0, reconcileKills: 0 };
const kills: Kill[] = [];
const outputs: LiveEnd[] = [];
const sessionOuts: string[] = [];
let work = '';
let server: FakeDerivServer | undefined;
let summary = '';

afterAll(async () => {
  await server?.close();
  if (summary) console.log(summary);
  if (work && process.env['CHAOS_KEEP'] !== '1') rmSync(work, { recursive: true, force: true });
  else if (work) console.log(`CHAOS deriv-crash folders kept in ${work}`);
});

/** Every trade of every session so far. */
function allTrades(): TradeRecord[] {
  return sessionOuts.flatMap((out) => tradesOf(out));
}

function contracts(): FakeContract[] {
  return [...(server?.market.contracts.values() ?? [])];
}

/** Every file under `dir`. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

/** Rejects when the session ends by itself before `event`: a crash the suite did not cause. */
function unlessDied<T>(live: LiveSession, event: Promise<T>, what: string): Promise<T> {
  const died = live.ended.then((end): never => {
    throw new Error(`session ended (code ${end.code}) before ${what}:\n${end.stderr}`);
  });
  return Promise.race([event, died]);
}

describe('omni live --venue deriv killed with SIGKILL around open contracts and restarted', () => {
  it('buys once per decision, adopts every open contract and settles it once with the broker’s numbers', async () => {
    work = mkdtempSync(join(tmpdir(), 'omni-chaos-deriv-'));
    // The market's clock starts at the child's (system) clock: purchase times are the broker's, as at Deriv.
    const fake = await FakeDerivServer.start({
      token: TOKEN,
      seed: 18,
      startEpochS: Math.ceil(Date.now() / 1000) + 1,
    });
    server = fake;
    const { env, config, stateDir } = liveEnv(fake, work);
    const pump = new TickPump(fake);
    const count = (call: 'buy' | 'ticks' | 'portfolio' | 'proposal_open_contract'): number =>
      fake.requests(call).length;
    const unsold = (): number[] => contracts().flatMap((c) => (c.sold ? [] : [c.contractId]));
    const journaled = (): Set<string> => new Set(allTrades().map((t) => t.decisionId));

    const start = (): LiveSession => {
      const out = join(work, `session-${sessionOuts.length + 1}`);
      sessionOuts.push(out);
      tally.sessions++;
      return new LiveSession(out, env, config);
    };
    /** Pumps ticks once the session's feed subscribed, until the server gets the session's next buy. */
    const pumpToBuy = async (live: LiveSession, ticksBefore: number): Promise<FakeContract> => {
      const buysBefore = count('buy');
      await unlessDied(live, fake.waitFor('ticks', ticksBefore + 1), 'the tick subscription');
      void pump.start();
      await unlessDied(live, fake.waitFor('buy', buysBefore + 1), 'a buy');
      pump.stop();
      const bought = contracts().at(-1);
      if (bought === undefined) throw new Error('a buy without a contract');
      return bought;
    };

    for (const point of CHAIN) {
      const session = sessionOuts.length + 1;
      const ticksBefore = count('ticks');
      const reconcileBefore = count('portfolio') + count('proposal_open_contract');
      if (point === 'buy-unanswered') fake.swallowNextBuy(1);
      const live = start();
      let inFlight: FakeContract | undefined;
      let settledTarget: string | undefined;
      if (point === 'reconciling') {
        // The restart asks the account before its feed starts; nothing ticks meanwhile.
        const asked = Promise.race([
          fake.waitFor('portfolio', count('portfolio') + 1),
          fake.waitFor('proposal_open_contract', count('proposal_open_contract') + 1),
        ]);
        await unlessDied(live, asked, 'the reconciliation');
        expect(count('portfolio') + count('proposal_open_contract')).toBeGreaterThan(reconcileBefore);
        tally.reconcileKills++;
      } else if (point === 'buy-unanswered' || point === 'buy-in-flight') {
        inFlight = await pumpToBuy(live, ticksBefore);
      } else if (point === 'placed') {
        const bought = await pumpToBuy(live, ticksBefore);
        const ref = String(bought.contractId);
        await unlessDied(
          live,
          whenFiles(
            [stateDir],
            () => bookOrders(stateDir).some((o) => o.state === 'open' && o.brokerRef === ref),
            'the book shows the contract open',
          ),
          'the book shows the contract open',
        );
      } else {
        // settled-unjournaled: the contract an earlier session left open reaches its exit (held), every
        // tick is processed, then the broker settles it with no tick after: the outcome waits in the executor.
        const target = contracts().find((c) => !c.sold);
        if (target === undefined) throw new Error('no open contract to settle');
        settledTarget = target.clientId;
        await unlessDied(live, fake.waitFor('ticks', ticksBefore + 1), 'the tick subscription');
        fake.holdSettlement();
        await pump.start(() => target.exit !== undefined);
        await unlessDied(
          live,
          whenFiles([live.out], () => tickJournaled(live.out, pump.lastEpochS), 'every tick processed'),
          'every tick processed',
        );
        fake.releaseSettlement();
        const ref = String(target.contractId);
        await unlessDied(
          live,
          whenFiles(
            [stateDir],
            () => bookOrders(stateDir).some((o) => o.state === 'closed' && o.brokerRef === ref),
            'the book closes the contract',
          ),
          'the book closes the contract',
        );
      }
      const end = await live.kill();
      if (point === 'buy-unanswered') {
        // The contract exists at the broker; the child's book still says the buy is being sent.
        const order = bookOrders(stateDir).find((o) => o.decisionId === inFlight?.clientId);
        expect(order?.state).toBe('sending');
      }
      if (point === 'settled-unjournaled' && settledTarget !== undefined) {
        // The kill landed where it was aimed: settled at the broker, closed in the book, in no journal.
        expect(allTrades().map((t) => t.decisionId)).not.toContain(settledTarget);
      }
      outputs.push(end);
      expect(end.signal, end.stderr).toBe('SIGKILL');
      const done = journaled();
      kills.push({
        point,
        session,
        open: unsold(),
        unjournaled: contracts().flatMap((c) =>
          c.sold && c.clientId && !done.has(c.clientId) ? [c.clientId] : [],
        ),
      });
      if (point === 'buy-in-flight' && inFlight !== undefined) {
        // No session runs: the contract settles at the broker meanwhile.
        const settling = inFlight;
        await pump.start(() => settling.sold);
      }

      // The folders as the kill left them: journals parse, the audit chain verifies, state files are complete.
      const seen = await inspectCrashedRun(live.out, stateDir);
      expect(seen.problems, `after kill ${kills.length} (${point})`).toEqual([]);
      tally.auditChecks++;
      for (const c of contracts()) expect(fake.buysFor(c.clientId ?? ''), `buys of ${c.clientId}`).toBe(1);
    }

    // The last session: reconciles, settles everything earlier sessions left, and is stopped cleanly.
    const ticksBefore = count('ticks');
    const live = start();
    await unlessDied(live, fake.waitFor('ticks', ticksBefore + 1), 'the tick subscription');
    const owed = contracts().map((c) => c.clientId ?? '');
    void pump.start();
    await unlessDied(
      live,
      whenFiles([live.out], () => owed.every((id) => journaled().has(id)), 'every contract journaled'),
      'every contract journaled',
    );
    pump.stop();
    const last = await live.stop();
    outputs.push(last);
    expect(last.code, last.stderr).toBe(0);

    // One buy per decision id, and every buy a contract.
    const buys = fake.requests('buy');
    const clientIds = buys.map((b) =>
      String((b['passthrough'] as { clientId?: string } | undefined)?.clientId),
    );
    expect(new Set(clientIds).size).toBe(clientIds.length);
    expect(contracts().length).toBe(buys.length);
    // Each contract settled at the broker and exactly once in the journals, with the broker's numbers.
    const trades = allTrades();
    for (const c of contracts()) {
      const mine = trades.filter((t) => t.decisionId === c.clientId);
      expect(c.sold, `contract ${c.contractId}`).toBe(true);
      expect(
        mine.map((t) => [t.pnl, t.stake, t.rule]),
        `trades of ${c.clientId}`,
      ).toEqual([[c.profit, c.buyPrice, `binary-deriv-${c.status}`]]);
    }
    expect(trades.filter((t) => t.rule === 'binary-not-bought')).toEqual([]);
    expect(trades.filter((t) => t.rule.startsWith('binary-deriv-')).length).toBe(contracts().length);
    // Every contract open (or settled but unjournaled) at a kill was settled by a later session.
    const sessionOf = new Map<string, number>();
    sessionOuts.forEach((out, i) => {
      for (const t of tradesOf(out)) sessionOf.set(t.decisionId, i + 1);
    });
    let adopted = 0;
    let redelivered = 0;
    for (const kill of kills) {
      for (const id of kill.open) {
        const c = fake.market.contracts.get(id);
        expect(sessionOf.get(c?.clientId ?? ''), `contract ${id} open at kill ${kill.point}`).toBeGreaterThan(
          kill.session,
        );
        adopted++;
      }
      for (const id of kill.unjournaled) {
        expect(sessionOf.get(id), `${id} settled, unjournaled at kill ${kill.point}`).toBeGreaterThan(
          kill.session,
        );
        redelivered++;
      }
    }
    const adoptedContracts = contracts().filter(
      (c) => (sessionOf.get(c.clientId ?? '') ?? 0) > runOf(c.clientId ?? ''),
    ).length;
    // Nothing left open at the venue: the book is closed, the ledger holds no Deriv position.
    expect(bookOrders(stateDir).filter((o) => o.state !== 'closed')).toEqual([]);
    const ledger = JSON.parse(readFileSync(join(stateDir, 'ledger.json'), 'utf8')) as {
      open: { venue: string }[];
    };
    expect(ledger.open.filter((p) => p.venue === 'deriv')).toEqual([]);
    // Every session's journals parse and its audit chain verifies; the clean stop sealed the last one.
    for (const out of sessionOuts) {
      expect((await inspectCrashedRun(out, stateDir)).problems, out).toEqual([]);
      tally.auditChecks++;
    }
    const sealed = await verifyAuditTrail(join(live.out, 'decisions.jsonl'));
    expect(sealed).toMatchObject({ ok: true, sealed: true });
    // The token: in no file, no stdout, no stderr (as written, base64 or URL-encoded).
    const forms = [TOKEN, Buffer.from(TOKEN).toString('base64'), encodeURIComponent(TOKEN)];
    const haystacks = [
      ...outputs.flatMap((o) => [o.stdout, o.stderr]),
      ...filesUnder(work).map((f) => readFileSync(f).toString('latin1')),
    ];
    const hits = haystacks.filter((h) => forms.some((f) => h.includes(f))).length;
    expect(hits).toBe(0);

    // How the restarts took the contracts back (alerts.jsonl of every session).
    const alerts = sessionOuts.flatMap((out) =>
      completeRecordsOf<{ code: string }>(out, 'alerts.jsonl').map((a) => a.code),
    );
    const alertCount = (code: string): number => alerts.filter((c) => c === code).length;
    expect(alertCount('VENUE_OUTCOME_REDELIVERED')).toBeGreaterThanOrEqual(
      kills.filter((k) => k.point === 'settled-unjournaled').length,
    );
    const points = kills.map((k) => k.point);
    summary =
      `CHAOS deriv-crash kills=${kills.length} sessions=${tally.sessions} contracts=${contracts().length} ` +
      `open-at-kill=${adopted} contracts-adopted=${adoptedContracts} settlements-redelivered=${redelivered} ` +
      `reconcile-kills=${tally.reconcileKills} duplicate-buys=${buys.length - new Set(clientIds).size} ` +
      `settled-once=${contracts().length} positions-resumed=${alertCount('POSITION_RESUMED')} ` +
      `found-in-account=${alertCount('VENUE_ORDER_FOUND')} outcomes-redelivered=${alertCount('VENUE_OUTCOME_REDELIVERED')} ` +
      `audit-checks=${tally.auditChecks} token-hits=${hits} ` +
      `points=${[...new Set(points)].map((p) => `${p}:${points.filter((q) => q === p).length}`).join(',')}`;
    expect(kills.length).toBe(CHAIN.length);
    expect(adopted).toBeGreaterThanOrEqual(6);
  }, 180_000);
});
