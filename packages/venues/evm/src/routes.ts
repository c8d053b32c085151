import { getAddress, isAddress } from 'ethers';
import { z } from 'zod';

/** A 0x address, checksummed on parse. */
export const AddressSchema = z
  .string()
  .refine((s) => isAddress(s), 'must be a 0x-prefixed 20-byte address')
  .transform((s) => getAddress(s));

/**
 * One flash-swap route of the route registry: borrow `borrowToken` from `borrowPair`, sell it along
 * `sellPath` (one pair: two-pool arbitrage; two or more: a cycle through other tokens, the last pair
 * paying out the borrow pair's other token), repay the borrow pair in that other token (the
 * "repaid" token, in which profit is counted), keep the rest. Tokens are 18-decimal.
 */
export const EvmRouteSchema = z.strictObject({
  routeId: z.string().min(1),
  borrowPair: AddressSchema,
  borrowToken: AddressSchema,
  sellPath: z.array(AddressSchema).min(1).max(4),
  /** USD per whole repaid token (1 for a USD stablecoin), to report profit and gas in USD. */
  repayTokenUsd: z.number().finite().positive(),
});
/** A parsed {@link EvmRouteSchema}. */
export type EvmRoute = Readonly<z.infer<typeof EvmRouteSchema>>;

/** True when the route is a two-pool arbitrage (one sell pair): sized by the closed form. */
export function isTwoPool(route: EvmRoute): boolean {
  return route.sellPath.length === 1;
}
