/** Builders for render inputs shared by the maestro unit tests. */
import { type MaestroSpecInput, maestroSpecSchema } from '../../../../../src/api/maestro.js';
import type { ClusterManager } from '../../../../../src/api/upstream/clustermanager.js';
import type {
  KubeObject,
  RenderInput,
  RenderResult,
} from '../../../../../src/controllers/maestro/render/index.js';

export const IMAGES = {
  maestro: 'quay.io/maestro/maestro:abc123',
  postgresql: 'registry.redhat.io/rhel9/postgresql-16:latest',
  mosquitto: 'quay.io/maestro/eclipse-mosquitto:2.0.18',
  conductor: 'quay.io/stolostron/cloudevents-conductor:2.17',
  restProxy: 'registry.redhat.io/openshift4/ose-kube-rbac-proxy-rhel9:v4.22',
};

export const DB_PASSWORD = 'c2VjcmV0LXBhc3N3b3JkLWZvci10ZXN0cy0wMTIzNDU2Nzg';

/** Render never parses certificates, so placeholders stand in for PEM. */
export const FAKE_DB_TLS = {
  ca: { cert: 'DB-CA-CERT', key: 'DB-CA-KEY' },
  server: { cert: 'DB-SERVER-CERT', key: 'DB-SERVER-KEY' },
};
/** Placeholders for the Maestro API's CA, serving pair (off OpenShift) and gRPC client pair. */
export const FAKE_API_TLS = {
  ca: { cert: 'API-CA-CERT', key: 'API-CA-KEY' },
  server: { cert: 'API-SERVER-CERT', key: 'API-SERVER-KEY' },
  grpcClient: { cert: 'GRPC-CLIENT-CERT', key: 'GRPC-CLIENT-KEY' },
};
/** Render never parses certificates, so placeholders stand in for PEM. */
export const FAKE_MQTT_TLS = {
  ca: { cert: 'CA-CERT', key: 'CA-KEY' },
  server: { cert: 'SERVER-CERT', key: 'SERVER-KEY' },
  maestroClient: { cert: 'CLIENT-CERT', key: 'CLIENT-KEY' },
};

export const EXTERNAL_DB = {
  'db.host': 'pg.example.com',
  'db.port': '5432',
  'db.user': 'maestro',
  'db.password': 'ext-password',
  'db.name': 'maestro',
  'db.rootcert': 'EXTERNAL-DB-CA',
};

export const EXTERNAL_BROKER_YAML = [
  'brokerHost: mqtt.example.com:8883',
  'caData: Q0E=',
  'topics:',
  '  sourceEvents: sources/maestro/consumers/+/sourceevents',
  '  agentEvents: sources/maestro/consumers/+/agentevents',
  '',
].join('\n');

export function clusterManager(spec: NonNullable<ClusterManager['spec']> = {}): ClusterManager {
  return {
    apiVersion: 'operator.open-cluster-management.io/v1',
    kind: 'ClusterManager',
    metadata: { name: 'cluster-manager' },
    spec,
  };
}

export interface InputOptions {
  spec?: MaestroSpecInput;
  routes?: boolean;
  openshift?: boolean;
  serviceMonitors?: boolean;
  replicas?: number;
  clusterManager?: ClusterManager | undefined;
  sameApiServerAsMce?: boolean;
  external?: RenderInput['external'];
  images?: RenderInput['images'];
  clusterIngressDomain?: string | undefined;
}

/** A complete, valid render input; options override pieces. */
export function renderInput(o: InputOptions = {}): RenderInput {
  const spec = maestroSpecSchema.parse(o.spec ?? {});
  return {
    mce: {
      name: 'multiclusterengine',
      uid: '6f1b6a2e-0000-4000-8000-000000000001',
      replicas: o.replicas ?? 2,
      nodeSelector: { 'node-role.kubernetes.io/infra': '' },
      tolerations: [{ key: 'node-role.kubernetes.io/infra', operator: 'Exists', effect: 'NoSchedule' }],
      imagePullPolicy: 'IfNotPresent',
    },
    spec,
    images: o.images ?? { ...IMAGES },
    generated: {
      database: { user: 'maestro', name: 'maestro', password: DB_PASSWORD },
      databaseTls: FAKE_DB_TLS,
      mqtt: FAKE_MQTT_TLS,
      api: FAKE_API_TLS,
    },
    external: o.external ?? {},
    capabilities: {
      routes: o.routes ?? true,
      serviceMonitors: o.serviceMonitors ?? true,
      openshift: o.openshift ?? o.routes ?? true,
    },
    clusterIngressDomain: 'clusterIngressDomain' in o ? o.clusterIngressDomain : 'apps.hub.example.com',
    clusterManager: 'clusterManager' in o ? o.clusterManager : clusterManager(),
    sameApiServerAsMce: o.sameApiServerAsMce ?? true,
  };
}

/** The rendered object of a kind and name, or a test failure. */
export function find<T = KubeObject & Record<string, unknown>>(
  result: RenderResult,
  kind: string,
  name: string,
  namespace?: string,
): T {
  const hit = result.objects.find(
    (o) =>
      o.object.kind === kind &&
      o.object.metadata.name === name &&
      (namespace === undefined || o.object.metadata.namespace === namespace),
  );
  if (!hit) throw new Error(`${kind} ${namespace ?? ''}/${name} not rendered`);
  return hit.object as T;
}

export function has(result: RenderResult, kind: string, name: string): boolean {
  return result.objects.some((o) => o.object.kind === kind && o.object.metadata.name === name);
}

/** Minimal shapes the tests read (plain JSON; client-node types are classes with extra members). */
export interface Container {
  name: string;
  image: string;
  command?: string[];
  ports?: { name: string; containerPort: number }[];
  livenessProbe?: Record<string, unknown>;
  readinessProbe?: Record<string, unknown>;
  startupProbe?: Record<string, unknown>;
  securityContext?: Record<string, unknown>;
  volumeMounts?: { name: string; mountPath: string }[];
}

export interface PodTemplateOwner {
  spec: {
    replicas?: number;
    template: {
      metadata: { labels: Record<string, string>; annotations?: Record<string, string> };
      spec: {
        securityContext: Record<string, unknown>;
        containers: Container[];
        initContainers?: Container[];
        volumes: { name: string; secret?: { secretName: string }; configMap?: { name: string } }[];
        nodeSelector?: Record<string, string>;
        tolerations?: unknown[];
        automountServiceAccountToken?: boolean;
      };
    };
    persistentVolumeClaimRetentionPolicy?: { whenDeleted: string; whenScaled: string };
    volumeClaimTemplates?: { metadata: { name: string; labels?: unknown }; spec: Record<string, unknown> }[];
  };
}

export function decode(data: Record<string, string> | undefined, key: string): string {
  const value = data?.[key];
  if (value === undefined) throw new Error(`missing key ${key}`);
  return Buffer.from(value, 'base64').toString('utf8');
}
