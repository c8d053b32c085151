import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { gzipSync } from 'node:zlib';
import { type Alert, ManualClock, type Tick } from '@omni/core';
import { afterAll, describe, expect, it } from 'vitest';
import { bundledFxPath } from './bundled-fx.js';
import { ReplayFeed } from './replay-feed.js';

const dir = mkdtempSync(join(tmpdir(), 'omni-replay-'));
setFlagsFromString('--expose-gc');
/** V8's full GC, exposed at run time so the memory test measures retained heap, not garbage. */
const gc = runInNewContext('gc') as () => void;
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

async function collect(feed: AsyncIterable<Tick>): Promise<Tick[]> {
  const out: Tick[] = [];
  for await (const t of feed) out.push(t);
  return out;
}

const MALFORMED =
  'timestamp,price\n2024-01-02,1.10\n2024-01-03,1.11\n2024-01-04,abc\n2024-01-05,1.12\n2024-01-08,1.13\n';

describe('ReplayFeed', () => {
  it('replays the bundled EURUSD series from 1999-01-04 at 1.1812 with UTC-midnight timestamps', async () => {
    const ticks = await collect(new ReplayFeed({ path: bundledFxPath('EURUSD') }));
    expect(ticks.length).toBe(6594);
    expect(ticks[0]).toEqual({
      symbol: 'EURUSD',
      tsMs: Date.UTC(1999, 0, 4),
      price: 1.1812,
      source: 'replay:EURUSD.csv',
    });
    expect(ticks.at(-1)).toMatchObject({ tsMs: Date.UTC(2025, 0, 3), price: 1.02989 });
    expect(Object.keys(ticks[0] as Tick)).toEqual(['symbol', 'tsMs', 'price', 'source']);
  });

  it('stops with FEED_MALFORMED_ROW naming file, line and column under reject', async () => {
    const path = file('bad.csv', MALFORMED);
    const feed = new ReplayFeed({ path });
    await expect(collect(feed)).rejects.toMatchObject({
      code: 'FEED_MALFORMED_ROW',
      context: { file: path, line: 4, column: 'price', columnNumber: 2, value: 'abc' },
      message: expect.stringContaining('bad.csv:4 column price'),
    });
  });

  it('keeps every good row before and after a malformed one under skip-and-alert and alerts the bad one', async () => {
    const alerts: Alert[] = [];
    const path = file('bad2.csv', MALFORMED);
    const ticks = await collect(
      new ReplayFeed({ path, policy: 'skip-and-alert', onAlert: (a) => alerts.push(a) }),
    );
    expect(ticks.map((t) => t.price)).toEqual([1.1, 1.11, 1.12, 1.13]);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({
      level: 'warn',
      code: 'FEED_MALFORMED_ROW',
      source: 'replay:bad2.csv',
      context: { line: 4, column: 'price' },
    });
  });

  it('routes semantic problems (negative price, older timestamp) through the normalizer with the line', async () => {
    const path = file(
      'sem.csv',
      'timestamp,price\n2024-01-02,1.1\n2024-01-03,-1\n2024-01-01,1.2\n2024-01-04,1.3\n',
    );
    const alerts: Alert[] = [];
    const ticks = await collect(
      new ReplayFeed({ path, policy: 'skip-and-alert', onAlert: (a) => alerts.push(a) }),
    );
    expect(ticks.map((t) => t.price)).toEqual([1.1, 1.3]);
    expect(alerts.map((a) => [a.code, a.context?.['line']])).toEqual([
      ['FEED_BAD_PRICE', 3],
      ['FEED_NON_MONOTONIC', 4],
    ]);
    await expect(collect(new ReplayFeed({ path }))).rejects.toMatchObject({
      code: 'FEED_BAD_PRICE',
      context: { line: 3 },
    });
  });

  it('maps custom columns, takes the mid of bid/ask, epoch seconds and a symbol column', async () => {
    const path = file(
      'quotes.csv',
      'Sym;T;B;A;Qty\nbtcusdt;1704067200;42000;42002;0.5\nbtcusdt;1704067200.5;42001;42003;\n',
    );
    const ticks = await collect(
      new ReplayFeed({
        path,
        delimiter: ';',
        timestampUnit: 's',
        columns: { symbol: 'Sym', timestamp: 'T', bid: 'B', ask: 'A', volume: 'Qty' },
      }),
    );
    expect(ticks).toEqual([
      {
        symbol: 'BTCUSDT',
        tsMs: 1704067200000,
        price: 42001,
        bid: 42000,
        ask: 42002,
        volume: 0.5,
        source: 'replay:quotes.csv',
      },
      {
        symbol: 'BTCUSDT',
        tsMs: 1704067200500,
        price: 42002,
        bid: 42001,
        ask: 42003,
        source: 'replay:quotes.csv',
      },
    ]);
  });

  it('reads a gzip file (.csv.gz, .jsonl.gz, concatenated members) exactly as the plain one', async () => {
    const rows = Array.from(
      { length: 5000 },
      (_, i) => `${1704067200 + i * 60},${(1.1 + i * 1e-5).toFixed(5)}`,
    );
    const text = `timestamp,price\n${rows.join('\n')}\n`;
    const plain = await collect(new ReplayFeed({ path: file('EURUSD.csv', text), timestampUnit: 's' }));
    const gzPath = join(dir, 'EURUSD.csv.gz');
    // Two gzip members, split mid-line: a resumed download appends a member; gunzip reads them as one text.
    const cut = text.indexOf('\n', text.length / 2) - 3;
    writeFileSync(gzPath, Buffer.concat([gzipSync(text.slice(0, cut)), gzipSync(text.slice(cut))]));
    const gz = await collect(new ReplayFeed({ path: gzPath, timestampUnit: 's' }));
    expect(gz.length).toBe(5000);
    // Same ticks; the symbol comes from the name without .csv.gz, the source names the .gz file.
    expect(gz.map((t) => ({ ...t, source: '' }))).toEqual(plain.map((t) => ({ ...t, source: '' })));
    expect(gz[0]).toMatchObject({
      symbol: 'EURUSD',
      tsMs: 1704067200000,
      price: 1.1,
      source: 'replay:EURUSD.csv.gz',
    });
    const jsonl = join(dir, 'ticks.jsonl.gz');
    writeFileSync(jsonl, gzipSync('{"ts":1704067200000,"price":2}\n{"ts":1704067260000,"price":3}\n'));
    const fromJsonl = await collect(new ReplayFeed({ path: jsonl, symbol: 'X' }));
    expect(fromJsonl.map((t) => [t.tsMs, t.price])).toEqual([
      [1704067200000, 2],
      [1704067260000, 3],
    ]);
  });

  it('stops with FEED_UNREADABLE on a corrupt gzip file', async () => {
    const path = join(dir, 'bad.csv.gz');
    writeFileSync(path, Buffer.from('timestamp,price\nnot gzip at all\n'));
    await expect(collect(new ReplayFeed({ path }))).rejects.toMatchObject({ code: 'FEED_UNREADABLE' });
  });

  it('reads ISO date-times without a zone as UTC and with an offset as given', async () => {
    const path = file(
      'iso.csv',
      'time,price\n2024-01-02 10:00:00,1\n2024-01-02T11:00:01.250+01:00,2\n2024-01-02T10:00:02Z,3\n',
    );
    const ticks = await collect(new ReplayFeed({ path }));
    expect(ticks.map((t) => t.tsMs)).toEqual([
      Date.UTC(2024, 0, 2, 10),
      Date.UTC(2024, 0, 2, 10, 0, 1, 250),
      Date.UTC(2024, 0, 2, 10, 0, 2),
    ]);
  });

  it('replays quoted CSV cells, commas inside quotes included', async () => {
    const path = file(
      'quoted.csv',
      'timestamp,price,note\n"2024-01-02 10:00:00","1.1","wide, thin"\n"2024-01-02 10:00:01","1.2",""\n',
    );
    const ticks = await collect(new ReplayFeed({ path }));
    expect(ticks.map((t) => [t.tsMs, t.price])).toEqual([
      [Date.UTC(2024, 0, 2, 10), 1.1],
      [Date.UTC(2024, 0, 2, 10, 0, 1), 1.2],
    ]);
  });

  it('replays a MetaTrader 5 tick export: tab-separated, dotted dates, empty bid or ask unchanged', async () => {
    const path = file(
      'EURUSD_ticks.csv',
      '<DATE>\t<TIME>\t<BID>\t<ASK>\t<LAST>\t<VOLUME>\t<FLAGS>\n' +
        '2024.01.02\t10:00:00.123\t1.10450\t1.10460\t\t\t6\n' +
        '2024.01.02\t10:00:00.456\t\t1.10470\t\t\t4\n',
    );
    const ticks = await collect(new ReplayFeed({ path, symbol: 'EURUSD' }));
    expect(ticks.map((t) => [t.tsMs, t.bid, t.ask])).toEqual([
      [Date.UTC(2024, 0, 2, 10, 0, 0, 123), 1.1045, 1.1046],
      [Date.UTC(2024, 0, 2, 10, 0, 0, 456), 1.1045, 1.1047],
    ]);
    // mids: (1.10450 + 1.10460) / 2 = 1.10455 and (1.10450 + 1.10470) / 2 = 1.10460
    expect(
      Math.abs((ticks[0]?.price ?? 0) - 1.10455) + Math.abs((ticks[1]?.price ?? 0) - 1.1046),
    ).toBeLessThan(1e-12);
  });

  it('stops on a header without a timestamp column even under skip-and-alert', async () => {
    const path = file('nots.csv', 'when,price\n2024-01-02,1.1\n');
    await expect(collect(new ReplayFeed({ path, policy: 'skip-and-alert' }))).rejects.toMatchObject({
      code: 'FEED_MALFORMED_ROW',
      context: { file: path, line: 1, header: 'when,price' },
    });
  });

  it('replays JSONL with numbers or numeric strings and names the key of a bad field', async () => {
    const path = file(
      'ticks.jsonl',
      '{"ts":1000,"price":"1.5","symbol":"ethusdt"}\n\n{"ts":"1970-01-01T00:00:02Z","bid":1.6,"ask":1.7}\n{"ts":3000,"price":true}\n{oops\n',
    );
    const alerts: Alert[] = [];
    const ticks = await collect(
      new ReplayFeed({
        path,
        timestampUnit: 'ms',
        policy: 'skip-and-alert',
        onAlert: (a) => alerts.push(a),
      }),
    );
    expect(ticks.map((t) => [t.symbol, t.tsMs, t.price])).toEqual([
      ['ETHUSDT', 1000, 1.5],
      ['TICKS', 2000, 1.65],
    ]);
    expect(alerts.map((a) => [a.context?.['line'], a.context?.['column']])).toEqual([
      [4, 'price'],
      [5, 'char 2'],
    ]);
  });

  it('reads 10-digit epoch numbers as seconds and 13-digit ones as milliseconds, in CSV and JSONL', async () => {
    const csv = file('epoch.csv', 'timestamp,price\n1704067200,1.1\n1704067260.5,1.2\n1704067320000,1.3\n');
    const jsonl = file(
      'epoch.jsonl',
      '{"ts":1704067200,"price":1.1}\n{"ts":"1704067260","price":1.2}\n{"ts":1704067320000,"price":1.3}\n',
    );
    const fromCsv = await collect(new ReplayFeed({ path: csv }));
    const fromJsonl = await collect(new ReplayFeed({ path: jsonl }));
    // 1704067200 s = 2024-01-01T00:00:00Z, not 1970-01-20 as it would be if read as milliseconds.
    const expected = [Date.UTC(2024, 0, 1), Date.UTC(2024, 0, 1, 0, 1, 0, 500), Date.UTC(2024, 0, 1, 0, 2)];
    expect([fromCsv.map((t) => t.tsMs), fromJsonl.map((t) => t.tsMs)]).toEqual([
      expected,
      [Date.UTC(2024, 0, 1), Date.UTC(2024, 0, 1, 0, 1), Date.UTC(2024, 0, 1, 0, 2)],
    ]);
  });

  it.each([
    ['12 digits', '170406720000'],
    ['16 digits (microseconds)', '1704067200000000'],
    ['a leading zero', '0170406720'],
    ['a negative number', '-1704067200'],
  ])('rejects an epoch timestamp with %s naming file, line and value', async (_label, value) => {
    const path = file('epoch-bad.csv', `timestamp,price\n1704067200,1.1\n${value},1.2\n`);
    await expect(collect(new ReplayFeed({ path }))).rejects.toMatchObject({
      code: 'FEED_MALFORMED_ROW',
      context: { file: path, line: 3, column: 'timestamp', columnNumber: 1, value },
      message: expect.stringMatching(/10 digits \(seconds\) or 13 digits \(milliseconds\).*epoch-bad\.csv:3/),
    });
  });

  it('takes small epoch numbers as given when timestampUnit is explicit', async () => {
    const path = file('unit.csv', 'timestamp,price\n1000,1.1\n2500,1.2\n');
    const ticks = await collect(new ReplayFeed({ path, timestampUnit: 'ms' }));
    expect(ticks.map((t) => t.tsMs)).toEqual([1000, 2500]);
  });

  it('rejects a row with more columns than the header, naming file, line and column count', async () => {
    const text = 'timestamp,price\n2024-01-02,1.10\n2024-01-03,1.11,7\n2024-01-04,1.12\n';
    const path = file('extra.csv', text);
    await expect(collect(new ReplayFeed({ path }))).rejects.toMatchObject({
      code: 'FEED_MALFORMED_ROW',
      context: { file: path, line: 3, columns: 3, headerColumns: 2, value: '2024-01-03,1.11,7' },
      message: expect.stringContaining('row has 3 columns but the header has 2 at extra.csv:3'),
    });
    const alerts: Alert[] = [];
    const ticks = await collect(
      new ReplayFeed({ path, policy: 'skip-and-alert', onAlert: (a) => alerts.push(a) }),
    );
    expect([ticks.map((t) => t.price), alerts.map((a) => [a.code, a.context?.['line']])]).toEqual([
      [1.1, 1.12],
      [['FEED_MALFORMED_ROW', 3]],
    ]);
  });

  it('rejects a price of 1e308 as FEED_BAD_PRICE naming file, line and field', async () => {
    const path = file('huge.csv', 'timestamp,price\n2024-01-02,1.10\n2024-01-03,1e308\n2024-01-04,1.12\n');
    await expect(collect(new ReplayFeed({ path }))).rejects.toMatchObject({
      code: 'FEED_BAD_PRICE',
      context: { file: path, line: 3, field: 'price', value: '1e+308' },
      message: expect.stringContaining(`at ${path}:3`),
    });
  });

  it('fails to start with FEED_UNREADABLE for a missing file', async () => {
    await expect(new ReplayFeed({ path: join(dir, 'nope.csv') }).start()).rejects.toMatchObject({
      code: 'FEED_UNREADABLE',
    });
  });

  it('paces emission by timestamp gaps divided by the speed factor using the injected clock and sleep', async () => {
    const path = file('pace.csv', 'timestamp,price\n0,1\n1000,1\n1000,1.1\n4000,1\n');
    const clock = new ManualClock(50_000);
    const slept: number[] = [];
    const sleep = async (ms: number): Promise<void> => {
      slept.push(ms);
      clock.advance(ms);
    };
    const ticks = await collect(new ReplayFeed({ path, timestampUnit: 'ms', speed: 2, clock, sleep }));
    expect(ticks).toHaveLength(4);
    expect(slept).toEqual([500, 1500]);
    expect(clock.nowMs()).toBe(52_000);
  });

  it('ends the iteration after stop()', async () => {
    const feed = new ReplayFeed({ path: bundledFxPath('USDJPY') });
    let n = 0;
    for await (const _ of feed) {
      if (++n === 10) await feed.stop();
    }
    expect(n).toBe(10);
  });

  it('streams in constant memory: heap retained halfway through a 4 MB file stays under 1.5 MB', async () => {
    // Retained heap after a forced GC is exact, unlike heapUsed (which counts young garbage).
    // A reader holding the whole file, or the ticks, would retain >= 4 MB at the halfway point.
    const lines = ['timestamp,price'];
    for (let i = 0; i < 200_000; i++)
      lines.push(`${1_700_000_000_000 + i},${(1 + (i % 1000) * 1e-5).toFixed(5)}`);
    const path = file('big.csv', `${lines.join('\n')}\n`);
    lines.length = 0;
    for await (const _ of new ReplayFeed({ path: file('warm.csv', 'timestamp,price\n1700000000000,1\n') }));
    gc();
    const base = process.memoryUsage().heapUsed;
    let retained = 0;
    let n = 0;
    for await (const _ of new ReplayFeed({ path })) {
      if (++n === 100_000) {
        gc();
        retained = process.memoryUsage().heapUsed - base;
      }
    }
    expect({ n, retainedUnderLimit: retained < 1.5 * 1024 * 1024 }).toEqual({
      n: 200_000,
      retainedUnderLimit: true,
    });
  });
});
