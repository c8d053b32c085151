import { ExecutionError } from '@omni/core';
import type { BrokerAccount } from '@omni/execution';
import type { BrokerOperation } from './broker-errors.js';
import type { JsonWsProtocol } from './protocol-schema.js';
import type { ReplyReader } from './reply-reader.js';
import type { JsonValue, TemplateValues } from './template.js';

/** A reply as parsed from its frame. */
export type BrokerReply = Readonly<Record<string, unknown>>;

/** An operation's request template and its reply type. */
export interface RequestSpec {
  readonly request: Readonly<Record<string, JsonValue>>;
  readonly replyType?: string | number | undefined;
}

/** Sends one request on the current link and resolves with its reply (an error reply rejects). */
export type SendRequest = (
  op: BrokerOperation,
  spec: RequestSpec,
  values: TemplateValues,
) => Promise<BrokerReply>;

/**
 * Logs in with the `auth` template and reads the account from its reply; when the reply carries no
 * balance, asks for it with the `balance` operation. A reply that cannot be read is
 * `EXECUTION_BROKER_ERROR` naming the missing path.
 */
export async function login(
  p: JsonWsProtocol,
  reader: ReplyReader,
  send: SendRequest,
): Promise<BrokerAccount> {
  const ops = p.operations;
  const unreadable = (problem: string): ExecutionError =>
    new ExecutionError(
      'EXECUTION_BROKER_ERROR',
      `${p.venue} answered the login with a reply that cannot be read: ${problem}`,
      { venue: p.venue, op: 'auth' },
    );
  const read = reader.account(await send('auth', ops.auth, {}));
  if (!read.ok) throw unreadable(read.problem);
  const { accountId } = read.value;
  let { currency, balance } = read.value;
  if (balance === undefined && ops.balance) {
    const b = reader.balance(await send('balance', ops.balance, {}), currency);
    if (!b.ok) throw unreadable(b.problem);
    ({ currency, balance } = b.value);
  }
  if (balance === undefined) throw unreadable(`no balance at ${ops.auth.account.balance}`);
  return { currency, balance, ...(accountId !== undefined ? { accountId } : {}) };
}
