/**
 * Inputs and outputs of `renderMaestro`. Everything is plain data: the controller reads the API
 * server, calls the tls helpers for generated material, and passes the results in.
 */
import type {
  V1LabelSelector,
  V1NetworkPolicyPeer,
  V1NetworkPolicyPort,
  V1ObjectMeta,
  V1Toleration,
} from '@kubernetes/client-node';
import type { DatabaseType, MaestroSpec, Transport } from '../../../api/maestro.js';
import type { PlaneName } from '../../../api/planes.js';
import type { ClusterManager } from '../../../api/upstream/clustermanager.js';

/** Metadata every rendered object has: a name, our labels, maybe an owner reference. */
export type KubeMeta = V1ObjectMeta & { name: string; labels: Record<string, string> };

/** A rendered object: plain JSON with apiVersion/kind/metadata (typed further where handy). */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: KubeMeta;
}

/** Identity of the MultiClusterEngine, for owner references. */
export interface MceRef {
  name: string;
  uid: string;
}

/** What render needs from the MultiClusterEngine, already normalized (see `mceSettingsFrom`). */
export interface MceSettings extends MceRef {
  /** Default server replicas from `spec.availabilityConfig` (Basic 1, otherwise 2). */
  replicas: number;
  nodeSelector: Record<string, string>;
  tolerations: V1Toleration[];
  imagePullPolicy: 'Always' | 'IfNotPresent' | 'Never';
}

/** Operand images from the operator's environment (`OPERAND_IMAGE_*`); the spec overrides them. */
export interface OperandImages {
  maestro?: string;
  postgresql?: string;
  mosquitto?: string;
  conductor?: string;
  /** kube-rbac-proxy, the authenticating proxy in front of Maestro's REST API. */
  restProxy?: string;
}

/** Credentials of the embedded database, from Secret maestro-db-config (generated once). */
export interface DbCredentials {
  user: string;
  password: string;
  name: string;
}

/** A PEM certificate and its PEM (PKCS#8) private key. */
export interface TlsKeyPair {
  cert: string;
  key: string;
}

/** MQTT TLS material: the CA, Mosquitto's serving pair and the Maestro server's client pair. */
export interface MqttTlsMaterial {
  ca: TlsKeyPair;
  server: TlsKeyPair;
  maestroClient: TlsKeyPair;
}

/** TLS of the embedded database: the CA Maestro and the conductor trust, PostgreSQL's serving pair. */
export interface DbTlsMaterial {
  ca: TlsKeyPair;
  server: TlsKeyPair;
}

/**
 * TLS of Maestro's REST and gRPC listeners: the CA (also the gRPC client CA), the serving pair
 * (Maestro's own REST listener always serves it; on OpenShift the service CA issues what clients
 * see) and the gRPC client pair. Render refuses material without the serving pair.
 */
export interface ApiTlsMaterial {
  ca: TlsKeyPair;
  server?: TlsKeyPair;
  grpcClient: TlsKeyPair;
}

/** Generated values render writes back into their Secrets unchanged. */
export interface GeneratedMaterial {
  /** Required with an embedded database. */
  database?: DbCredentials;
  /** Required with an embedded database. */
  databaseTls?: DbTlsMaterial;
  /** Required with transport mqtt and an embedded broker. */
  mqtt?: MqttTlsMaterial;
  /** Always required: Maestro's listeners serve only TLS. */
  api?: ApiTlsMaterial;
}

/** Decoded `data` of a Secret the user provides; `null` when the Secret does not exist. */
export type SecretData = Record<string, string> | null;

export interface ExternalSecrets {
  /** The Secret named by spec.database.external.secretRef, when External. */
  database?: SecretData;
  /** The Secret named by spec.broker.external.secretRef, when External and transport mqtt. */
  broker?: SecretData;
}

