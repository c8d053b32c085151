import { defineErrorArea } from '@omni/core';

/** Codes of the MT5 bridge: one per way the bridge, the Expert Advisor or the venue test can fail. */
export const Mt5ErrorCodes = [
  /** A setting or option out of range (port, lots, timeouts). */
  'MT5_BAD_OPTION',
  /** No shared secret (MT5_BRIDGE_SECRET): the bridge refuses to listen without one. */
  'MT5_NO_SECRET',
  /** The bridge could not listen on host:port (in use, not allowed). */
  'MT5_LISTEN_FAILED',
  /** No Expert Advisor said hello in time. */
  'MT5_NO_EA',
  /** The EA's hello was refused (wrong secret, protocol version, account currency). */
  'MT5_AUTH_DENIED',
  /** The EA connected but sent no tick of the subscribed symbols in time. */
  'MT5_NO_TICKS',
  /** The EA did not answer a `positions?` request in time. */
  'MT5_NO_POSITIONS',
  /** The EA did not answer a `ping` in time. */
  'MT5_NO_PONG',
  /** The EA session ended during the venue test. */
  'MT5_SESSION_LOST',
] as const;

/** One MT5 error code. */
export type Mt5ErrorCode = (typeof Mt5ErrorCodes)[number];

/**
 * Errors of `@omni/venue-mt5` (codes `MT5_*`). Never carries the shared secret: the message and
 * context are scrubbed of registered secrets by `OmniError`, and nothing here puts it in.
 *
 * @example
 * throw new Mt5Error('MT5_NO_EA', 'no Expert Advisor said hello within 30000 ms', { step: 'hello', listen });
 */
export class Mt5Error extends defineErrorArea('Mt5Error', Mt5ErrorCodes) {}
