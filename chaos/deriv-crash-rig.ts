/**
 * The Deriv crash suite's rig (chaos/crash-deriv.chaos.test.ts): the fake Deriv server lives in the
 * test process (it outlives every child and keeps the account's contracts), a tick pump drives its
 * market, and each session is the BUILT `omni live --venue deriv` in micro-live with the explicit
 * opt-in, killed with SIGKILL when an event says so: a request reached the server, or a file of the
 * child's state folder or run folder shows what the kill point needs. Never a sleep.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, type FSWatcher, mkdirSync, readFileSync, watch, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FakeContract, FakeDerivServer } from '@omni/venue-deriv/testing';
import { CLI } from './crash-harness.js';

/**
 * Emits the fake market's ticks in bursts (one burst per millisecond timer), stopping itself the
 * moment `stopWhen` holds after a tick: the last tick sent is then known exactly.
 */
export class TickPump {
  readonly #server: FakeDerivServer;
  #timer: ReturnType<typeof setInterval> | undefined;
  #stopWhen: (() => boolean) | undefined;
  #stopped: (() => void) | undefined;
  emitted = 0;
  /** The epoch (s) of the last tick emitted. */
  lastEpochS = 0;

  constructor(server: FakeDerivServer) {
    this.#server = server;
  }

  get running(): boolean {
    return this.#timer !== undefined;
  }

  /** Starts pumping `burst` ticks per timer turn; resolves when stopped (by `stopWhen` or `stop`). */
  start(stopWhen?: () => boolean, burst = 5): Promise<void> {
    this.stop();
    this.#stopWhen = stopWhen;
    const stopped = new Promise<void>((resolve) => {
      this.#stopped = resolve;
    });
    this.#timer = setInterval(() => {
      for (let i = 0; i < burst && this.#timer !== undefined; i++) {
        this.lastEpochS = this.#server.emitTick('R_100').epoch;
        this.emitted++;
        if (this.#stopWhen?.()) this.stop();
      }
    }, 1);
    return stopped;
  }

  stop(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
    this.#stopWhen = undefined;
    const stopped = this.#stopped;
    this.#stopped = undefined;
    stopped?.();
  }
}

/** Resolves once `ready()` holds, checked at start and at every change inside `dirs` (inotify). */
export function whenFiles(dirs: readonly string[], ready: () => boolean, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const watchers: FSWatcher[] = [];
    let done = false;
    const finish = (err?: Error): void => {
      if (done) return;
      done = true;
      clearTimeout(guard);
      for (const w of watchers) w.close();
      if (err) reject(err);
      else resolve();
    };
    // A guard against a hang only (a failing run), never a kill point: 40 s is far beyond any wait here.
    const guard = setTimeout(() => finish(new Error(`never happened: ${what}`)), 40_000);
    const check = (): void => {
      try {
        if (ready()) finish();
      } catch {
        // a file between writes: checked again at the next event
      }
    };
    for (const dir of dirs) {
      mkdirSync(dir, { recursive: true });
      watchers.push(watch(dir, check));
    }
    check();
  });
}

/** An order of the executor's book (`<state>/orders-deriv.json`). */
export interface BookOrder {
  readonly decisionId: string;
  readonly state: 'sending' | 'unanswered' | 'open' | 'closed';
  readonly brokerRef?: string;
  readonly note?: string;
}

/** The orders of the book file (none before the first order). */
export function bookOrders(stateDir: string): BookOrder[] {
  const path = join(stateDir, 'orders-deriv.json');
  if (!existsSync(path)) return [];
  return (JSON.parse(readFileSync(path, 'utf8')) as { orders: BookOrder[] }).orders;
}

/** One trades.jsonl record (the fields the checks read). */
export interface TradeRecord {
  readonly decisionId: string;
  readonly engine: string;
  readonly pnl: number;
  readonly stake: number;
  readonly rule: string;
}

/** The complete records of the journal `<out>/<file>` (a torn last line left out; none when it is missing). */
export function completeRecordsOf<T>(out: string, file: string): T[] {
  const path = join(out, file);
  if (!existsSync(path)) return [];
  const text = readFileSync(path, 'utf8');
  return text
    .slice(0, text.lastIndexOf('\n') + 1)
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as T);
}

