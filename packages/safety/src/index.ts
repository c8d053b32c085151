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
  type OperatorAction,
  OperatorActionSchema,
  SAFETY_STATE_VERSION,
  type SafetyFlag,
  type SafetyState,
  SafetyStateSchema,
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
