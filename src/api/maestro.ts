/**
 * The Maestro kind: install settings for Maestro on an MCE hub.
 *
 * `maestro.multicluster.openshift.io/v1alpha1`, cluster-scoped, a singleton named `cluster`
 * (enforced by a CEL rule on the root). `cluster` follows the OpenShift convention for
 * cluster-wide singletons (`Ingress/cluster`, `Proxy/cluster`): the object describes this hub's
 * Maestro, and a fixed name lets the controller, docs and runbooks refer to it without a lookup.
 *
 * The object is optional: with none, the controller renders `maestroSpecSchema.parse({})`, i.e.
 * transport grpc, embedded PostgreSQL, namespace `maestro`. Whether Maestro is installed at all is
 * decided by the MultiClusterEngine component toggle, not by this object.
 *
 * Object blocks use `.prefault({})`, not `.default({})`: zod 4's `.default` returns its value
 * without parsing it, so nested defaults would be skipped; `.prefault` parses `{}` and still emits
 * `default: {}` into the CRD, which the API server expands with the nested defaults.
 */
import { z } from 'zod';
import { celRules, dnsLabel, dnsSubdomain, intOrPercent } from './schema.js';
import { maestroStatusSchema } from './maestro-status.js';
import {
  BROKER_TYPES,
  type BrokerType,
  DATABASE_TYPES,
  type DatabaseType,
  TRANSPORTS,
  type Transport,
  exposureShape,
  imageReference,
  resourceRequirementsSchema,
  secretReferenceSchema,
  storageSize,
  grpcExposureShape,
  withExposureRules,
} from './maestro-fields.js';

export const MAESTRO_GROUP = 'maestro.multicluster.openshift.io';
export const MAESTRO_VERSION = 'v1alpha1';
export const MAESTRO_API_VERSION = `${MAESTRO_GROUP}/${MAESTRO_VERSION}`;
export const MAESTRO_KIND = 'Maestro';
export const MAESTRO_PLURAL = 'maestros';
/** The only accepted name of a Maestro object. */
export const MAESTRO_SINGLETON_NAME = 'cluster';

export { BROKER_TYPES, DATABASE_TYPES, TRANSPORTS, type BrokerType, type DatabaseType, type Transport };

/**
 * CEL for a `{type: Embedded|External, embedded, external}` block: `external` iff type External.
 * Rules guard with `has()` because the API server also checks them against the block's default
 * `{}`, before nested defaults are filled in.
 */
function withEmbeddedOrExternalRules<T extends z.ZodType>(schema: T): T {
  return celRules(
    schema,
    {
      rule: "!has(self.type) || self.type != 'External' || has(self.external)",
      message: 'external is required when type is External',
      fieldPath: '.external',
      reason: 'FieldValueRequired',
    },
    {
      rule: "!has(self.external) || (has(self.type) && self.type == 'External')",
      message: 'external is only valid when type is External',
      fieldPath: '.external',
      reason: 'FieldValueForbidden',
    },
  );
}

const embeddedDatabaseSchema = z
  .object({
    storage: celRules(
      z
        .object({
          size: storageSize('Size of the PostgreSQL volume claim (MCE uses 1Gi).').default('1Gi'),
          storageClassName: dnsSubdomain(
            'StorageClass of the volume claim; the cluster default class when unset.',
          ).optional(),
        })
        .prefault({})
        .describe(
          'The volume claim template of the StatefulSet. Immutable: Kubernetes does not allow changing a ' +
            'StatefulSet volume claim template; resize the PersistentVolumeClaim itself instead.',
        ),
      { rule: 'self == oldSelf', message: 'storage is immutable' },
    ),
    resources: resourceRequirementsSchema
      .default({ requests: { cpu: '100m', memory: '256Mi' } })
      .describe('Compute resources of the PostgreSQL container (default: requests cpu 100m, memory 256Mi).'),
  })
  .describe('PostgreSQL run by the operator as StatefulSet maestro-db in spec.namespace.');

