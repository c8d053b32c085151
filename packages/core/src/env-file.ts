import { readFileSync } from 'node:fs';
import { ConfigError } from './errors.js';

const ASSIGNMENT = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/;
/** Escapes understood inside double quotes (as dotenv and shells do). */
const ESCAPES: Readonly<Record<string, string>> = { n: '\n', r: '\r', t: '\t', '"': '"', '\\': '\\' };

/**
 * Parses `.env` text as dotenv does: `KEY=value` lines, `#` comment lines, an optional `export `
 * prefix, a byte order mark, and values that are
 * - double-quoted: `\n`, `\r`, `\t`, `\"` and `\\` are unescaped; a `# comment` may follow;
 * - single-quoted: taken literally; a `# comment` may follow;
 * - unquoted: trimmed, cut at a `#` preceded by whitespace (`a#b` keeps its `#`).
 * Later lines win. A line that is not an assignment, an unterminated quote or text after the
 * closing quote is an error naming the file and line, never silently kept.
 */
export function parseEnvText(text: string, file = '.env'): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = (text.charCodeAt(0) === 0xfeff ? text.slice(1) : text).split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] ?? '').trim();
    if (line === '' || line.startsWith('#')) continue;
    const m = ASSIGNMENT.exec(line);
    if (!m) {
      throw new ConfigError('CONFIG_INVALID', 'a line in the .env file is not KEY=value', {
        file,
        line: i + 1,
      });
    }
    const value = parseValue(m[2] as string);
    if (value === undefined) {
      throw new ConfigError(
        'CONFIG_INVALID',
        'a quoted value in the .env file is not closed on its line, or has text after the closing quote (only a # comment may follow)',
        { file, line: i + 1 },
      );
    }
    out[m[1] as string] = value;
  }
  return out;
}

/** One value as written after `=`; `undefined` when its quoting is broken. */
function parseValue(raw: string): string | undefined {
  const quote = raw[0];
  if (quote !== '"' && quote !== "'") {
    const hash = raw.search(/\s#/);
    return (hash >= 0 ? raw.slice(0, hash) : raw).trim();
  }
  let value = '';
  let i = 1;
  for (; i < raw.length; i++) {
    const c = raw[i] as string;
    if (c === quote) break;
    if (quote === '"' && c === '\\' && i + 1 < raw.length) {
      const next = raw[i + 1] as string;
      const escaped = ESCAPES[next];
      value += escaped ?? `\\${next}`;
      i++;
      continue;
    }
    value += c;
  }
  if (i >= raw.length) return undefined;
  const rest = raw.slice(i + 1).trim();
  return rest === '' || rest.startsWith('#') ? value : undefined;
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
