import { describe, expect, it } from 'vitest';
import { omni } from '../cli.fixture.js';

describe('omni arb demo (a local chain with real Uniswap V2 pools)', () => {
  it('finds, sizes and executes a 1 % gap: realised profit equals the prediction to the wei', async () => {
    const run = await omni(['arb', 'demo', '--gap-bps', '100', '--seed', '3', '--json']);
    expect(run.code).toBe(0);
    const result = JSON.parse(run.out) as Record<string, string | boolean>;
    expect(result).toMatchObject({ sent: true, txHash: expect.stringMatching(/^0x[0-9a-f]{64}$/) });
    expect(result['realisedProfitWei']).toBe(result['predictedProfitWei']);
    expect(BigInt(result['realisedProfitWei'] as string) > 0n).toBe(true);
    expect(Number(result['gasUsed'])).toBeGreaterThan(100_000);
  });

  it('sends nothing when the gap cannot pay the fees and gas (exit 0, the reason given)', async () => {
    const run = await omni(['arb', 'demo', '--gap-bps', '20', '--seed', '3', '--json']);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.out)).toMatchObject({
      sent: false,
      realisedProfitWei: '0',
      gasUsed: '0',
      txHash: '',
      reason: expect.any(String),
    });
  });
});
