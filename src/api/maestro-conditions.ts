/**
 * The condition types of the Maestro kind and the reasons each may carry, declared once as data.
 * The controller writes only these; `docs/maestro.md` lists them; event reasons equal condition
 * reasons.
 */

/** Condition types written to `Maestro.status.conditions`. */
export const MaestroConditionType = {
  /** The Maestro server answers its readiness probe and, in grpc mode, the ClusterManager is wired. */
  Available: 'Available',
  /** The operator is applying a change or waiting for operands to roll out. */
  Progressing: 'Progressing',
  /** Something needs a human: invalid settings, a failed apply, a conflicting writer. */
  Degraded: 'Degraded',
  /** The deprecated stolostron maestro-addon (ClusterManagementAddOn `maestro-addon`) is installed. */
  LegacyAddonDetected: 'LegacyAddonDetected',
  /** Maestro and the conductor talk to the database without TLS (only by explicit choice). */
  InsecureDatabaseConnection: 'InsecureDatabaseConnection',
} as const;

export type MaestroConditionType = (typeof MaestroConditionType)[keyof typeof MaestroConditionType];

/** Reasons, grouped by the condition type that uses them. */
export const MaestroConditionReason = {
  Available: {
    /** Every operand Deployment/StatefulSet reports its desired replicas available. */
    Available: 'Available',
    /** Operands exist but are not (yet) available. */
    OperandsUnavailable: 'OperandsUnavailable',
    /** The MultiClusterEngine does not enable the maestro (or maestro-preview) component. */
    ComponentDisabled: 'ComponentDisabled',
    /** No MultiClusterEngine exists on the hub. */
    MultiClusterEngineNotFound: 'MultiClusterEngineNotFound',
  },
  Progressing: {
    /** Desired objects were applied and are rolling out. */
    Reconciling: 'Reconciling',
    /** Everything is applied and rolled out; nothing to do. */
    Reconciled: 'Reconciled',
    /** The component was turned off and our objects are being removed. */
    Removing: 'Removing',
  },
  Degraded: {
    /** Nothing is wrong. */
    AsExpected: 'AsExpected',
    /** The settings can't be rendered; the message names the field. Nothing is pruned. */
    InvalidSpec: 'InvalidSpec',
    /** An apply or delete failed; the operator retries with backoff. */
    ApplyFailed: 'ApplyFailed',
    /** Another field manager owns a field we need (e.g. on the ClusterManager). */
    FieldConflict: 'FieldConflict',
    /**
     * The MCE (2.17+) reconciles its own maestro-preview component and would undo our writes;
     * nothing is installed or removed until the admin marks it externally managed.
     */
    MceManagesMaestro: 'MceManagesMaestro',
  },
  LegacyAddonDetected: {
    /** The maestro-addon ClusterManagementAddOn exists; the operator leaves it alone. */
    AddonPresent: 'AddonPresent',
    /** No maestro-addon found. */
    AddonAbsent: 'AddonAbsent',
  },
  InsecureDatabaseConnection: {
    /** The external database Secret sets `db.sslmode: disable`: password and data cross the network in clear. */
    ExplicitlyDisabled: 'ExplicitlyDisabled',
    /** TLS is on (verify-full by default; the Secret may choose require or verify-ca). */
    TlsEnabled: 'TlsEnabled',
  },
} as const satisfies Record<MaestroConditionType, Record<string, string>>;

/** All reasons a given condition type may carry. */
export type MaestroConditionReason<T extends MaestroConditionType> =
  (typeof MaestroConditionReason)[T][keyof (typeof MaestroConditionReason)[T]];
