import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LineReader } from './line-reader.js';

describe('LineReader', () => {
  it('gives the same lines however the stream is cut into chunks', () => {
    const line = fc.string({ maxLength: 40 }).filter((s) => !s.includes('\n'));
    fc.assert(
      fc.property(fc.array(line, { maxLength: 12 }), fc.array(fc.nat(), { maxLength: 8 }), (lines, cuts) => {
        const text = lines.map((l) => `${l}\n`).join('');
        const points = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b);
        const reader = new LineReader(1_024);
        const seen: string[] = [];
        let from = 0;
        for (const to of [...points, text.length]) {
          expect(reader.push(text.slice(from, to), (l) => seen.push(l) > 0)).toBe(0);
          from = to;
        }
        expect(seen).toEqual(lines.map((l) => l.trim()).filter((l) => l !== ''));
      }),
    );
  });

  it('reports a line over the ceiling in bytes, multi-byte characters counted as bytes', () => {
    expect(new LineReader(1_024).push(`${'é'.repeat(600)}\n`, () => true)).toBe(600);
    expect(new LineReader(1_024).push('x'.repeat(1_025), () => true)).toBe(1_025);
    expect(new LineReader(1_024).push(`${'x'.repeat(1_024)}\n`, () => true)).toBe(0);
  });

  it('stops at the line whose handler says stop', () => {
    const seen: string[] = [];
    new LineReader(1_024).push('a\nb\nc\n', (l) => seen.push(l) < 2);
    expect(seen).toEqual(['a', 'b']);
  });
});
