export {
  type AuditLine,
  type AuditVerification,
  auditHash,
  DecisionAuditTrail,
  GENESIS_HASH,
  verifyAuditTrail,
} from './decision-audit-trail.js';
export {
  type EngineStats,
  type EquityPoint,
  exposureFraction,
  PerformanceRecorder,
  type PerformanceRecorderOptions,
  type PerformanceSummary,
  sharpeRatio,
  sortinoRatio,
  type TradeContext,
} from './performance-recorder.js';
