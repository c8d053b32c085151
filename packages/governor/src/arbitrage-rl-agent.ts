import { GovernorError } from '@omni/core';
import { z } from 'zod';
import { requireNumberInRange, requireOption } from './numeric-input.js';
import { CountSchema, FiniteNumberSchema, parseLearnerState } from './persisted-state.js';

const KIND = 'arbitrage-rl-agent';
const VERSION = 1;

/** Options of {@link ArbitrageRLAgent}. */
export interface ArbitrageRLAgentOptions {
  /**
   * The reward scale c of the UCB1 bonus c·√(2 ln N / n), in USD: about the spread of one route's
   * realised net profit. Default 1.
   */
  readonly explorationScaleUsd?: number;
}

/** What {@link ArbitrageRLAgent.chooseRoute} picked. */
export type RouteChoice<C> =
  | {
      readonly kind: 'route';
      readonly candidate: C;
      readonly routeId: string;
      /** `unexplored`: first try of a route never settled; `ucb`: highest upper confidence bound. */
      readonly reason: 'unexplored' | 'ucb';
      /** Mean realised net profit in USD (0 when unexplored). */
      readonly meanProfitUsd: number;
      /** The UCB1 index (Infinity when unexplored). */
      readonly index: number;
    }
  | { readonly kind: 'no-route' };

/** Realised statistics of one route. */
export interface RouteStats {
  readonly pulls: number;
  readonly meanProfitUsd: number;
}

/** Zod schema of the persisted {@link ArbitrageRLAgent} state (version 1). */
export const ArbitrageRLAgentStateSchema = z.object({
  kind: z.literal(KIND),
  version: z.literal(VERSION),
  options: z.object({ explorationScaleUsd: z.number().finite().nonnegative() }),
  routes: z.array(
    z.object({ routeId: z.string().min(1), pulls: CountSchema, sumProfitUsd: FiniteNumberSchema }),
  ),
});
/** The persisted {@link ArbitrageRLAgent} state (the specification's `route_scores`). */
export type ArbitrageRLAgentState = z.infer<typeof ArbitrageRLAgentStateSchema>;

interface MutableRouteStats {
  pulls: number;
  sum: number;
}

/**
 * Chooses arbitrage routes by UCB1 on realised net profit (Auer, Cesa-Bianchi & Fischer 2002,
 * "Finite-time analysis of the multiarmed bandit problem"): every candidate is tried once, then
 * the highest mean + c·√(2 ln N / n), N = settled trades over the candidates, n = the route's.
 * Regret grows logarithmically in the number of trades. `chooseRoute` is deterministic and changes
 * nothing; only {@link ArbitrageRLAgent.updateRoute} learns.
 *
 * @example
 * const agent = new ArbitrageRLAgent({ explorationScaleUsd: 5 });
 * const c = agent.chooseRoute([{ routeId: 'uni-sushi-weth-usdc' }, { routeId: 'uni-curve-weth-usdc' }]);
 * if (c.kind === 'route') agent.updateRoute(c.routeId, realisedNetProfitUsd);
 */
export class ArbitrageRLAgent {
  readonly explorationScaleUsd: number;
  readonly #routes = new Map<string, MutableRouteStats>();

  constructor(options: ArbitrageRLAgentOptions = {}) {
    this.explorationScaleUsd = requireOption(
      options.explorationScaleUsd ?? 1,
      'explorationScaleUsd',
      0,
      1e12,
    );
  }

  /** The route with the highest UCB1 index among `candidates` (the first unexplored one first). O(candidates). */
  chooseRoute<C extends { readonly routeId: string }>(candidates: readonly C[]): RouteChoice<C> {
    if (candidates.length === 0) return { kind: 'no-route' };
    let total = 0;
    for (const c of candidates) {
      const s = this.#routes.get(requireRouteId(c.routeId));
      if (!s || s.pulls === 0)
        return {
          kind: 'route',
          candidate: c,
          routeId: c.routeId,
          reason: 'unexplored',
          meanProfitUsd: 0,
          index: Number.POSITIVE_INFINITY,
        };
      total += s.pulls;
    }
    const logTotal = Math.log(total);
    let best: Extract<RouteChoice<C>, { kind: 'route' }> | undefined;
    for (const c of candidates) {
      const s = this.#routes.get(c.routeId) as MutableRouteStats;
      const mean = s.sum / s.pulls;
      const index = mean + this.explorationScaleUsd * Math.sqrt((2 * logTotal) / s.pulls);
      if (!best || index > best.index) {
        best = { kind: 'route', candidate: c, routeId: c.routeId, reason: 'ucb', meanProfitUsd: mean, index };
      }
    }
    return best as Extract<RouteChoice<C>, { kind: 'route' }>;
  }

  /** Learns one settled trade of `routeId`: its realised net profit in USD (after gas and fees; may be negative). */
  updateRoute(routeId: string, rewardUsd: number): void {
    requireRouteId(routeId);
    const reward = requireNumberInRange(rewardUsd, 'rewardUsd');
    let s = this.#routes.get(routeId);
    if (!s) {
      s = { pulls: 0, sum: 0 };
      this.#routes.set(routeId, s);
    }
    s.pulls++;
    s.sum += reward;
  }

  /** Settled trades and mean realised profit of a route. */
  routeStats(routeId: string): RouteStats {
    const s = this.#routes.get(routeId);
    return { pulls: s?.pulls ?? 0, meanProfitUsd: s && s.pulls > 0 ? s.sum / s.pulls : 0 };
  }

  /** The agent as plain JSON. */
  toJSON(): ArbitrageRLAgentState {
    return {
      kind: KIND,
      version: VERSION,
      options: { explorationScaleUsd: this.explorationScaleUsd },
      routes: [...this.#routes].map(([routeId, s]) => ({ routeId, pulls: s.pulls, sumProfitUsd: s.sum })),
    };
  }

  /** Restores an agent saved with {@link ArbitrageRLAgent.toJSON}. */
  static fromJSON(data: unknown): ArbitrageRLAgent {
    const state = parseLearnerState(ArbitrageRLAgentStateSchema, data, { kind: KIND, version: VERSION });
    const agent = new ArbitrageRLAgent(state.options);
    for (const r of state.routes) agent.#routes.set(r.routeId, { pulls: r.pulls, sum: r.sumProfitUsd });
    return agent;
  }
}

function requireRouteId(routeId: string): string {
  if (typeof routeId !== 'string' || routeId.length === 0) {
    throw new GovernorError('GOVERNOR_BAD_INPUT', 'a route needs a non-empty routeId', { field: 'routeId' });
  }
  return routeId;
}
