import { execFileSync } from 'node:child_process';
import { availableParallelism, cpus, release, totalmem } from 'node:os';

/** Where the figures were measured: a result means little without the machine and the commit. */
export interface MachineInfo {
  readonly cpuModel: string;
  /** Logical cores the OS reports (`os.cpus()`), and how many Node may use (`os.availableParallelism()`). */
  readonly cores: number;
  readonly availableParallelism: number;
  readonly ramBytes: number;
  readonly os: string;
  readonly node: string;
}

/** The commit the figures belong to; `dirty` lists how many tracked or new files differ from it. */
export interface CommitInfo {
  readonly sha: string;
  readonly subject: string;
  readonly dirtyFiles: number;
}

/** CPU model, cores, RAM, OS and Node version of this machine. */
export function machineInfo(): MachineInfo {
  const list = cpus();
  return {
    cpuModel: list[0]?.model.trim() || 'unknown',
    cores: list.length,
    availableParallelism: availableParallelism(),
    ramBytes: totalmem(),
    os: `${process.platform} ${release()} ${process.arch}`,
    node: process.version,
  };
}

/** HEAD of the git checkout at `repoRoot`; `sha: 'unknown'` outside a git checkout. */
export function commitInfo(repoRoot: string): CommitInfo {
  const git = (...args: string[]): string =>
    execFileSync('git', args, {
      cwd: repoRoot,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  try {
    const status = git('status', '--porcelain');
    return {
      sha: git('rev-parse', 'HEAD'),
      subject: shorten(git('log', '-1', '--format=%s'), 120),
      dirtyFiles: status === '' ? 0 : status.split('\n').length,
    };
  } catch {
    return { sha: 'unknown', subject: '', dirtyFiles: 0 };
  }
}

function shorten(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
