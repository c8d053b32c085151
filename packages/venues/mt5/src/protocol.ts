import { z } from 'zod';

/**
 * The OmniBridge protocol, version 1 (docs/venues/mt5.md is the prose of the same thing):
 * line-delimited JSON over TCP, UTF-8, one object per `\n`-terminated line; every message has
 * `"v":1` and a `"type"`. The Expert Advisor (a TCP client: MQL5 sockets only connect out) talks
 * to the bridge server of this package. Field names are snake_case as the EA writes them
 * (`time_msc` as in MQL5's `MqlTick`). These schemas are the one source of truth: types are
 * inferred from them.
 */
export const PROTOCOL_VERSION = 1;

const v = z.literal(PROTOCOL_VERSION);
const side = z.enum(['buy', 'sell']);
const price = z.number().finite().positive();
const lots = z.number().finite().positive();
const timeMsc = z.number().int().nonnegative();
/** The client order id: the decision id, carried in the MT5 order comment (at most 31 characters). */
const clientId = z.string().min(1).max(31);
const symbol = z.string().min(1).max(32);
const money = z.number().finite();

/** EA → bridge: the first line of a session. `secret` is the shared secret (MT5_BRIDGE_SECRET). */
export const HelloSchema = z.object({
  v,
  type: z.literal('hello'),
  /** The MT5 login number (not a secret; the password stays in the terminal). */
  account: z.number().int().nonnegative(),
  server: z.string().min(1),
  /** Terminal build (`TERMINAL_BUILD`). */
  build: z.number().int().nonnegative(),
  /** Account currency (`ACCOUNT_CURRENCY`): the bridge accepts USD accounts only. */
  currency: z.string().min(1),
  secret: z.string(),
});

/** EA → bridge: one quote of a subscribed symbol. */
export const TickSchema = z.object({
  v,
  type: z.literal('tick'),
  symbol,
  bid: price,
  ask: price,
  time_msc: timeMsc,
});

/** EA → bridge: an `order` filled; `ticket` is the MT5 position ticket. */
export const FillSchema = z.object({
  v,
  type: z.literal('fill'),
  client_id: clientId,
  ticket: z.string().min(1),
  symbol,
  side,
  volume: lots,
  price,
  /** Commission of the entry deal in the account currency (MT5 reports it negative). Default 0. */
  commission: money.default(0),
  time_msc: timeMsc,
});

/** EA → bridge: a request was refused (by the EA's own checks or by the trade server). */
export const RejectSchema = z.object({
  v,
  type: z.literal('reject'),
  client_id: clientId,
  /** The request refused: the opening `order` (default), a `modify` or a `close`. */
  op: z.enum(['order', 'modify', 'close']).default('order'),
  /** MT5 trade server return code (`MqlTradeResult.retcode`), 0 for the EA's own refusals. */
  retcode: z.number().int(),
  message: z.string(),
});

/**
 * EA → bridge: an exit deal (DEAL_ENTRY_OUT) of a position, partial or final; `remaining` is the
 * volume still open after it (0: the position is closed). Money in the account currency.
 */
export const ClosedSchema = z.object({
  v,
  type: z.literal('closed'),
  client_id: clientId,
  ticket: z.string().min(1),
  volume: lots,
  remaining: z.number().finite().nonnegative(),
  price,
  profit: money,
  commission: money,
  swap: money,
  time_msc: timeMsc,
  /** DEAL_REASON_SL / _TP / _SO (stop-out), anything else `close`. */
  reason: z.enum(['sl', 'tp', 'close', 'stopout']),
});

/** One open position of the EA's magic number. */
export const PositionItemSchema = z.object({
  client_id: clientId,
  ticket: z.string().min(1),
  symbol,
  side,
  volume: lots,
  open_price: price,
  /** 0 when none (as MT5 reports it). */
  sl: z.number().finite().nonnegative(),
  tp: z.number().finite().nonnegative(),
  profit: money,
  /** Open time (`POSITION_TIME_MSC`); 0 when unknown. */
  time_msc: timeMsc.default(0),
});

