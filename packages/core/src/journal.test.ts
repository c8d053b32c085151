import {
  appendFileSync,
  mkdtempSync,
  readFileSync,
  statSync,
  truncateSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { JournalError } from './errors.js';
import {
  JournalWriter,
  journalPositionOnDisk,
  listJournalFiles,
  readJournal,
  streamJournal,
  type TornLine,
  toJsonLine,
  truncateJournal,
} from './journal.js';
import { TickSchema } from './tick.js';

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'omni-journal-'));
}

describe('JournalWriter and readJournal', () => {
  it('round-trips 100k records in order', async () => {
    const file = join(tempDir(), 'ticks.jsonl');
    const writer = new JournalWriter(file);
    for (let i = 0; i < 100_000; i++) {
      writer.append({ symbol: 'EURUSD', tsMs: 1_700_000_000_000 + i, price: 1 + i / 1e6, source: 'test' });
    }
    writer.close();
    expect(writer.recordCount).toBe(100_000);
    const { records, torn } = await readJournal(file, { schema: TickSchema });
    expect(torn).toBeUndefined();
    expect(records).toHaveLength(100_000);
    expect(records[0]).toEqual({ symbol: 'EURUSD', tsMs: 1_700_000_000_000, price: 1, source: 'test' });
    expect(records[99_999]?.price).toBe(1 + 99_999 / 1e6);
    expect(records.every((r, i) => r.tsMs === 1_700_000_000_000 + i)).toBe(true);
  });

  it('writes one complete JSON record per line', () => {
    const file = join(tempDir(), 'x.jsonl');
    const writer = new JournalWriter(file);
    writer.append({ a: 1, text: 'line\nbreak' });
    writer.append({ wei: 10n ** 20n });
    writer.close();
    expect(readFileSync(file, 'utf8')).toBe(
      '{"a":1,"text":"line\\nbreak"}\n{"wei":"100000000000000000000"}\n',
    );
  });

  it('writes nothing before flush and everything after', () => {
    const file = join(tempDir(), 'x.jsonl');
    const writer = new JournalWriter(file);
    writer.append({ a: 1 });
    expect(() => statSync(file)).toThrow();
    writer.flush();
    expect(readFileSync(file, 'utf8')).toBe('{"a":1}\n');
    writer.close();
    expect(() => writer.append({ a: 2 })).toThrow(JournalError);
  });

  it('reads back a journal truncated mid-line: every complete record, one reported torn line', async () => {
    const file = join(tempDir(), 'trades.jsonl');
    const writer = new JournalWriter(file);
    for (let i = 0; i < 1000; i++) writer.append({ i, pnl: i * 0.5, note: 'x'.repeat(i % 17) });
    writer.close();
    const full = statSync(file).size;
    truncateSync(file, full - 7); // cut the last record in half
    let torn: TornLine | undefined;
    const records: unknown[] = [];
    for await (const r of streamJournal(file, { onTorn: (t) => (torn = t) })) records.push(r);
    expect(records).toHaveLength(999);
    expect(records[998]).toEqual({ i: 998, pnl: 499, note: 'x'.repeat(998 % 17) });
    expect(torn?.line).toBe(1000);
    expect(torn?.file).toBe(file);
    expect(torn?.preview.startsWith('{"i":999')).toBe(true);
  });

  it('keeps a final record that is complete but lost its newline', async () => {
    const file = join(tempDir(), 'x.jsonl');
    writeFileSync(file, '{"a":1}\n{"a":2}');
    const { records, torn } = await readJournal(file);
    expect(records).toEqual([{ a: 1 }, { a: 2 }]);
    expect(torn).toBeUndefined();
  });

  it('throws a typed error naming the line for a corrupt line in the middle', async () => {
    const file = join(tempDir(), 'x.jsonl');
    writeFileSync(file, '{"a":1}\n{"a":\n{"a":3}\n');
    await expect(readJournal(file)).rejects.toMatchObject({
      code: 'JOURNAL_CORRUPT_LINE',
      context: { file, line: 2 },
    });
  });

  it('throws a typed error naming the line for a record that fails its schema', async () => {
    const file = join(tempDir(), 'x.jsonl');
    writeFileSync(
      file,
      '{"symbol":"A","tsMs":1,"price":1,"source":"s"}\n{"symbol":"A","tsMs":2,"price":-1,"source":"s"}\n',
    );
    await expect(readJournal(file, { schema: TickSchema })).rejects.toMatchObject({
      code: 'JOURNAL_CORRUPT_LINE',
      context: { line: 2 },
    });
  });

  it('gives a typed error for a missing journal', async () => {
    await expect(readJournal(join(tempDir(), 'none.jsonl'))).rejects.toMatchObject({
      code: 'JOURNAL_UNREADABLE',
    });
  });

  it('rotates by size without splitting a record, and lists the files in write order', async () => {
    const file = join(tempDir(), 'decisions.jsonl');
    const writer = new JournalWriter(file, { maxBytes: 1000, bufferBytes: 300 });
    for (let i = 0; i < 200; i++) writer.append({ i, pad: 'p'.repeat(20) });
    writer.close();
    const files = listJournalFiles(file);
    expect(files.length).toBeGreaterThan(5);
    expect(files[files.length - 1]).toBe(file);
    expect(files[0]).toMatch(/decisions\.000001\.jsonl$/);
    const all: Array<{ i: number }> = [];
    for (const f of files) {
      expect(statSync(f).size).toBeLessThanOrEqual(1000);
      const { records, torn } = await readJournal<{ i: number }>(f);
      expect(torn).toBeUndefined();
      all.push(...records);
    }
    expect(all.map((r) => r.i)).toEqual(Array.from({ length: 200 }, (_, i) => i));
  });

  it('writes multi-byte text and pre-serialised lines as the same bytes, rotating at byte (not character) counts', () => {
    const file = join(tempDir(), 'utf8.jsonl');
    const writer = new JournalWriter(file, { maxBytes: 120, bufferBytes: 50 });
    const records = Array.from({ length: 12 }, (_, i) => ({ i, note: `€ ${'é'.repeat(i)} 𝔼 ¥` }));
    for (const [k, r] of records.entries()) {
      if (k % 2 === 0) writer.append(r);
      else writer.appendLine(toJsonLine(r));
    }
    writer.close();
    const files = listJournalFiles(file);
    const text = files.map((f) => readFileSync(f, 'utf8')).join('');
    expect(text).toBe(records.map((r) => `${JSON.stringify(r)}\n`).join(''));
    // Each file holds whole lines and stays within 120 bytes unless one line alone is longer.
    for (const f of files) {
      const bytes = statSync(f).size;
      const lines = readFileSync(f, 'utf8')
        .split('\n')
        .filter((l) => l !== '');
      expect(lines.length === 1 || bytes <= 120).toBe(true);
    }
    // Lines of 30, 32, …, 48, 51, 53 bytes: 30+32+34 | 36+38+40 | 42+44 | 46+48 | 51+53.
    expect(files.map((f) => statSync(f).size)).toEqual([96, 114, 86, 94, 104]);
  });

  it('toJsonLine writes bigints (wei) as decimal strings, and is JSON.stringify for everything else', () => {
    const wei = { routeId: 'r', amountInWei: 12345678901234567890123n, nested: [{ gas: 214_280n }], x: 1.5 };
    expect(toJsonLine(wei)).toBe(
      '{"routeId":"r","amountInWei":"12345678901234567890123","nested":[{"gas":"214280"}],"x":1.5}',
    );
    const plain = { a: [1, null, 'é'], b: { c: true }, d: undefined, e: Number.NaN };
    expect(toJsonLine(plain)).toBe(JSON.stringify(plain));
    const circular: { self?: unknown } = {};
    circular.self = circular;
    expect(() => toJsonLine(circular)).toThrow(TypeError);
    expect(() => toJsonLine(undefined)).toThrow(expect.objectContaining({ code: 'JOURNAL_WRITE_FAILED' }));
  });

  it('continues rotation numbering when reopened', () => {
    const file = join(tempDir(), 'a.jsonl');
    const w1 = new JournalWriter(file, { maxBytes: 50 });
    for (let i = 0; i < 10; i++) w1.append({ i, pad: 'xxxxxxxxxx' });
    w1.close();
    const before = listJournalFiles(file).length;
    const w2 = new JournalWriter(file, { maxBytes: 50 });
    for (let i = 0; i < 10; i++) w2.append({ i, pad: 'xxxxxxxxxx' });
    w2.close();
    const after = listJournalFiles(file);
    expect(after.length).toBe(before + 10);
    expect(new Set(after).size).toBe(after.length);
  });

  it('always reads back whatever complete prefix a crash leaves (property)', async () => {
    const dir = tempDir();
    let n = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ k: fc.string(), v: fc.double({ noNaN: true, noDefaultInfinity: true }) }), {
          minLength: 1,
          maxLength: 30,
        }),
        fc.nat(),
        async (recs, cutSeed) => {
          const file = join(dir, `p${n++}.jsonl`);
          const w = new JournalWriter(file);
          for (const r of recs) w.append(r);
          w.close();
          const text = readFileSync(file);
          const cut = cutSeed % (text.length + 1);
          writeFileSync(file, text.subarray(0, cut));
          const { records } = await readJournal<{ k: string; v: number }>(file);
          const complete = text.subarray(0, cut).toString('utf8').split('\n').length - 1;
          expect(records.length).toBeGreaterThanOrEqual(complete);
          expect(records.length).toBeLessThanOrEqual(recs.length);
          records.forEach((r, i) => {
            expect(r.k).toBe(recs[i]?.k);
            expect(Object.is(r.v, recs[i]?.v) || r.v === recs[i]?.v).toBe(true);
          });
        },
      ),
      { numRuns: 60 },
    );
  });

  it('appends to an existing journal instead of replacing it', async () => {
    const file = join(tempDir(), 'x.jsonl');
    appendFileSync(file, '{"a":0}\n');
    const w = new JournalWriter(file);
    w.append({ a: 1 });
    w.close();
    expect((await readJournal(file)).records).toEqual([{ a: 0 }, { a: 1 }]);
  });
});

