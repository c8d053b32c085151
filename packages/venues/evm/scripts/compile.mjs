// Compiles contracts/*.sol with solc-js (the `solc` npm package: no download, no network) and writes
// artifacts/<Contract>.json: abi, bytecode, deployedBytecode and the exact compiler version and settings.
// The artifacts are committed; src/artifacts.test.ts recompiles and compares them byte for byte.
// Usage: node scripts/compile.mjs        (writes)   node scripts/compile.mjs --check   (compares, exit 1 on drift)
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const CONTRACTS = ['FlashArbExecutor', 'TestToken'];

/** The solc settings of every artifact: optimizer on (200 runs), Shanghai (Hardhat 2 and mainnet run it). */
export const SETTINGS = {
  optimizer: { enabled: true, runs: 200 },
  evmVersion: 'shanghai',
  outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object', 'evm.deployedBytecode.object'] } },
};

/** Compiles every contract; returns `{ [fileName]: text }` of the artifacts as they are written. */
export function compileContracts() {
  const solc = require('solc');
  const contractsDir = join(packageDir, 'contracts');
  const sources = {};
  for (const file of readdirSync(contractsDir)
    .filter((f) => f.endsWith('.sol'))
    .sort()) {
    sources[`contracts/${file}`] = { content: readFileSync(join(contractsDir, file), 'utf8') };
  }
  const input = { language: 'Solidity', sources, settings: SETTINGS };
  const output = JSON.parse(solc.compile(JSON.stringify(input)));
  const errors = (output.errors ?? []).filter((e) => e.severity === 'error');
  if (errors.length > 0) {
    throw new Error(`solc failed:\n${errors.map((e) => e.formattedMessage).join('\n')}`);
  }
  const files = {};
  for (const name of CONTRACTS) {
    const sourceName = `contracts/${name}.sol`;
    const compiled = output.contracts?.[sourceName]?.[name];
    if (compiled === undefined) throw new Error(`solc produced no ${name} in ${sourceName}`);
    const artifact = {
      contractName: name,
      sourceName,
      compiler: { name: 'solc-js', version: solc.version(), settings: SETTINGS },
      abi: compiled.abi,
      bytecode: `0x${compiled.evm.bytecode.object}`,
      deployedBytecode: `0x${compiled.evm.deployedBytecode.object}`,
    };
    files[`${name}.json`] = `${JSON.stringify(artifact, null, 2)}\n`;
  }
  return files;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const check = process.argv.includes('--check');
  const files = compileContracts();
  let drift = 0;
  for (const [file, text] of Object.entries(files)) {
    const path = join(packageDir, 'artifacts', file);
    if (check) {
      let current = '';
      try {
        current = readFileSync(path, 'utf8');
      } catch {}
      if (current !== text) {
        console.error(`artifacts/${file} differs from a fresh compile`);
        drift++;
      }
    } else {
      writeFileSync(path, text);
      console.log(`wrote artifacts/${file}`);
    }
  }
  process.exit(drift === 0 ? 0 : 1);
}
