import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const doc = fileURLToPath(new URL('../../../../../docs/venues/binary-platforms.md', import.meta.url));
const template = fileURLToPath(new URL('./my-broker.ts', import.meta.url));

describe('docs/venues/binary-platforms.md', () => {
  it('shows the adapter template exactly as the type-checked and tested file', () => {
    const text = readFileSync(doc, 'utf8');
    const start = text.indexOf('```ts\n/**\n * The adapter template');
    const end = text.indexOf('```\n', start + 6);
    expect(start).toBeGreaterThan(0);
    expect(text.slice(start + '```ts\n'.length, end)).toBe(readFileSync(template, 'utf8'));
  });
});
