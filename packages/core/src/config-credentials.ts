import { z } from 'zod';
import { Secret } from './secret.js';

// The credentials section of OmniConfig (config.ts): every credential, endpoint URLs included, is a Secret.

const secretString = z
  .string()
  .min(1, 'must not be empty')
  .transform((value) => new Secret(value));

const secretPrivateKey = z
  .string()
  .regex(/^(0x)?[0-9a-fA-F]{64}$/, 'must be 32 bytes of hex (64 hex digits, optional 0x prefix)')
  .transform((value) => new Secret(value.startsWith('0x') ? value : `0x${value}`));

/** An endpoint URL. Held as a {@link Secret}: RPC, relay and broker URLs often embed an API key. */
const secretUrl = z
  .string()
  .regex(/^(https?|wss?):\/\/\S+$/, 'must be an http(s) or ws(s) URL')
  .transform((value) => new Secret(value));

/** Broker, chain and relay credentials. Every credential, endpoint URLs included, is a {@link Secret}. */
export const CredentialsSchema = z.strictObject({
  mt5: z
    .strictObject({
      login: z.string().regex(/^\d+$/, 'must be the numeric MT5 account number').optional(),
      server: z.string().min(1).optional(),
      password: secretString.optional(),
      /** The shared secret the OmniBridge Expert Advisor sends in its hello (the MT5 login itself stays in the terminal). */
      bridgeSecret: secretString.optional(),
    })
    .prefault({}),
  /** Deriv (binary options over the Deriv WebSocket API v3). */
  deriv: z
    .strictObject({
      /** WebSocket endpoint; default the public one (see @omni/venue-deriv). */
      wsUrl: z
        .string()
        .regex(/^wss?:\/\/\S+$/, 'must be a ws(s) URL')
        .optional(),
      /** The application id registered with Deriv (a number). */
      appId: z.string().regex(/^\d+$/, 'must be the numeric Deriv app id').optional(),
      /** API token (scopes read + trade). */
      token: secretString.optional(),
    })
    .prefault({}),
  pocket: z
    .strictObject({
      token: secretString.optional(),
      baseUrl: secretUrl.optional(),
    })
    .prefault({}),
  dex: z
    .strictObject({
      /** RPC URLs often embed an API key, so the URL itself is a secret. */
      rpcUrl: secretUrl.optional(),
      privateKey: secretPrivateKey.optional(),
    })
    .prefault({}),
  /** Relay URLs (e.g. Flashbots-style) may carry an auth key in the path or query. */
  mevRelayUrl: secretUrl.optional(),
  /**
   * The relay identity key that signs `X-Flashbots-Signature` (MEV_AUTH_KEY): a key of its own that
   * holds no funds, never DEX_PRIVKEY.
   */
  mevAuthKey: secretPrivateKey.optional(),
});
