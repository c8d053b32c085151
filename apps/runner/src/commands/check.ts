import { join } from 'node:path';
import { type Clock, type OmniConfig, SystemClock } from '@omni/core';
import { LearnerStateStore } from '@omni/runtime';
import {
  type ChecklistDeps,
  type ChecklistResult,
  DeploymentChecklist,
  type ModelValidation,
} from '@omni/safety';
import { defaultModelPath, ONNXSequenceAdapter } from '@omni/sequence';
import { formatTable } from '../table.js';

/** Validates an ONNX file against the model contract by loading it (closed again at once). */
export async function validateModelFile(path: string): Promise<ModelValidation> {
  try {
    const adapter = await ONNXSequenceAdapter.load(path);
    const detail = `${adapter.name}, window ${adapter.windowLength}`;
    await adapter.close();
    return { ok: true, detail };
  } catch (err) {
    return { ok: false, reason: err instanceof Error ? err.message : String(err) };
  }
}

/** Where the runner keeps persistent state for a config: `<logDir>/state`. */
export function stateDir(config: OmniConfig): string {
  return join(config.logDir, 'state');
}

/** Runs the deployment checklist for `config`. Credentials are reported as set/missing only. */
export async function runCheck(
  config: OmniConfig,
  clock: Clock = new SystemClock(),
  scope: Pick<ChecklistDeps, 'markets' | 'venues'> = {},
): Promise<ChecklistResult> {
  const checklist = new DeploymentChecklist();
  // The engine serves the bundled model when none is configured, so that is the one to validate.
  return checklist.verify(
    { ...config, seqModelOnnx: config.seqModelOnnx ?? defaultModelPath() },
    {
      clock,
      validateModel: validateModelFile,
      rlStatePath: join(stateDir(config), 'governor.json'),
      // Loaded as the engine would restore it: version, migrations, schema.
      readRlState: (path) => new LearnerStateStore(path).load(),
      ...scope,
    },
  );
}

/** The checklist as a table with a final verdict line. */
export function formatChecklist(result: ChecklistResult): string {
  const table = formatTable(
    ['check', 'result', 'detail'],
    result.checks.map((c) => [c.name, c.passed ? 'ok' : 'FAIL', c.detail]),
  );
  return `${table}\n\n${result.allPassed ? 'all checks passed' : 'NOT READY: fix the failing checks before any live mode'}`;
}