/** Optional APIs and platform traits discovered on the cluster. */
export interface Capabilities {
  /** `route.openshift.io/v1` Routes are served. */
  routes: boolean;
  /** `monitoring.coreos.com/v1` ServiceMonitors are served. */
  serviceMonitors: boolean;
  /** OpenShift: UIDs come from the SCC, so pods set no runAsUser. */
  openshift: boolean;
}

export interface RenderInput {
  mce: MceSettings;
  /** The Maestro spec with defaults applied (`maestroSpecSchema.parse`, or `defaultMaestroSpec()`). */
  spec: MaestroSpec;
  images: OperandImages;
  generated: GeneratedMaterial;
  external: ExternalSecrets;
  capabilities: Capabilities;
  /** `config.openshift.io/v1 Ingress cluster .spec.domain`, for default Route hosts. */
  clusterIngressDomain?: string;
  /** The current ClusterManager `cluster-manager`, if any; its lists are merged, never replaced. */
  clusterManager?: ClusterManager;
  /** False on split-plane hubs: operands live on another API server than the MCE. */
  sameApiServerAsMce: boolean;
  /**
   * The namespace the operator's pods run in (`POD_NAMESPACE`), when it runs in the cluster: its
   * pods are the one caller admitted to Maestro's REST, where it registers consumers.
   */
  operatorNamespace?: string;
}

/**
 * Where an object goes: `control` = the operand API server (workloads and what their pods read),
 * `data` = the API server of the MCE and ClusterManager (objects in open-cluster-management-hub).
 * Render names no plane per object: the plane table (`planeFor`, src/api/planes.ts) decides, and
 * render pins an object with its annotation only where the table would be wrong.
 */
export type Plane = PlaneName;

export interface RenderedObject {
  object: KubeObject;
  /** Retained data: never pruned while retainDataOnDisable is true, and carries no owner reference. */
  retained: boolean;
}

export interface ObjectRef {
  apiVersion: string;
  kind: string;
  namespace?: string;
  name: string;
}

/** Server-side apply body for ClusterManager `cluster-manager`, holding only our fields. */
export interface ClusterManagerApply {
  apiVersion: 'operator.open-cluster-management.io/v1';
  kind: 'ClusterManager';
  metadata: { name: string };
  spec?: {
    registrationConfiguration?: { registrationDrivers: { authType: string }[] };
    serverConfiguration?: { imagePullSpec?: string; endpointsExposure?: unknown[] };
  };
}

/** What the status writer needs. */
export interface RenderedStatus {
  transport: Transport;
  databaseType: DatabaseType;
  /** sslmode of the database connection in effect (not a status field: it feeds a condition). */
  databaseSslmode: 'disable' | 'require' | 'verify-ca' | 'verify-full';
  endpoints: { rest: string; grpc: string; agents?: string };
}

export interface RenderResult {
  /** Every desired object, in apply order (namespace first, workloads after what they mount). */
  objects: RenderedObject[];
  /** The ClusterManager SSA body (grpc mode) or null (mqtt mode: our fields must be released). */
  clusterManager: ClusterManagerApply | null;
  status: RenderedStatus;
  /** Objects that must survive pruning and disable while retainDataOnDisable is true. */
  retained: ObjectRef[];
}

/** One problem with the settings, named by its field path. */
export interface FieldError {
  field: string;
  message: string;
}

/**
 * networking.k8s.io/v1 NetworkPolicy as JSON. client-node's V1NetworkPolicy names the ingress
 * field `_from` (its serializer renames it), so plain objects use this shape instead.
 */
export interface NetworkPolicyObject extends KubeObject {
  spec: {
    podSelector: V1LabelSelector;
    policyTypes: ('Ingress' | 'Egress')[];
    ingress?: { from?: V1NetworkPolicyPeer[]; ports?: V1NetworkPolicyPort[] }[];
    egress?: { to?: V1NetworkPolicyPeer[]; ports?: V1NetworkPolicyPort[] }[];
  };
}
