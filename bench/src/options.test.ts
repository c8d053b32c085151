import { describe, expect, it } from 'vitest';
import { BenchError } from './errors.js';
import { DEFAULTS, parseOptions, QUICK } from './options.js';

describe('parseOptions', () => {
  it('defaults to 5 runs over 1M ticks and a 10M-tick memory run, written to bench/', () => {
    const o = parseOptions([]);
    expect([o.runs, o.ticks, o.big, o.quick, o.outDir, o.skip.size]).toEqual([
      5,
      1_000_000,
      10_000_000,
      false,
      undefined,
      0,
    ]);
    expect(DEFAULTS).toEqual({ runs: 5, ticks: 1_000_000, big: 10_000_000, latencyTicks: 20_000 });
    expect(o.latencyTicks).toBe(20_000);
  });

  it('takes --quick sizes, and explicit values over them in either spelling', () => {
    expect(parseOptions(['--quick'])).toMatchObject({ ...QUICK, quick: true });
    expect(
      parseOptions(['--quick', '--runs=3', '--ticks', '1_000', '--big', '2,000', '--latency-ticks=800']),
    ).toMatchObject({
      runs: 3,
      ticks: 1_000,
      big: 2_000,
      latencyTicks: 800,
    });
    expect(parseOptions(['--quick']).latencyTicks).toBe(1_500);
  });

  it('reads --skip as a comma-separated list of sections, and --out as a folder', () => {
    const o = parseOptions(['--skip', 'big,workers,latency', '--out', '/tmp/x', '--']);
    expect([...o.skip]).toEqual(['big', 'workers', 'latency']);
    expect(o.outDir).toBe('/tmp/x');
  });

  it.each([
    [['--runs', '0'], /--runs takes a whole number >= 1; got 0/],
    [['--ticks', '2.5'], /--ticks takes a whole number/],
    [['--skip', 'gpu'], /--skip takes parse, momentum/],
    [['--runs'], /--runs needs a value/],
    [['--latency-ticks', '10'], /--latency-ticks takes a whole number >= 200; got 10/],
    [['--fast'], /--fast is not an option/],
    [['5'], /5 is not an option/],
  ])('refuses %j with a message naming the option', (argv, message) => {
    expect(() => parseOptions(argv)).toThrow(BenchError);
    expect(() => parseOptions(argv)).toThrow(message);
  });
});
