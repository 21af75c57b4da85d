/**
 * The AgentRollout kind: a progressive rollout of one agent-side change (a klusterlet version, an
 * add-on version, or the transport) across the clusters of a Placement in the same namespace.
 *
 * `maestro.multicluster.openshift.io/v1alpha1`, namespaced: a team rolls out only to clusters
 * bound to its namespace through ManagedClusterSetBindings, as OCM's Placement enforces.
 *
 * The spec embeds the planner's pure settings (`src/rollout/spec.ts`): OCM's `rolloutStrategy`
 * plus maintenance windows, exclusions, failure policy, approval gates, pause and late joiners.
 * Per-cluster state lives on the per-cluster objects the rollout writes (annotations), never in
 * this object's status, so any number of clusters fits and a restart rebuilds it.
 */
import { z } from 'zod';
import { failurePolicySchema, policyFields, rolloutStrategySchema } from './rollout-policy.js';
import { imageReference } from './maestro-fields.js';
import { MAESTRO_GROUP, MAESTRO_VERSION } from './maestro.js';
import { celRules, dnsSubdomain } from './schema.js';

export const AGENT_ROLLOUT_KIND = 'AgentRollout';
export const AGENT_ROLLOUT_PLURAL = 'agentrollouts';
export const AGENT_ROLLOUT_API_VERSION = `${MAESTRO_GROUP}/${MAESTRO_VERSION}`;

/** Set by `kubectl mce rollout resume` (RFC 3339): resumes a rollout paused by a failure budget. */
export const RESUME_ANNOTATION = 'rollout.maestro.multicluster.openshift.io/resume-requested-at';
/** Set by `kubectl mce rollout rollback` (RFC 3339): rolls the current revision back. */
export const ROLLBACK_ANNOTATION = 'rollout.maestro.multicluster.openshift.io/rollback-requested-at';

