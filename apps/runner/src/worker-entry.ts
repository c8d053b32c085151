import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

// Node built-ins only: `omni sweep` starts its worker threads from here before the engine's modules
// are loaded (sweep/prestart.ts), so this module must stay light.

/** How to start the worker: its module and the node options the worker thread needs. */
export interface WorkerEntry {
  /** A path, or a `data:` URL that bootstraps the source file. */
  readonly filename: string;
  readonly execArgv?: string[];
}

/** The `import` target of tsx's ESM API, found from its package.json (`tsx/esm/api`). */
function tsxEsmApi(moduleUrl: string): string {
  const manifestPath = createRequire(moduleUrl).resolve('tsx/package.json');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as {
    exports: { './esm/api': { import: { default: string } } };
  };
  return pathToFileURL(join(dirname(manifestPath), manifest.exports['./esm/api'].import.default)).href;
}

/**
 * The worker entry `worker` (`./backtest-worker`, `./sweep-worker`) beside `moduleUrl`. Built, the
 * calling module is bundled into `dist/` and the worker is `dist/<worker>.js` (a tsup entry). From source (vitest, `pnpm omni`), the worker is
 * `<worker>.ts`: a worker thread loads it through tsx's ESM API, registered by a small
 * `data:` bootstrap (Node 20 does not apply `--import tsx` to a worker), with the `omni-source`
 * condition so `@omni/*` resolve to their sources as in the main thread.
 */
export function workerEntry(moduleUrl: string, worker: string): WorkerEntry {
  if (!new URL(moduleUrl).pathname.endsWith('.ts')) {
    return { filename: fileURLToPath(new URL(`${worker}.js`, moduleUrl)) };
  }
  const source = new URL(`${worker}.ts`, moduleUrl).href;
  const bootstrap = [
    `const { register } = await import(${JSON.stringify(tsxEsmApi(moduleUrl))});`,
    'register();',
    `const worker = await import(${JSON.stringify(source)});`,
    'export default worker.default;',
  ].join('\n');
  return {
    filename: `data:text/javascript,${encodeURIComponent(bootstrap)}`,
    execArgv: ['--conditions=omni-source'],
  };
}
