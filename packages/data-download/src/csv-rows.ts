/** The header of candle files: one row per candle, stamped with its open time; ReplayFeed reads `close` as the price. */
export const CANDLE_HEADER = 'timestamp,open,high,low,close,volume';
/** The header of tick files: ReplayFeed prices a tick at the mid of bid and ask. */
export const TICK_HEADER = 'timestamp,bid,ask,volume';

/** A timestamp as written in the files: ISO 8601 UTC with milliseconds (`2024-01-02T10:00:00.000Z`). */
export function isoMs(tsMs: number): string {
  return new Date(tsMs).toISOString();
}

/** A number as written in the files: the shortest text that reads back as the same float. */
export function decimal(value: number): string {
  return String(value);
}

/** One candle row. */
export function candleRow(
  tsMs: number,
  open: number,
  high: number,
  low: number,
  close: number,
  volume: number,
): string {
  return `${isoMs(tsMs)},${decimal(open)},${decimal(high)},${decimal(low)},${decimal(close)},${decimal(volume)}\n`;
}

/** One tick row. */
export function tickRow(tsMs: number, bid: number, ask: number, volume: number): string {
  return `${isoMs(tsMs)},${decimal(bid)},${decimal(ask)},${decimal(volume)}\n`;
}
