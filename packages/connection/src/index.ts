export { type ConnectionSettings, ConnectionSettingsSchema } from './connection-settings.js';
export { Heartbeat, type HeartbeatOptions } from './heartbeat.js';
export {
  type ConnectionLink,
  type ConnectionState,
  type LinkEvents,
  ManagedConnection,
  type ManagedConnectionOptions,
  type ReconnectNotice,
} from './managed-connection.js';
export { ManualLink } from './manual-link.js';
export {
  type BackoffOptions,
  BackoffSchema,
  backoffDelayMs,
  ReconnectSchedule,
  type ReconnectScheduleOptions,
} from './reconnect-schedule.js';
export {
  RequestCorrelator,
  type RequestCorrelatorOptions,
  type RequestFailure,
} from './request-correlator.js';
export { ManualScheduler, type ScheduledTimer, type Scheduler, systemScheduler } from './scheduler.js';
