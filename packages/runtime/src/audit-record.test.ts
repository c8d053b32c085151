import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { auditHashOfLine } from './audit-record.js';

describe('auditHashOfLine', () => {
  it('is the SHA-256 of `prevHash\\nseq\\nline` as one string, for any line', () => {
    const prev = 'ab'.repeat(32);
    for (const line of ['{"a":1}', '{"reason":"é → ü, 😀 \u2028"}', `{"long":"${'x'.repeat(7000)}😀"}`]) {
      const joined = createHash('sha256').update(`${prev}\n42\n${line}`).digest('hex');
      expect(auditHashOfLine(prev, 42, line)).toBe(joined);
    }
    expect(auditHashOfLine('0'.repeat(64), 1, '{}')).toBe(
      createHash('sha256')
        .update(`${'0'.repeat(64)}\n1\n{}`)
        .digest('hex'),
    );
  });
});
