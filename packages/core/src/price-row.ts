import { describeBadTimestamp, type EpochUnit } from './timestamp.js';

/** One row of a price file. `price` may be absent when both `bid` and `ask` are present. */
export interface PriceRow {
  readonly symbol: string;
  readonly tsMs: number;
  readonly price: number | undefined;
  readonly bid: number | undefined;
  readonly ask: number | undefined;
  readonly volume: number | undefined;
  readonly source: string;
}

/**
 * Why a line could not be read: what is wrong, in which column (`undefined`: the whole line, e.g.
 * its column count) and the offending text. `header`: the header itself is unusable, so no row of
 * the file can be read. A value, not an exception: a reader turns it into its own typed error (with
 * file and line) or skips the row, without the cost of an Error per bad row.
 */
export class PriceRowProblem {
  constructor(
    readonly what: string,
    readonly value: string,
    readonly column?: string,
    readonly columnNumber?: number,
    readonly extra: Readonly<Record<string, number>> = {},
    readonly header = false,
  ) {}
}

/** A problem of the header line: no row of the file can be read. */
export function headerProblem(what: string, headerLine: string): PriceRowProblem {
  return new PriceRowProblem(what, headerLine, undefined, undefined, {}, true);
}

/** A number cell; empty means absent. */
export function cellNumber(
  cells: readonly string[],
  i: number,
  names: readonly string[],
): number | undefined | PriceRowProblem {
  return numberOrProblem((cells[i] as string).trim(), names[i] as string, i + 1);
}

/** A number from a cell or JSON string; empty means absent. */
export function numberOrProblem(
  text: string,
  column: string,
  columnNumber: number | undefined,
): number | undefined | PriceRowProblem {
  if (text === '') return undefined;
  const v = Number(text);
  if (Number.isFinite(v)) return v;
  return new PriceRowProblem(
    `${column} ${JSON.stringify(text)} is not a finite number`,
    text,
    column,
    columnNumber,
  );
}

/** A {@link PriceRowProblem} for a timestamp {@link parseTimestampMs} refused. */
export function timestampProblem(
  text: string,
  unit: EpochUnit,
  column: string,
  columnNumber?: number,
): PriceRowProblem {
  return new PriceRowProblem(describeBadTimestamp(text, unit, column), text, column, columnNumber);
}
