import type { InterfaceAbi } from 'ethers';
import { z } from 'zod';
import flashArbExecutor from '../artifacts/FlashArbExecutor.json' with { type: 'json' };
import testToken from '../artifacts/TestToken.json' with { type: 'json' };
import { EvmError } from './evm-error.js';

/** A deployable contract: its ABI and creation bytecode (0x-prefixed). */
export interface ContractArtifact {
  readonly contractName: string;
  readonly abi: InterfaceAbi;
  readonly bytecode: string;
}

const ArtifactSchema = z.object({
  abi: z.array(z.record(z.string(), z.unknown())),
  bytecode: z.string().regex(/^(0x)?[0-9a-fA-F]+$/, 'must be hex bytecode'),
});

/** Validates a JSON artifact; prefixes the bytecode with 0x (the @uniswap/v2-core builds lack it). */
function artifact(contractName: string, json: unknown): ContractArtifact {
  const parsed = ArtifactSchema.safeParse(json);
  if (!parsed.success) {
    throw new EvmError('EVM_ARTIFACT_INVALID', `the ${contractName} artifact is malformed`, {
      contract: contractName,
      issues: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
    });
  }
  const { abi, bytecode } = parsed.data;
  return {
    contractName,
    abi: abi as InterfaceAbi,
    bytecode: bytecode.startsWith('0x') ? bytecode : `0x${bytecode}`,
  };
}

/** The flash-swap arbitrage contract (contracts/FlashArbExecutor.sol, compiled by scripts/compile.mjs). */
export const FLASH_ARB_EXECUTOR: ContractArtifact = artifact('FlashArbExecutor', flashArbExecutor);
/** The mintable 18-decimal ERC-20 of local pools (contracts/TestToken.sol). */
export const TEST_TOKEN: ContractArtifact = artifact('TestToken', testToken);

/** The official Uniswap V2 core contracts from @uniswap/v2-core 1.0.1 (factory and pair). */
export interface UniswapV2Artifacts {
  readonly factory: ContractArtifact;
  readonly pair: ContractArtifact;
}

/**
 * Loads UniswapV2Factory and UniswapV2Pair from the @uniswap/v2-core build (≈ 0.4 MB of JSON, so
 * only when a local chain deploys pools, never at import).
 */
export async function loadUniswapV2Artifacts(): Promise<UniswapV2Artifacts> {
  const [factory, pair] = await Promise.all([
    import('@uniswap/v2-core/build/UniswapV2Factory.json', { with: { type: 'json' } }),
    import('@uniswap/v2-core/build/UniswapV2Pair.json', { with: { type: 'json' } }),
  ]);
  return {
    factory: artifact('UniswapV2Factory', factory.default),
    pair: artifact('UniswapV2Pair', pair.default),
  };
}

/** The few functions of a Uniswap V2 pair the reader and the local chain call. */
export const UNISWAP_V2_PAIR_ABI = [
  'function token0() view returns (address)',
  'function token1() view returns (address)',
  'function getReserves() view returns (uint112 reserve0, uint112 reserve1, uint32 blockTimestampLast)',
  'function swap(uint256 amount0Out, uint256 amount1Out, address to, bytes data)',
  'function mint(address to) returns (uint256 liquidity)',
  'function sync()',
] as const;

/** The compiler and settings the committed FlashArbExecutor artifact was built with. */
export const FLASH_ARB_COMPILER: Readonly<{ version: string; settings: unknown }> = flashArbExecutor.compiler;
