export { BinaryWsError, type BinaryWsErrorCode, BinaryWsErrorCodes } from './binary-ws-error.js';
export { type BrokerOperation, brokerReplyError, requestFailureError } from './broker-errors.js';
export { type CompiledPath, compilePath, DOT_PATH_PATTERN, readPath } from './dot-path.js';
export { JsonWsBinaryBroker, type JsonWsBinaryBrokerOptions } from './json-ws-binary-broker.js';
export {
  checkJsonWsProtocol,
  type ProtocolCheck,
  type ProtocolIssue,
  parseJsonWsProtocol,
  readJsonWsProtocol,
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
