/**
 * Section (h): what two established engines publish about their own speed. Quoted, not measured:
 * nothing here was run on this machine, and their workloads (a C# data feed with an empty algorithm;
 * a Rust/Cython event loop) are not ours.
 */
export interface PeerFigure {
  readonly engine: string;
  /** The figure as published, in the peer's own unit. */
  readonly figure: string;
  readonly unit: string;
  /** Where it is published: link text and address. */
  readonly source: { readonly text: string; readonly url: string };
  readonly note: string;
}

export const PEER_FIGURES: readonly PeerFigure[] = [
  {
    engine: 'QuantConnect Lean',
    figure: '~200–300k',
    unit: 'data points per second',
    source: { text: 'Lean Performance Benchmark', url: 'https://www.quantconnect.com/performance' },
    note: 'their chart of data points per second for benchmark algorithms run against Lean master (see also the "Engine Performance" page of their docs); as quoted in issue 14, not run here',
  },
  {
    engine: 'nautilus_trader',
    figure: '500k+',
    unit: 'events per second',
    source: { text: 'NautilusTrader documentation', url: 'https://nautilustrader.io/docs/latest/' },
    note: 'their published backtest throughput of the Rust core; as quoted in issue 14, not run here',
  },
];