/** The complete records of `<out>/trades.jsonl`. */
export function tradesOf(out: string): TradeRecord[] {
  return completeRecordsOf<TradeRecord>(out, 'trades.jsonl');
}

/** Whether `<out>/ticks.jsonl` holds the tick of `epochS`: the child processed every tick up to it. */
export function tickJournaled(out: string, epochS: number): boolean {
  const path = join(out, 'ticks.jsonl');
  return existsSync(path) && readFileSync(path, 'utf8').includes(`"tsMs":${epochS * 1000},`);
}

/** How a session ended. */
export interface LiveEnd {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** One `omni live --venue deriv --mode micro-live --confirm-live` child. */
export class LiveSession {
  readonly out: string;
  readonly ended: Promise<LiveEnd>;
  readonly #child: ChildProcess;
  #stderr = '';

  constructor(out: string, env: NodeJS.ProcessEnv, config: string) {
    this.out = out;
    const args = [
      CLI,
      'live',
      '--venue',
      'deriv',
      '--mode',
      'micro-live',
      '--confirm-live',
      '--symbol',
      'R_100',
      '--config',
      config,
      '--out',
      out,
    ];
    this.#child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    this.#child.stdout?.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    this.#child.stderr?.on('data', (d: Buffer) => {
      this.#stderr += d.toString();
    });
    this.ended = new Promise((resolve, reject) => {
      this.#child.on('error', reject);
      this.#child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr: this.#stderr }));
    });
  }

  get stderr(): string {
    return this.#stderr;
  }

  /** SIGKILL from outside: no finally block, no flush, no goodbye. */
  async kill(): Promise<LiveEnd> {
    this.#child.kill('SIGKILL');
    return this.ended;
  }

  /** SIGTERM: the documented stop (state saved, journals sealed). */
  async stop(): Promise<LiveEnd> {
    this.#child.kill('SIGTERM');
    return this.ended;
  }
}

/**
 * The child's settings: the fake server as the Deriv endpoint, the token, the opt-in, a state
 * folder shared by every session, and caps that keep micro-live trading through the chain
 * (a config file raises micro-live's own caps; the environment raises `risk`). The fake market's
 * ticks are 1 s apart and pumped faster than real time, so its clock runs ahead of the child's
 * system clock: the stale-data guard gets a week.
 */
export function liveEnv(
  server: FakeDerivServer,
  work: string,
): { env: NodeJS.ProcessEnv; config: string; stateDir: string } {
  const config = join(work, 'omni.config.json');
  const caps = { maxDailyLossUsd: 1000, maxDailyTrades: 1000, maxLossStreak: 1000 };
  writeFileSync(config, JSON.stringify({ live: { micro: caps } }));
  const logDir = join(work, 'logs');
  return {
    config,
    stateDir: join(logDir, 'state'),
    env: {
      PATH: process.env['PATH'],
      HOME: work,
      TMPDIR: work,
      NO_COLOR: '1',
      OMNI_LOG_DIR: logDir,
      DERIV_TOKEN: server.token,
      DERIV_APP_ID: '1089',
      DERIV_WS_URL: server.url,
      OMNI_MAX_DAILY_LOSS_USD: '1000',
      OMNI_MAX_DAILY_TRADES: '1000',
      OMNI_MAX_LOSS_STREAK: '1000',
      OMNI_STALE_DATA_MS: String(7 * 86_400_000),
    },
  };
}

/** The server's contracts bought for a decision id (`passthrough.clientId`). */
export function contractsOf(server: FakeDerivServer, decisionId: string): FakeContract[] {
  return [...server.market.contracts.values()].filter((c) => c.clientId === decisionId);
}

/** The run number of a decision id (`micro-live-<run>-<seq>`). */
export function runOf(decisionId: string): number {
  return Number(/^micro-live-(\d+)-\d+$/.exec(decisionId)?.[1] ?? Number.NaN);
}