const externalDatabaseSchema = z
  .object({
    secretRef: secretReferenceSchema.describe(
      'Secret with keys db.host, db.port, db.user, db.password, db.name and optionally db.sslmode ' +
        '(disable, require, verify-ca, verify-full; default verify-full) and db.rootcert (PEM CA, required unless ' +
        'sslmode is disable: Maestro then always passes --db-rootcert). Only an explicit db.sslmode: disable ' +
        'connects without TLS, reported by condition InsecureDatabaseConnection.',
    ),
  })
  .describe(
    'A PostgreSQL server you run (Maestro needs PostgreSQL: it uses LISTEN/NOTIFY and advisory locks).',
  );

const databaseSchema = withEmbeddedOrExternalRules(
  z
    .object({
      type: z
        .enum(DATABASE_TYPES)
        .default('Embedded')
        .describe('Embedded (run by the operator) or External.'),
      embedded: embeddedDatabaseSchema.prefault({}),
      external: externalDatabaseSchema.optional(),
    })
    .prefault({})
    .describe('Where Maestro keeps its state.'),
);

const embeddedBrokerSchema = withExposureRules(
  z
    .object({
      resources: resourceRequirementsSchema
        .default({ requests: { cpu: '50m', memory: '64Mi' } })
        .describe('Compute resources of the Mosquitto container (default: requests cpu 50m, memory 64Mi).'),
      ...exposureShape('MQTT broker'),
    })
    .prefault({})
    .describe(
      'Mosquitto run by the operator (Deployment maestro-mqtt): a TLS listener on 8883, mutual TLS with a CA ' +
        'the operator generates, and an ACL that scopes each managed cluster to its own topics.',
    ),
);

const externalBrokerSchema = z
  .object({
    secretRef: secretReferenceSchema.describe(
      "Secret with key config.yaml in Maestro's MQTT format (brokerHost, topics, and credentials; " +
        'certificates inline as caData/clientCertData/clientKeyData).',
    ),
  })
  .describe('An MQTT broker you run.');

const brokerSchema = withEmbeddedOrExternalRules(
  z
    .object({
      type: z
        .enum(BROKER_TYPES)
        .default('Embedded')
        .describe('Embedded (Mosquitto run by the operator) or External.'),
      embedded: embeddedBrokerSchema,
      external: externalBrokerSchema.optional(),
    })
    .prefault({})
    .describe('The MQTT broker; used only when transport is mqtt.'),
);

const serverSchema = z
  .object({
    replicas: z
      .number()
      .int()
      .min(0)
      .max(20)
      .optional()
      .describe(
        'Replicas of the Maestro server. Default: follows MultiClusterEngine spec.availabilityConfig ' +
          '(Basic: 1, High or unset: 2). With more than one, a PodDisruptionBudget is added and, for mqtt, ' +
          'status events use a shared subscription.',
      ),
    resources: resourceRequirementsSchema
      .default({ requests: { cpu: '100m', memory: '256Mi' } })
      .describe(
        'Compute resources of the Maestro server container (default: requests cpu 100m, memory 256Mi).',
      ),
    logLevel: z
      .number()
      .int()
      .min(0)
      .max(10)
      .default(2)
      .describe('klog verbosity (-v) of the Maestro server.'),
  })
  .prefault({})
  .describe('The Maestro server (Deployment maestro).');

const imagesSchema = z
  .object({
    maestro: imageReference(
      'Maestro server image. Default: env OPERAND_IMAGE_MAESTRO of the operator.',
    ).optional(),
    postgresql: imageReference(
      'PostgreSQL image for the embedded database (sclorg-style env POSTGRESQL_*). ' +
        'Default: env OPERAND_IMAGE_POSTGRESQL.',
    ).optional(),
    mosquitto: imageReference(
      'Mosquitto image for the embedded broker. Default: env OPERAND_IMAGE_MOSQUITTO.',
    ).optional(),
    conductor: imageReference(
      'Image of the cluster-manager gRPC server that reads the Maestro database (MCE image key ' +
        'cloudevents_conductor), written to ClusterManager spec.serverConfiguration.imagePullSpec in grpc mode. ' +
        'Default: env OPERAND_IMAGE_CLOUDEVENTS_CONDUCTOR; when neither is set, the ClusterManager value is left alone.',
    ).optional(),
    restProxy: imageReference(
      "kube-rbac-proxy image of the sidecar that authenticates and authorises callers of Maestro's REST API " +
        '(TokenReview, and a SubjectAccessReview on maestros/rest). Default: env OPERAND_IMAGE_KUBE_RBAC_PROXY.',
    ).optional(),
  })
  .prefault({})
  .describe('Operand images; each overrides the operator default for that image.');

