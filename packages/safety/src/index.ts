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
export {
  type Approval,
  type ApprovalRejectCode,
  type OperatorRequest,
  type OrderLimit,
  type SafetyAlertSink,
  type SafetyBlockCode,
  SafetyManager,
  type SafetyManagerOptions,
  type SafetyMode,
  type SafetyStatus,
  type SafetyVerdict,
  type TripListener,
} from './safety-manager.js';
export {
  type Cooldown,
  CooldownSchema,
  DAY_MS,
  initialSafetyState,
  type OpenPosition,
  OpenPositionSchema,
  type OperatorAction,
  OperatorActionSchema,
  SAFETY_STATE_VERSION,
  type SafetyFlag,
  type SafetyState,
  SafetyStateSchema,
  type TripLimit,
  TripLimitSchema,
} from './safety-state.js';