describe('journal positions and rewinding', () => {
  it('rewinds a journal to a position, folding back files rotated after it', async () => {
    const file = join(tempDir(), 'trades.jsonl');
    const writer = new JournalWriter(file, { maxBytes: 60 });
    for (let i = 0; i < 3; i++) writer.append({ i, pad: 'xxxxxxxx' });
    const at = writer.position();
    for (let i = 3; i < 12; i++) writer.append({ i, pad: 'xxxxxxxx' });
    writer.close();
    expect(listJournalFiles(file).length).toBeGreaterThan(at.rotation + 1);
    const cut = truncateJournal(file, at);
    expect(cut).toBeGreaterThan(0);
    const records: unknown[] = [];
    for (const f of listJournalFiles(file)) records.push(...(await readJournal(f)).records);
    expect(records).toEqual([0, 1, 2].map((i) => ({ i, pad: 'xxxxxxxx' })));
    expect(journalPositionOnDisk(file)).toEqual(at);
  });

  it('refuses to rewind a journal that is shorter than its position', () => {
    const file = join(tempDir(), 'alerts.jsonl');
    writeFileSync(file, '{"a":1}\n');
    expect(() => truncateJournal(file, { rotation: 0, bytes: 100 })).toThrow(JournalError);
    expect(truncateJournal(join(tempDir(), 'none.jsonl'), { rotation: 0, bytes: 0 })).toBe(0);
  });

  it('flushes on its timer, so a crash loses at most the flush window', () => {
    vi.useFakeTimers();
    try {
      const file = join(tempDir(), 'decisions.jsonl');
      const writer = new JournalWriter(file, { flushIntervalMs: 250 });
      writer.append({ n: 1 });
      expect(journalPositionOnDisk(file).bytes).toBe(0);
      vi.advanceTimersByTime(250);
      expect(readFileSync(file, 'utf8')).toBe('{"n":1}\n');
      writer.close();
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('JournalWriter when the disk refuses writes', () => {
  /** A disk that takes `room` more bytes, in writes of at most `chunk` bytes, then fails with ENOSPC. */
  function fillingDisk(room: number, chunk = 7) {
    let left = room;
    return (fd: number, data: Buffer, offset: number, length: number): number => {
      if (left === 0)
        throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
      const n = Math.min(length, chunk, left);
      left -= n;
      return writeSync(fd, data, offset, n);
    };
  }

  it('finishes a record the disk takes in short writes', async () => {
    const file = join(tempDir(), 'trades.jsonl');
    const writer = new JournalWriter(file, { write: fillingDisk(10_000, 5) });
    for (let i = 0; i < 20; i++) writer.append({ i });
    writer.close();
    expect((await readJournal<{ i: number }>(file)).records).toEqual(
      Array.from({ length: 20 }, (_, i) => ({ i })),
    );
  });

  it('throws JOURNAL_WRITE_FAILED with the errno and no secret when nobody handles the failure', () => {
    const writer = new JournalWriter(join(tempDir(), 'a.jsonl'), { write: fillingDisk(0) });
    writer.append({ a: 1 });
    expect(() => writer.flush()).toThrow(
      expect.objectContaining({
        code: 'JOURNAL_WRITE_FAILED',
        context: expect.objectContaining({ errno: 'ENOSPC' }),
      }),
    );
  });

  it('with onWriteFailure: reports the first failure once, never writes again, counts what is lost, leaves a readable file', async () => {
    const file = join(tempDir(), 'alerts.jsonl');
    const failures: JournalError[] = [];
    const writer = new JournalWriter(file, {
      write: fillingDisk(20),
      onWriteFailure: (e) => failures.push(e),
    });
    writer.append({ n: 1 }); // 8 bytes
    writer.flush();
    writer.append({ n: 2 });
    writer.append({ n: 3 }); // 16 more bytes: the disk takes 12 of them, so the third record is torn
    writer.flush();
    writer.append({ n: 4 });
    writer.flush();
    writer.close();
    expect(failures.map((e) => [e.code, e.context['errno']])).toEqual([['JOURNAL_WRITE_FAILED', 'ENOSPC']]);
    expect(writer.failure).toBe(failures[0]);
    expect(writer.lostRecords).toBe(3);
    const { records, torn } = await readJournal<{ n: number }>(file);
    expect(records).toEqual([{ n: 1 }, { n: 2 }]);
    expect(torn).toMatchObject({ line: 3 });
  });
});
