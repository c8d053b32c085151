import { readFileSync } from 'node:fs';
import { ConfigError } from '@omni/core';
import { type JsonWsProtocol, JsonWsProtocolSchema } from './protocol-schema.js';

/** One problem of a protocol: where (`operations.buy.request.amount`) and what. */
export interface ProtocolIssue {
  readonly path: readonly PropertyKey[];
  readonly message: string;
}

/** The protocol, or every problem with its path. */
export type ProtocolCheck =
  | { readonly ok: true; readonly protocol: JsonWsProtocol }
  | { readonly ok: false; readonly issues: readonly ProtocolIssue[] };

/** Validates `input` as a protocol without throwing (the venue schema reports the issues under its own path). */
export function checkJsonWsProtocol(input: unknown): ProtocolCheck {
  const result = JsonWsProtocolSchema.safeParse(input);
  if (result.success) return { ok: true, protocol: result.data };
  return { ok: false, issues: result.error.issues.map((i) => ({ path: i.path, message: i.message })) };
}

/**
 * Validates a protocol. Throws ConfigError `CONFIG_INVALID` listing every problem with its path
 * (`operations.buy.request.amount: unknown placeholder {{stak}}; known: ...`).
 *
 * @example
 * const protocol = parseJsonWsProtocol(JSON.parse(text), 'acme-binary.json');
 */
export function parseJsonWsProtocol(input: unknown, source = 'protocol'): JsonWsProtocol {
  const checked = checkJsonWsProtocol(input);
  if (checked.ok) return checked.protocol;
  throw new ConfigError(
    'CONFIG_INVALID',
    `invalid binary-ws protocol in ${source}: fix the fields listed below`,
    { source },
    { details: checked.issues.map(formatIssue) },
  );
}

/** Reads and validates a protocol file. ConfigError `CONFIG_FILE_UNREADABLE`, `CONFIG_FILE_INVALID_JSON` or `CONFIG_INVALID`. */
export function readJsonWsProtocol(file: string): JsonWsProtocol {
  return parseJsonWsProtocol(readProtocolJson(file), file);
}

/** The JSON of a protocol file, unvalidated. ConfigError `CONFIG_FILE_UNREADABLE` or `CONFIG_FILE_INVALID_JSON`. */
export function readProtocolJson(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(
      'CONFIG_FILE_UNREADABLE',
      'cannot read the binary-ws protocol file',
      { file },
      { cause: err },
    );
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new ConfigError(
      'CONFIG_FILE_INVALID_JSON',
      `the binary-ws protocol file is not JSON: ${err instanceof Error ? err.message : String(err)}`,
      { file },
      { cause: err },
    );
  }
}

/** `path: message`, as every config error of the engine lists its problems. */
export function formatIssue(issue: ProtocolIssue): string {
  return `${issue.path.map(String).join('.') || '(root)'}: ${issue.message}`;
}
