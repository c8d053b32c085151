export { EvmError, type EvmErrorCode, EvmErrorCodes } from './evm-error';
