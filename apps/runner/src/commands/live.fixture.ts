import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type AuditableDecision,
  type DecideInput,
  type Decision,
  type DecisionBrain,
  ManualClock,
  type OmniConfig,
  parseConfig,
} from '@omni/core';
import { FakeDerivServer } from '@omni/venue-deriv/testing';
import type { CliIo } from '../cli-io.js';
import type { RunSummary } from '../run-summary.js';
import { type LiveFlags, runLive } from './live.js';

/** The Deriv token of the live tests: it must appear in no output. */
export const TOKEN = 'e2e-deriv-token-0123456789-secret';

/** Buys a 15 s CALL of 1 USD at the decisions it is told to; holds otherwise. */
export class ScriptedBrain implements DecisionBrain {
  readonly #tradeAt: ReadonlySet<number>;
  #n = 0;
  constructor(tradeAt: readonly number[]) {
    this.#tradeAt = new Set(tradeAt);
  }
  decide(input: DecideInput): AuditableDecision {
    const n = this.#n++;
    const tsMs = input.features.tsMs;
    const decision: Decision = this.#tradeAt.has(n)
      ? {
          engine: 'binary',
          id: input.decisionId,
          tsMs,
          confidence: 0.6,
          reasons: ['scripted'],
          symbol: 'R_100',
          direction: 'call',
          stakeUsd: 1,
          expirySec: 15,
        }
      : { engine: 'none', id: input.decisionId, tsMs, reason: 'scripted hold' };
    return { decision, regimeKey: 'scripted' };
  }
  learn(): void {}
}

/** An io that keeps every line. */
export function capture(): CliIo & { text: () => string } {
  const lines: string[] = [];
  return {
    isTty: false,
    out: (t) => void lines.push(t),
    err: (t) => void lines.push(t),
    text: () => lines.join('\n'),
  };
}

/** Every file under `dir`, as text. */
export function allText(dir: string): string {
  if (!existsSync(dir)) return '';
  return readdirSync(dir)
    .map((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? allText(path) : readFileSync(path, 'utf8');
    })
    .join('\n');
}

/** Resolves once `ready()` holds, checking after every turn of the event loop (waits for an event, not a time). */
export function until(ready: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    const check = (): void => (ready() ? resolve() : void setImmediate(check));
    check();
  });
}

/**
 * `omni live --venue deriv` in micro-live against a FakeDerivServer, driven in lockstep: the next
 * tick leaves only when the engine processed the last one and the server has every live buy the
 * test expects, so each contract is bought at a known tick of the fake market.
 */
export class LiveDerivRig {
  readonly server: FakeDerivServer;
  readonly dir = mkdtempSync(join(tmpdir(), 'omni-live-'));
  readonly out = join(this.dir, 'run');
  readonly io = capture();
  readonly clock = new ManualClock(1_699_999_999_000); // just before the fake market's first tick
  readonly config: OmniConfig;
  /** Buys the server must have seen before the next tick leaves. */
  liveBuys = 0;
  #processed = 0;
  #started = false;
  #emitted = 0;

  private constructor(server: FakeDerivServer) {
    this.server = server;
    this.config = parseConfig({
      mode: 'micro-live',
      logDir: join(this.dir, 'logs'),
      credentials: { deriv: { token: TOKEN, appId: '1089', wsUrl: server.url } },
      live: { confirm: true },
    });
  }

  static async start(): Promise<LiveDerivRig> {
    return new LiveDerivRig(await FakeDerivServer.start({ token: TOKEN, seed: 7 }));
  }

  /** Starts the run; resolves with its summary when it ends (after `maxTicks`). */
  run(brain: DecisionBrain, flags: Partial<LiveFlags> & { maxTicks: number }): Promise<RunSummary> {
    return runLive(this.config, { venue: 'deriv', symbol: 'R_100', out: this.out, ...flags }, this.io, {
      clock: this.clock,
      brain,
      features: { bars: { kind: 'ticks', count: 1 }, priceWindow: 64 },
      onStarted: () => {
        this.#started = true;
      },
      afterTick: (engine) => {
        this.#processed = engine.runtime.ticks;
      },
    }).catch((err: unknown) => {
      throw new Error(`${String(err)}\n${this.io.text()}`);
    });
  }

  /** Emits ticks up to the `n`-th, each after the last was processed and the expected buys arrived. */
  async ticksTo(n: number): Promise<void> {
    if (this.#emitted === 0) {
      await until(() => this.#started);
      await this.server.waitFor('ticks');
    }
    while (this.#emitted < n) {
      this.server.emitTick('R_100');
      this.#emitted++;
      await until(() => this.#processed >= this.#emitted);
      if (this.liveBuys > 0) await this.server.waitFor('buy', this.liveBuys);
    }
  }

  /** One more tick, which ends a run at its `maxTicks`. */
  finish(): void {
    this.server.emitTick('R_100');
  }

  /** The run's settled trades. */
  trades(): { decisionId: string; pnl: number; rule: string; stake: number }[] {
    return readFileSync(join(this.out, 'trades.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as { decisionId: string; pnl: number; rule: string; stake: number });
  }

  /** Codes of the alerts journaled so far. */
  alertCodes(): string[] {
    const file = join(this.out, 'alerts.jsonl');
    if (!existsSync(file)) return [];
    return readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => (JSON.parse(l) as { code: string }).code);
  }

  async close(): Promise<void> {
    await this.server.close();
  }
}
