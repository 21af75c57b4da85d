/**
 * Field schemas the Maestro kind uses more than once: quantities, resource requirements, image
 * references, Secret references and the "how is this endpoint exposed" block shared by the gRPC
 * server and the embedded MQTT broker.
 */
import { z } from 'zod';
import { celRules, dnsSubdomain } from './schema.js';

/** How work reaches managed clusters. */
export const TRANSPORTS = ['grpc', 'mqtt'] as const;
export type Transport = (typeof TRANSPORTS)[number];
/** Who runs the database. */
export const DATABASE_TYPES = ['Embedded', 'External'] as const;
export type DatabaseType = (typeof DATABASE_TYPES)[number];
/** Who runs the MQTT broker. */
export const BROKER_TYPES = ['Embedded', 'External'] as const;
export type BrokerType = (typeof BROKER_TYPES)[number];

/** Kubernetes `resource.Quantity` syntax (apimachinery `pkg/api/resource/quantity.go`). */
export const QUANTITY_PATTERN =
  /^(\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))))?$/;

/**
 * A resource quantity (`100m`, `256Mi`, `1`), int-or-string on the wire as in core/v1, so
 * `cpu: 1` and `cpu: "1"` are both accepted.
 */
export function quantity(description: string) {
  return z
    .union([z.number().int().min(0), z.string().regex(QUANTITY_PATTERN, 'must be a Kubernetes quantity')])
    .meta({ 'x-kubernetes-int-or-string': true, pattern: QUANTITY_PATTERN.source })
    .describe(description);
}

/** A storage size: a quantity written as a string, e.g. `1Gi`. */
export function storageSize(description: string) {
  return z
    .string()
    .max(64)
    .regex(QUANTITY_PATTERN, 'must be a Kubernetes quantity such as 1Gi')
    .describe(description);
}

/** core/v1 ResourceRequirements without `claims` (operands here use no dynamic resources). */
export const resourceRequirementsSchema = z
  .object({
    requests: z
      .record(z.string(), quantity('A quantity.'))
      .optional()
      .describe('Minimum compute resources required, e.g. {cpu: 100m, memory: 256Mi}.'),
    limits: z
      .record(z.string(), quantity('A quantity.'))
      .optional()
      .describe('Maximum compute resources allowed, e.g. {memory: 1Gi}.'),
  })
  .describe('Compute resources of the container, as in core/v1 ResourceRequirements.');

export type ResourceRequirements = z.infer<typeof resourceRequirementsSchema>;

// The grammar of docker/distribution `reference/regexp.go`: [domain[:port]/]path[:tag][@digest].
const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN = `${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*(?::[0-9]+)?`;
const PATH_COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const TAG = '[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}';
const DIGEST = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}';

/** A container image reference such as `quay.io/org/image:tag` or `registry:5000/image@sha256:…`. */
export const IMAGE_REFERENCE_PATTERN = new RegExp(
  `^(?:${DOMAIN}/)?${PATH_COMPONENT}(?:/${PATH_COMPONENT})*(?::${TAG})?(?:@${DIGEST})?$`,
);

/** A container image reference; checked by the API server (pattern) and by the operator. */
export function imageReference(description: string) {
  return z
    .string()
    .min(1)
    .max(512)
    .regex(IMAGE_REFERENCE_PATTERN, 'must be a container image reference such as quay.io/org/image:tag')
    .describe(description);
}

/** A reference to a Secret in the operand namespace (`spec.namespace`). */
export const secretReferenceSchema = z
  .object({
    name: dnsSubdomain('Name of the Secret, in the namespace given by spec.namespace.'),
  })
  .describe('A Secret in the operand namespace (spec.namespace).');

/**
 * How an endpoint that managed clusters dial is exposed.
 * - `Auto`: a Route where `route.openshift.io` is served, otherwise a Service of type LoadBalancer.
 * - `Route`: an OpenShift passthrough Route (TLS ends at the server).
 * - `LoadBalancer` / `NodePort`: a Service of that type.
 * - `ClusterIP`: not exposed outside the hub; bring your own ingress and set `hostname`.
 */
export const EXPOSURE_TYPES = ['Auto', 'Route', 'LoadBalancer', 'NodePort', 'ClusterIP'] as const;
export type ExposureType = (typeof EXPOSURE_TYPES)[number];

/** The three fields every exposed endpoint has; spread into an object schema. */
export function exposureShape(what: string) {
  return {
    exposure: z
      .enum(EXPOSURE_TYPES)
      .default('Auto')
      .describe(
        `How the ${what} is exposed to managed clusters. Auto: a Route where route.openshift.io is served, ` +
          'otherwise a Service of type LoadBalancer. Route: a passthrough Route. LoadBalancer, NodePort: a ' +
          'Service of that type. ClusterIP: not exposed outside the hub (bring your own ingress and set hostname).',
      ),
    hostname: dnsSubdomain(
      `Host name managed clusters use to reach the ${what}. It is put into the server certificate. ` +
        'For a Route it is the Route host (default: <route name>-<namespace>.<cluster ingress domain>); ' +
        'required for NodePort.',
    ).optional(),
    nodePort: z
      .number()
      .int()
      .min(1)
      .max(65535)
      .optional()
      .describe('Node port to request when exposure is NodePort; the API server picks one when unset.'),
  };
}

/**
 * Exposures of the cluster-manager gRPC server: only those managedcluster-import-controller can
 * turn into the agents' bootstrap address (Route `grpc-server`, or ocm's LoadBalancer Service).
 * NodePort and ClusterIP were removed: the import controller reads no node port and no custom
 * ingress, so imported clusters were given an address they could not reach.
 */
export const GRPC_EXPOSURE_TYPES = ['Auto', 'Route', 'LoadBalancer'] as const;

/** `exposure` and `hostname` of the gRPC server; spread into an object schema. */
export function grpcExposureShape(what: string) {
  return {
    exposure: z
      .enum(GRPC_EXPOSURE_TYPES)
      .default('Auto')
      .describe(
        `How the ${what} is exposed to managed clusters. Auto: a Route where route.openshift.io is served, ` +
          "otherwise ocm's Service of type LoadBalancer. Route: a passthrough Route. LoadBalancer: ocm's " +
          'LoadBalancer Service on 443.',
      ),
    hostname: dnsSubdomain(
      `Host name managed clusters use to reach the ${what}. It is put into the server certificate. ` +
        'For a Route it is the Route host (default: <route name>-<namespace>.<cluster ingress domain>).',
    ).optional(),
  };
}

/** CEL rules for an object built with `exposureShape` (guarded: they also run against the default `{}`). */
export const exposureRules = [
  {
    rule: "!has(self.nodePort) || (has(self.exposure) && self.exposure == 'NodePort')",
    message: 'nodePort is only valid when exposure is NodePort',
    fieldPath: '.nodePort',
  },
  {
    rule: "!has(self.exposure) || self.exposure != 'NodePort' || has(self.hostname)",
    message: 'hostname is required when exposure is NodePort',
    fieldPath: '.hostname',
  },
];

/** Wraps an object schema built with `exposureShape` with its CEL rules. */
export function withExposureRules<T extends z.ZodType>(schema: T): T {
  return celRules(schema, ...exposureRules);
}