/** Semantic version `MAJOR.MINOR.PATCH` with optional pre-release and build parts. */
export const SEMVER_PATTERN =
  /^v?(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/;

const semver = (description: string) =>
  z.string().regex(SEMVER_PATTERN, 'must be a semantic version such as 2.17.0').describe(description);

export const klusterletImagesSchema = z
  .object({
    registrationOperator: imageReference(
      'The klusterlet operator image (import controller env REGISTRATION_OPERATOR_IMAGE).',
    ),
    registration: imageReference('The registration agent image (REGISTRATION_IMAGE).'),
    work: imageReference('The work agent image (WORK_IMAGE).'),
  })
  .describe('Full image pull specs of the klusterlet agent images, digests recommended.');

export const klusterletTargetSchema = z
  .object({
    version: semver('The agent version these images are, e.g. 2.17.0; checked against the hub version.'),
    images: klusterletImagesSchema,
    hubImages: klusterletImagesSchema
      .optional()
      .describe(
        'The images the hub renders today (the import controller environment). Detected from the ' +
          'managedcluster-import-controller Deployment when unset; each becomes a registries source.',
      ),
  })
  .describe(
    'Roll the klusterlet to a version: a derived KlusterletConfig pins the images with full-image ' +
      'registries entries, selected per cluster by the agent.open-cluster-management.io/klusterlet-config annotation.',
  );

export const addOnConfigRefSchema = z
  .object({
    group: z.string().default('addon.open-cluster-management.io').describe('API group of the config.'),
    resource: z.string().min(1).default('addondeploymentconfigs').describe('Plural resource of the config.'),
    namespace: z.string().optional().describe('Namespace of the config; empty for cluster-scoped configs.'),
    name: dnsSubdomain(
      'Name of the immutable, versioned config object (e.g. managed-serviceaccount-2.17.0).',
    ),
  })
  .describe('The config object that carries the new version.');

export const addOnTargetSchema = z
  .object({
    name: dnsSubdomain('The ClusterManagementAddOn name.'),
    version: semver('The add-on version the config delivers, shown in status.'),
    config: addOnConfigRefSchema,
  })
  .describe(
    'Roll an add-on to a version: each wave points ManagedClusterAddOn.spec.configs of its clusters at ' +
      'the versioned config; the config itself is never edited.',
  );

export const TRANSPORT_TARGETS = ['grpc', 'mqtt', 'kube'] as const;
export type TransportTarget = (typeof TRANSPORT_TARGETS)[number];

export const transportTargetSchema = z
  .object({
    type: z
      .enum(TRANSPORT_TARGETS)
      .describe(
        'grpc: register and receive work through the hub gRPC server; mqtt: a Maestro agent over the ' +
          'MQTT broker; kube: back to the hub Kubernetes API.',
      ),
  })
  .describe('Switch the agents of each cluster to a transport.');

export const rolloutTargetSchema = celRules(
  z
    .object({
      klusterlet: klusterletTargetSchema.optional(),
      addOn: addOnTargetSchema.optional(),
      transport: transportTargetSchema.optional(),
    })
    .describe('What to roll out: exactly one of klusterlet, addOn or transport.'),
  {
    rule: '[has(self.klusterlet), has(self.addOn), has(self.transport)].filter(x, x).size() == 1',
    message: 'exactly one of klusterlet, addOn or transport must be set',
  },
);

export const versionSkewPolicySchema = z
  .object({
    maxMinorBehindHub: z
      .number()
      .int()
      .min(0)
      .max(10)
      .default(2)
      .describe('How many minor versions a klusterlet may be behind the hub.'),
    allowNewerThanHub: z.boolean().default(false).describe('Allow a klusterlet newer than the hub.'),
    allowDowngrade: z
      .boolean()
      .default(false)
      .describe('Allow a target older than what clusters run now (a rollback is always allowed).'),
  })
  .describe('Klusterlet version skew policy against the hub version.');

export const approvalGrantSchema = z
  .object({
    groupName: z.string().min(1).describe('The gated decision group.'),
    revision: z
      .string()
      .min(1)
      .describe('The rollout revision approved (status.revision); approvals do not carry over.'),
  })
  .describe('A person approved a gated group for one revision.');

export const agentRolloutSpecSchema = z
  .object({
    target: rolloutTargetSchema,
    placementRef: z
      .object({ name: dnsSubdomain('Name of a Placement in the same namespace.') })
      .describe('The Placement whose decisions (and decision groups) the rollout follows.'),
    rolloutStrategy: rolloutStrategySchema
      .optional()
      .describe(
        "OCM's RolloutStrategy. For an add-on, when unset, the ClusterManagementAddOn's own " +
          'installStrategy.placements[].rolloutStrategy for this Placement; otherwise All.',
      ),
    maintenanceWindows: policyFields.maintenanceWindows.optional(),
    maintenanceExclusions: policyFields.maintenanceExclusions.optional(),
    failurePolicy: failurePolicySchema.optional(),
    approvals: policyFields.approvals.optional(),
    approved: z
      .array(approvalGrantSchema)
      .max(100)
      .optional()
      .describe('Approvals given (kubectl mce rollout approve GROUP adds one for the current revision).'),
    paused: policyFields.paused,
    lateJoiners: policyFields.lateJoiners,
    versionSkewPolicy: versionSkewPolicySchema.prefault({}),
  })
  .describe('AgentRolloutSpec: what to roll out, where, how fast and when.');

export type AgentRolloutSpec = z.output<typeof agentRolloutSpecSchema>;
export type AgentRolloutSpecInput = z.input<typeof agentRolloutSpecSchema>;
export type RolloutTarget = z.output<typeof rolloutTargetSchema>;
export type KlusterletTarget = z.output<typeof klusterletTargetSchema>;
export type KlusterletImages = z.output<typeof klusterletImagesSchema>;
export type AddOnTarget = z.output<typeof addOnTargetSchema>;
export type AddOnConfigRef = z.output<typeof addOnConfigRefSchema>;
export type VersionSkewPolicy = z.output<typeof versionSkewPolicySchema>;

/** The kind of target a rollout has, for labels, metrics and per-cluster annotations. */
export type TargetKind = 'klusterlet' | 'addOn' | 'transport';

/** Which of the three targets is set (the schema guarantees exactly one). */
export function targetKind(target: RolloutTarget): TargetKind {
  if (target.klusterlet) return 'klusterlet';
  if (target.addOn) return 'addOn';
  return 'transport';
}

/** A short human description of the target, e.g. `klusterlet 2.17.0`, for status and events. */
export function describeTarget(target: RolloutTarget): string {
  if (target.klusterlet) return `klusterlet ${target.klusterlet.version}`;
  if (target.addOn) return `${target.addOn.name} ${target.addOn.version}`;
  return `transport ${target.transport?.type ?? 'unknown'}`;
}
