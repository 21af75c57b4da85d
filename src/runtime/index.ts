export * from './client/index.js';
export { applyAtStart, type StartObjects } from './apply-at-start.js';
export { backoffDelay, jitter, realClock, sleep, type Clock, type TimerHandle } from './clock.js';
export {
  findCondition,
  isFalse,
  isTrue,
  removeCondition,
  setCondition,
  toMetaTime,
  type Condition,
  type ConditionInput,
  type ConditionStatus,
} from './conditions.js';
export { Controller, type ControllerOptions, type MapFunc } from './controller.js';
export {
  EventRecorder,
  toMicroTime,
  type EventInput,
  type EventRecorderOptions,
  type EventType,
} from './events.js';
export { FlagError, parseDuration, parseFlags, USAGE, type OperatorFlags } from './flags.js';
export {
  parseBindAddress,
  serveMetrics,
  serveProbes,
  type Check,
  type RunningServer,
} from './http-servers.js';
export {
  Informer,
  dropManagedFields,
  trimObject,
  type InformerHandler,
  type InformerOptions,
} from './informer.js';
export { sharedInformer } from './shared-informers.js';
export { compareResourceVersions } from './resource-version.js';
export { StringInterner } from './intern.js';
export { KeySets } from './key-sets.js';
export { LeaderElector, type LeaderElectionConfig, type LeadershipEnd } from './leader-election.js';
export { LeaseLock, type LeaderElectionRecord, type LockState, type ResourceLock } from './lease-lock.js';
export { createLogger, silentLogger, LOG_LEVELS, type LogLevel, type Logger } from './logger.js';
export {
  Manager,
  type ManagedInformer,
  type ManagerExit,
  type ManagerOptions,
  type Registration,
} from './manager.js';
export { registry } from './metrics.js';
export {
  TerminalError,
  isTerminal,
  type ReconcileContext,
  type ReconcileRequest,
  type ReconcileResult,
  type Reconciler,
} from './reconcile.js';
export { EXIT, runOperator, type ControllerDeps, type ControllerFactory } from './run-operator.js';
export { Store, type IndexFunc } from './store.js';
export { WorkQueue, type WorkQueueOptions } from './workqueue.js';
