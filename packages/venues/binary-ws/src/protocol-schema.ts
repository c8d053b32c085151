import { z } from 'zod';
import { DOT_PATH_PATTERN } from './dot-path.js';
import { checkProtocol } from './protocol-checks.js';
import type { JsonValue } from './template.js';

const dotPath = z
  .string()
  .regex(
    DOT_PATH_PATTERN,
    'must be a dot path such as trade.id (letters, digits, _ $ -; segments joined by dots)',
  );

const jsonValue: z.ZodType<JsonValue> = z.lazy(() =>
  z.union([
    z.null(),
    z.boolean(),
    z.number(),
    z.string(),
    z.array(jsonValue),
    z.record(z.string(), jsonValue),
  ]),
);

/** A request template: a JSON object whose string values may hold `{{placeholders}}`. */
const requestTemplate = z.record(z.string(), jsonValue);
/** A reply as the platform sends it, used at load to check that the configured paths exist. */
const example = z.record(z.string(), z.unknown());
/** A message type value (`"trade"`, `7`). */
const typeValue = z.union([z.string().min(1), z.number()]);

/** How a push message (not a reply) is recognised: the value at `path` equals `equals`. */
const PushMatchSchema = z.strictObject({
  path: dotPath,
  equals: z.union([z.string(), z.number(), z.boolean()]),
});

/** Fields every operation has: its request, the reply's type (matching by type), an example reply. */
const operation = {
  request: requestTemplate,
  /** The value at `match.path` that marks this operation's reply (required when `match.by` is `type`). */
  replyType: typeValue.optional(),
  example: example.optional(),
};

/** Where the fields of a contract are in a buy reply, an update and a history item (paths relative to the contract object). */
export const ContractFieldsSchema = z.strictObject({
  contractId: dotPath,
  symbol: dotPath.optional(),
  /** Read back through the `direction` table; absent: the order's direction (or the one last seen). */
  direction: dotPath.optional(),
  buyPrice: dotPath,
  payout: dotPath,
  purchaseTime: dotPath,
  status: dotPath,
  /** The platform's status values → `open`, `won`, `lost`, `sold`; must map some value to each of open, won, lost. */
  statusMap: z.record(z.string(), z.enum(['open', 'won', 'lost', 'sold'])),
  profit: dotPath.optional(),
  sellPrice: dotPath.optional(),
  entrySpot: dotPath.optional(),
  entryTime: dotPath.optional(),
  exitSpot: dotPath.optional(),
  exitTime: dotPath.optional(),
  clientId: dotPath.optional(),
  /** Unit of every time field: epoch `ms` or `s`. */
  timeUnit: z.enum(['ms', 's']).default('ms'),
  /** How `{{contractId}}` is written into requests: as a `string` or a `number`. */
  idAs: z.enum(['string', 'number']).default('string'),
});

