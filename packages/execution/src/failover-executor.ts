import type { Alert, AlertLevel, Clock, OpenPosition, Tick, TradeDecision, TradeOutcome } from '@omni/core';
import type { BrokerHealthReport, ExecutionReport, Executor, PendingPosition } from './executor.js';

/** Where a failover executor sends new orders. */
export type FailoverRoute =
  | { readonly to: 'live' }
  /** The venue is unhealthy: orders go to the shadow executor. */
  | { readonly to: 'shadow'; readonly since: number; readonly reason: string }
  /** The venue is healthy again; orders stay in shadow until an operator allows live. */
  | { readonly to: 'shadow'; readonly since: number; readonly reason: string; readonly recovered: true };

/** An operator's permission to trade live again after an incident. */
export interface LiveAllowance {
  readonly tsMs: number;
  readonly operator: string;
  readonly reason: string;
}

/** Options of a {@link FailoverExecutor}. */
export interface FailoverExecutorOptions<D extends TradeDecision> {
  readonly live: Executor<D>;
  /** The shadow executor of the same engine: settles from later prices, places nothing. */
  readonly shadow: Executor<D>;
  readonly clock: Clock;
  readonly onAlert: (alert: Alert) => void;
  /**
   * The operator's latest permission to go live again, if any (read from outside, e.g. a file
   * `omni live allow` writes). Asked at most once a second, and only while waiting for it.
   */
  readonly allowance: () => LiveAllowance | undefined;
}

/**
 * The runbook's answer to a broker disconnection (5.1) for one engine: while the live executor
 * reports itself healthy, orders go to it; when it reports a lost connection, a refused login or a
 * reconciliation in progress, the engine switches to its shadow executor (journaled as
 * `VENUE_FAILOVER`) and pauses real trading. When health is back (`VENUE_RECOVERED`), orders stay in
 * shadow until an operator allows live again with a permission newer than the incident
 * (`VENUE_LIVE_RESUMED`). Positions opened on either side settle on that side: the live executor
 * keeps following its contracts through the outage.
 */
export class FailoverExecutor<D extends TradeDecision> implements Executor<D> {
  readonly engine: D['engine'];
  readonly venue: string;
  /** Positions of both sides are taken back after a restart: the live venue's and the shadow ones. */
  readonly venues: readonly string[];
  readonly #o: FailoverExecutorOptions<D>;
  #route: FailoverRoute;
  #nextAllowanceCheckMs = 0;
  #healthOff: (() => void) | undefined;
  #healthy = false;
  #started = false;

  constructor(options: FailoverExecutorOptions<D>) {
    this.#o = options;
    this.engine = options.live.engine;
    this.venue = options.live.venue;
    this.venues = [options.live.venue, options.shadow.venue];
    this.#route = { to: 'shadow', since: 0, reason: 'not started' };
    this.#healthOff = options.live.onHealth?.((report) => this.#onHealth(report));
  }

  /** Where new orders go now. */
  get route(): FailoverRoute {
    return this.#route;
  }

  /** Starts the live executor (connect and reconcile); orders go live once it reports healthy. */
  async start(): Promise<void> {
    await this.#o.live.start?.();
    this.#started = true;
    // An executor without health reports is taken as healthy once started.
    if (this.#o.live.onHealth === undefined || this.#healthy) this.#route = { to: 'live' };
  }

  async stop(): Promise<void> {
    this.#healthOff?.();
    this.#healthOff = undefined;
    await this.#o.live.stop?.();
  }

  execute(decision: D, tick: Tick): Promise<ExecutionReport> {
    return this.#route.to === 'live'
      ? this.#o.live.execute(decision, tick)
      : this.#o.shadow.execute(decision, tick);
  }

  onTick(tick: Tick): readonly TradeOutcome[] {
    const route = this.#route;
    if (route.to === 'shadow' && 'recovered' in route && tick.tsMs >= this.#nextAllowanceCheckMs) {
      this.#nextAllowanceCheckMs = tick.tsMs + 1000;
      this.#checkAllowance(route.since);
    }
    const live = this.#o.live.onTick(tick);
    const shadow = this.#o.shadow.onTick(tick);
    if (shadow.length === 0) return live;
    if (live.length === 0) return shadow;
    return [...live, ...shadow];
  }

  pending(): readonly PendingPosition[] {
    return [...this.#o.live.pending(), ...this.#o.shadow.pending()];
  }

  async cancelAll(): Promise<number> {
    return (await this.#o.live.cancelAll()) + (await this.#o.shadow.cancelAll());
  }

  adopt(position: OpenPosition): boolean {
    const side = position.venue === this.#o.shadow.venue ? this.#o.shadow : this.#o.live;
    return side.adopt?.(position) ?? false;
  }

  #onHealth(report: BrokerHealthReport): void {
    this.#healthy = report.ok;
    const now = Math.max(0, Math.floor(this.#o.clock.nowMs()));
    const route = this.#route;
    if (!report.ok) {
      if (route.to === 'live' || (route.to === 'shadow' && 'recovered' in route)) {
        const reason = report.reason ?? 'unhealthy';
        this.#route = { to: 'shadow', since: route.to === 'live' ? now : route.since, reason };
        if (route.to === 'live') {
          this.#alert(
            'critical',
            'VENUE_FAILOVER',
            `${this.venue} is unhealthy (${reason}): ${this.engine} orders go to the shadow executor; real trading is paused until it is back and an operator allows it`,
            { reason },
          );
        }
      }
      return;
    }
    if (!this.#started) return; // start() decides the first route
    if (route.to === 'shadow' && route.since === 0) {
      this.#route = { to: 'live' };
      return;
    }
    if (route.to === 'shadow' && !('recovered' in route)) {
      this.#route = { ...route, recovered: true };
      this.#nextAllowanceCheckMs = 0;
      this.#alert(
        'warn',
        'VENUE_RECOVERED',
        `${this.venue} is healthy again; ${this.engine} orders stay in shadow until an operator allows live (omni safety allow-live --venue ${this.venue} --reason ...)`,
        { incidentSince: route.since },
      );
    }
  }

  #checkAllowance(since: number): void {
    const allowance = this.#o.allowance();
    if (allowance === undefined || allowance.tsMs < since) return;
    this.#route = { to: 'live' };
    this.#alert(
      'warn',
      'VENUE_LIVE_RESUMED',
      `${this.venue}: live ${this.engine} trading resumed by ${allowance.operator} (${allowance.reason})`,
      { operator: allowance.operator, reason: allowance.reason, incidentSince: since },
    );
  }

  #alert(level: AlertLevel, code: string, message: string, context: Record<string, unknown>): void {
    this.#o.onAlert({
      tsMs: Math.max(0, Math.floor(this.#o.clock.nowMs())),
      level,
      code,
      message,
      source: 'FailoverExecutor',
      context: { venue: this.venue, engine: this.engine, ...context },
    });
  }
}