const grpcServerSchema = z
  .object({ ...grpcExposureShape('cluster-manager gRPC server') })
  .prefault({})
  .describe(
    'The OCM cluster-manager gRPC server (Service cluster-manager-grpc-server in open-cluster-management-hub) ' +
      'that managed clusters dial in grpc mode.',
  );

const placementRefSchema = z
  .object({
    namespace: dnsLabel('Namespace of the Placement.'),
    name: dnsSubdomain('Name of the Placement.'),
  })
  .describe('A cluster.open-cluster-management.io Placement.');

const transportRolloutSchema = z
  .object({
    placementRef: placementRefSchema
      .optional()
      .describe('Clusters to move to the chosen transport; all managed clusters when unset.'),
    maxConcurrency: intOrPercent(
      'How many clusters switch transport at once: a count or a percentage of the selected clusters.',
    ).default('10%'),
  })
  .prefault({})
  .describe('How managed-cluster agents are moved to the chosen transport; read by the rollout controller.');

/** `Maestro.spec`. Every field is optional; the defaults give a working grpc install. */
export const maestroSpecSchema = z
  .object({
    transport: z
      .enum(TRANSPORTS)
      .default('grpc')
      .describe(
        "How work reaches managed clusters. grpc: through the OCM cluster-manager gRPC server, with Maestro's " +
          'message broker disabled (as MCE does). mqtt: through an MQTT broker.',
      ),
    namespace: celRules(dnsLabel('Namespace of the Maestro operands. Immutable.').default('maestro'), {
      rule: 'self == oldSelf',
      message: 'namespace is immutable',
    }),
    database: databaseSchema,
    broker: brokerSchema,
    server: serverSchema,
    images: imagesSchema,
    grpcServer: grpcServerSchema,
    retainDataOnDisable: z
      .boolean()
      .default(true)
      .describe(
        'Keep the namespace, database Secret, database volume and generated MQTT CA when the component ' +
          'is turned off, so turning it on again resumes with the same data.',
      ),
    transportRollout: transportRolloutSchema,
  })
  .prefault({})
  .describe('Install settings of Maestro on this hub.');

export type MaestroSpecInput = z.input<typeof maestroSpecSchema>;
/** The spec with every default filled in: what render consumes. */
export type MaestroSpec = z.infer<typeof maestroSpecSchema>;

/** The settings used when no Maestro object exists. */
export function defaultMaestroSpec(): MaestroSpec {
  return maestroSpecSchema.parse({});
}

/** A whole Maestro object as read from the API server. */
export const maestroSchema = z.looseObject({
  apiVersion: z.literal(MAESTRO_API_VERSION),
  kind: z.literal(MAESTRO_KIND),
  metadata: z.looseObject({
    name: z.literal(MAESTRO_SINGLETON_NAME),
    generation: z.number().int().optional(),
    uid: z.string().optional(),
    resourceVersion: z.string().optional(),
  }),
  spec: maestroSpecSchema,
  status: maestroStatusSchema.optional(),
});

export type Maestro = z.infer<typeof maestroSchema>;

/** CEL rules on the root of the CRD schema. */
export const maestroRootValidations = [
  {
    rule: `self.metadata.name == '${MAESTRO_SINGLETON_NAME}'`,
    message: `Maestro is a singleton: the object must be named ${MAESTRO_SINGLETON_NAME}`,
  },
];

export { maestroPrinterColumns, maestroStatusSchema, type MaestroStatus } from './maestro-status.js';
