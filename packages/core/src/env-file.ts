import { readFileSync } from 'node:fs';
import { ConfigError } from './errors.js';

/**
 * Parses `.env` text: `KEY=value` lines, `#` comments, optional `export ` prefix, single or
 * double quotes (double quotes understand `\n`). Later lines win. A line that is not an
 * assignment is an error naming the file and line, never silently ignored.
 */
export function parseEnvText(text: string, file = '.env'): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i] ?? '';
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const m = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
    if (!m) {
      throw new ConfigError('CONFIG_INVALID', 'a line in the .env file is not KEY=value', {
        file,
        line: i + 1,
      });
    }
    const key = m[1] as string;
    let value = (m[2] as string).trim();
    if (value.startsWith('"') && value.endsWith('"') && value.length >= 2) {
      value = value.slice(1, -1).replace(/\\n/g, '\n').replace(/\\"/g, '"');
    } else if (value.startsWith("'") && value.endsWith("'") && value.length >= 2) {
      value = value.slice(1, -1);
    } else {
      const hash = value.search(/\s+#/);
      if (hash >= 0) value = value.slice(0, hash).trim();
    }
    out[key] = value;
  }
  return out;
}

/** Reads and parses a `.env` file; a missing file gives `undefined`. */
export function readEnvFile(path: string): Record<string, string> | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new ConfigError(
      'CONFIG_ENV_FILE_UNREADABLE',
      'cannot read the .env file',
      { file: path },
      { cause: err },
    );
  }
  return parseEnvText(text, path);
}
