export {
  type ChecklistCheck,
  type ChecklistCheckName,
  type ChecklistDeps,
  type ChecklistResult,
  DeploymentChecklist,
  type ModelValidation,
} from './deployment-checklist.js';
export {
  type CancelPort,
  EmergencyShutdownController,
  type EmergencyShutdownOptions,
  type FreezeReport,
} from './emergency-shutdown-controller.js';
export { SafetyManager } from './safety-manager.js';
export {
  type Cooldown,
  CooldownSchema,
  DAY_MS,
  initialSafetyState,
  LegacyOpenPositionSchema,
  type OperatorAction,
  OperatorActionSchema,
  readSafetyStateFile,
  SAFETY_STATE_VERSION,
  type SafetyFlag,
  type SafetyState,
  SafetyStateSchema,
  type SafetyStateV1,
  SafetyStateV1Schema,
  type TripLimit,
  TripLimitSchema,
} from './safety-state.js';
export type {
  Approval,
  ApprovalRejectCode,
  OperatorRequest,
  OrderLimit,
  SafetyAlertSink,
  SafetyBlockCode,
  SafetyManagerOptions,
  SafetyMode,
  SafetyStatus,
  SafetyVerdict,
  TripListener,
} from './safety-types.js';
