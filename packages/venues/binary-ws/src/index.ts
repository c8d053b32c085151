export { BinaryWsError, type BinaryWsErrorCode, BinaryWsErrorCodes } from './binary-ws-error.js';
export {
  type BrokerOperation,
  brokerReplyError,
  errorKind,
  rateLimitedError,
  requestFailureError,
} from './broker-errors.js';
export { type CompiledPath, compilePath, DOT_PATH_PATTERN, readPath } from './dot-path.js';
export { JsonWsBinaryBroker, type JsonWsBinaryBrokerOptions } from './json-ws-binary-broker.js';
export { JsonWsTickFeed, type JsonWsTickFeedOptions, noFeed } from './json-ws-tick-feed.js';
export {
  checkJsonWsProtocol,
  formatIssue,
  type ProtocolCheck,
  type ProtocolIssue,
  parseJsonWsProtocol,
  readJsonWsProtocol,
  readProtocolJson,
} from './protocol-load.js';
export {
  type ContractFields,
  ContractFieldsSchema,
  type JsonWsProtocol,
  type JsonWsProtocolInput,
  JsonWsProtocolSchema,
} from './protocol-schema.js';
export { type BrokerErrorReply, type Read, ReplyReader } from './reply-reader.js';
export {
  fillTemplate,
  type JsonValue,
  PLACEHOLDERS,
  type Placeholder,
  type TemplateValues,
} from './template.js';
export {
  type BinaryWsVenueConfig,
  BinaryWsVenueConfigSchema,
  binaryWsSymbol,
  binaryWsVenue,
  createBinaryWsBroker,
} from './venue.js';