/** The fields of a protocol, checked one by one (cross-field checks come after). */
const ProtocolObjectSchema = z.strictObject({
  /** Venue name stamped on fills and alerts, e.g. `acme`. */
  venue: z.string().regex(/^[a-z][a-z0-9-]*$/, 'must be lower-case letters, digits and dashes, e.g. acme'),
  description: z.string().optional(),
  /** Smallest stake the platform accepts (account currency). */
  minStake: z.number().positive(),
  /** Deadline of every request (ms). */
  requestTimeoutMs: z.number().int().positive().default(10_000),
  /** After a rate-limited reply: buys are refused unsent and other requests wait this long (ms). */
  rateLimitBackoffMs: z.number().int().nonnegative().default(1_000),
  /** Largest inbound frame; a bigger one closes the connection (then reconnect). */
  maxFrameBytes: z.number().int().positive().default(1_048_576),
  /** How a reply finds its request: the echoed `{{reqId}}` at `path` (`id`), or the message type at `path` (`type`). */
  match: z.strictObject({ by: z.enum(['id', 'type']), path: dotPath }),
  /** An error reply: `path` holds something (not null/false); its code and message at `code`/`message`. */
  error: z.strictObject({
    path: dotPath,
    code: dotPath,
    message: dotPath.optional(),
    /** Codes meaning "refused": the order certainly was not placed (EXECUTION_REJECTED). */
    refused: z.array(z.string().min(1)).default([]),
    /** Codes meaning "too many requests". */
    rateLimited: z.array(z.string().min(1)).default([]),
    /** Codes meaning "the token was refused". */
    authFailed: z.array(z.string().min(1)).default([]),
    example: example.optional(),
  }),
  /** `{{direction}}`: the platform's word for call and put. */
  direction: z
    .strictObject({ call: z.string().min(1), put: z.string().min(1) })
    .refine((d) => d.call !== d.put, 'call and put must be different words'),
  /** `{{durationUnit}}`: the platform's word for t/s/m/h/d; empty: the unit as is. A unit missing here is refused unsent. */
  durationUnit: z
    .strictObject({
      t: z.string().min(1).optional(),
      s: z.string().min(1).optional(),
      m: z.string().min(1).optional(),
      h: z.string().min(1).optional(),
      d: z.string().min(1).optional(),
    })
    .default({}),
  contract: ContractFieldsSchema,
  operations: z.strictObject({
    /** Login; the reply holds the account. */
    auth: z.strictObject({
      ...operation,
      account: z.strictObject({
        currency: dotPath,
        balance: dotPath.optional(),
        accountId: dotPath.optional(),
      }),
    }),
    /** The balance, when the login reply does not carry it. */
    balance: z.strictObject({ ...operation, balance: dotPath, currency: dotPath.optional() }).optional(),
    /** One contract; the reply holds it (at `contractRoot`, or the reply itself). */
    buy: z.strictObject({ ...operation, contractRoot: dotPath.optional() }),
    /** Follow one contract; updates are pushed messages matching `updates.when`. */
    follow: z.strictObject({
      ...operation,
      updates: z.strictObject({
        when: PushMatchSchema,
        contractRoot: dotPath.optional(),
        example: example.optional(),
      }),
      unfollow: z.strictObject({ request: requestTemplate, replyType: typeValue.optional() }).optional(),
    }),
    /** Contracts bought since a time (open and settled): how an unanswered buy is resolved. */
    contractsSince: z.strictObject({ ...operation, list: dotPath }),
    /** A price subscription per symbol, when the platform has one (then the venue has a feed). */
    ticks: z
      .strictObject({
        ...operation,
        /** Send the login frame before subscribing. Default true. */
        authenticate: z.boolean().default(true),
        quotes: z.strictObject({
          when: PushMatchSchema,
          symbol: dotPath,
          price: dotPath.optional(),
          bid: dotPath.optional(),
          ask: dotPath.optional(),
          time: dotPath.optional(),
          timeUnit: z.enum(['ms', 's']).default('ms'),
          example: example.optional(),
        }),
      })
      .optional(),
  }),
});
/** The protocol's fields before the cross-field checks of {@link checkProtocol}. */
export type ProtocolObject = z.output<typeof ProtocolObjectSchema>;

/**
 * A binary-options platform's JSON-over-WebSocket protocol: one request template per operation, how
 * a reply finds its request, where each field of a reply is, and which error codes mean what. The one
 * source of truth of the configured protocol; {@link JsonWsProtocol} is inferred from it. Checked at
 * load beyond the shapes: every template holds the placeholders its operation needs and no unknown
 * one, and every path is found in the operation's `example` reply when one is given.
 */
export const JsonWsProtocolSchema = ProtocolObjectSchema.superRefine(checkProtocol);

/** A validated protocol (defaults filled in). */
export type JsonWsProtocol = z.output<typeof JsonWsProtocolSchema>;
/** A protocol as written in its JSON file. */
export type JsonWsProtocolInput = z.input<typeof JsonWsProtocolSchema>;
/** Where a contract's fields are. */
export type ContractFields = z.output<typeof ContractFieldsSchema>;