/** EA → bridge: every open position of the EA's magic number (after hello, and on `positions?`). */
export const PositionsSchema = z.object({
  v,
  type: z.literal('positions'),
  /** The `req` of the `positions?` it answers; absent on the snapshot sent after hello. */
  req: z.number().int().nonnegative().optional(),
  items: z.array(PositionItemSchema),
});

/** EA → bridge: alive (every few seconds, see the EA's timer). */
export const EaHeartbeatSchema = z.object({ v, type: z.literal('heartbeat'), time_msc: timeMsc });

/** EA → bridge: the answer to a `ping`, echoing its `id`. */
export const PongSchema = z.object({
  v,
  type: z.literal('pong'),
  id: z.number().int().nonnegative().optional(),
});

/** Every line the EA may send, discriminated by `type`. */
export const EaMessageSchema = z.discriminatedUnion('type', [
  HelloSchema,
  TickSchema,
  FillSchema,
  RejectSchema,
  ClosedSchema,
  PositionsSchema,
  EaHeartbeatSchema,
  PongSchema,
]);

export type EaHello = z.infer<typeof HelloSchema>;
export type EaTick = z.infer<typeof TickSchema>;
export type EaFill = z.infer<typeof FillSchema>;
export type EaReject = z.infer<typeof RejectSchema>;
export type EaClosed = z.infer<typeof ClosedSchema>;
export type EaPositionItem = z.infer<typeof PositionItemSchema>;
export type EaPositions = z.infer<typeof PositionsSchema>;
/** A validated line from the EA. */
export type EaMessage = z.infer<typeof EaMessageSchema>;

/** Every line the bridge sends to the EA (`v` is added by {@link encodeBridgeMessage}). */
export type BridgeMessage =
  | { readonly type: 'welcome'; readonly session: string }
  | { readonly type: 'denied'; readonly reason: string }
  /** Adds symbols to the EA's tick subscription (the union of every subscribe of the session and its `Symbols` input). */
  | { readonly type: 'subscribe'; readonly symbols: readonly string[] }
  /** A market order with its SL and TP at the broker (0: none). */
  | {
      readonly type: 'order';
      readonly client_id: string;
      readonly symbol: string;
      readonly side: 'buy' | 'sell';
      readonly volume: number;
      readonly sl: number;
      readonly tp: number;
    }
  | { readonly type: 'modify'; readonly client_id: string; readonly sl: number; readonly tp: number }
  /** Closes `volume` lots (partial) or, without it, the whole position. */
  | { readonly type: 'close'; readonly client_id: string; readonly volume?: number }
  | { readonly type: 'positions?'; readonly req: number }
  | { readonly type: 'heartbeat'; readonly time_msc: number }
  | { readonly type: 'ping'; readonly id: number };

/** One bridge message as its line (with `v` and the trailing newline). */
export function encodeBridgeMessage(message: BridgeMessage): string {
  return `${JSON.stringify({ v: PROTOCOL_VERSION, ...message })}\n`;
}

/** What reading one line gave: a message, or why it was skipped. */
export type ParsedLine =
  | { readonly ok: true; readonly message: EaMessage }
  | { readonly ok: false; readonly problem: string };

/**
 * Parses and validates one line from the EA. Never throws: a line that is not JSON, not a
 * protocol v1 object or has a bad field gives `ok: false` with every issue and its path.
 */
export function parseEaLine(line: string): ParsedLine {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return { ok: false, problem: 'line is not JSON' };
  }
  const result = EaMessageSchema.safeParse(value);
  if (result.success) return { ok: true, message: result.data };
  const issues = result.error.issues.map(
    (issue) => `${issue.path.map(String).join('.') || '(root)'}: ${issue.message}`,
  );
  return { ok: false, problem: `not a protocol v1 message: ${issues.join('; ')}` };
}
