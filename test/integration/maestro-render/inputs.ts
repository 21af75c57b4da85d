/**
 * Render inputs built the way the controller builds them: the spec parsed by its schema, MCE
 * settings by `mceSettingsFrom`, images by `operandImagesFromEnv`, and real generated material
 * (`ensureDbCredentials`, `ensureMqttTlsMaterial` for the names `mqttServerHostnames` gives).
 */
import { type MaestroSpecInput, maestroSpecSchema } from '../../../src/api/maestro.js';
import type { ClusterManager } from '../../../src/api/upstream/clustermanager.js';
import type { MultiClusterEngine } from '../../../src/api/upstream/mce.js';
import {
  type Capabilities,
  databaseServerHostnames,
  type ExternalSecrets,
  apiServerHostnames,
  mceSettingsFrom,
  mqttExposure,
  mqttServerHostnames,
  type MqttTlsMaterial,
  operandImagesFromEnv,
  renderMaestro,
  type RenderInput,
  type RenderResult,
} from '../../../src/controllers/maestro/render/index.js';
import {
  ensureApiTlsMaterial,
  ensureDbCredentials,
  ensureDbTlsMaterial,
  ensureMqttTlsMaterial,
} from '../../../src/tls/index.js';
import type { PlainObject } from '../../harness/maestro-process.js';

/** The operator's environment as a Deployment would set it. */
export const OPERATOR_ENV = {
  OPERAND_IMAGE_MAESTRO: 'quay.io/redhat-user-workloads/maestro-rhtap-tenant/maestro/maestro:a6f773d',
  OPERAND_IMAGE_POSTGRESQL: 'registry.redhat.io/rhel9/postgresql-16:latest',
  OPERAND_IMAGE_MOSQUITTO: 'quay.io/maestro/eclipse-mosquitto:2.0.18',
  OPERAND_IMAGE_CLOUDEVENTS_CONDUCTOR: 'quay.io/stolostron/cloudevents-conductor:2.17',
  OPERAND_IMAGE_KUBE_RBAC_PROXY: 'registry.redhat.io/openshift4/ose-kube-rbac-proxy-rhel9:v4.22',
};

export const INGRESS_DOMAIN = 'apps.hub.example.com';

/** A MultiClusterEngine as read from the API server. */
export function multiClusterEngine(availability: 'Basic' | 'High'): MultiClusterEngine {
  return {
    apiVersion: 'multicluster.openshift.io/v1',
    kind: 'MultiClusterEngine',
    metadata: { name: 'multiclusterengine', uid: '0b6f1d64-5d1e-4c1a-9d7e-2f8f0c3a7e11' },
    spec: {
      availabilityConfig: availability,
      nodeSelector: { 'node-role.kubernetes.io/infra': '' },
      overrides: { imagePullPolicy: 'IfNotPresent' },
    },
  };
}

export function clusterManager(networkPolicies = false): ClusterManager {
  return {
    apiVersion: 'operator.open-cluster-management.io/v1',
    kind: 'ClusterManager',
    metadata: { name: 'cluster-manager' },
    spec: networkPolicies
      ? { registrationConfiguration: { featureGates: [{ feature: 'NetworkPolicies', mode: 'Enable' }] } }
      : {},
  };
}

export interface InputOptions {
  spec?: MaestroSpecInput;
  availability?: 'Basic' | 'High';
  capabilities?: Partial<Capabilities>;
  external?: ExternalSecrets;
  /** Reuse MQTT material across renders (generation is the slow part of a matrix). */
  mqtt?: MqttTlsMaterial;
  hubNetworkPolicies?: boolean;
}

/** A render input with freshly generated DB credentials and (when needed) MQTT TLS material. */
export async function renderInput(o: InputOptions = {}): Promise<RenderInput> {
  const spec = maestroSpecSchema.parse(o.spec ?? {});
  const capabilities: Capabilities = {
    routes: false,
    serviceMonitors: false,
    openshift: false,
    ...o.capabilities,
  };
  const base = { spec, capabilities, clusterIngressDomain: INGRESS_DOMAIN };
  let mqtt = o.mqtt;
  if (!mqtt && spec.transport === 'mqtt' && spec.broker.type === 'Embedded') {
    const hosts = mqttServerHostnames(spec.namespace, mqttExposure(base).host);
    mqtt = (await ensureMqttTlsMaterial({}, hosts, { now: new Date() })).material;
  }
  const databaseTls =
    spec.database.type === 'Embedded'
      ? (await ensureDbTlsMaterial({}, databaseServerHostnames(spec.namespace), { now: new Date() })).material
      : undefined;
  return {
    ...base,
    mce: mceSettingsFrom(multiClusterEngine(o.availability ?? 'Basic')),
    images: operandImagesFromEnv(OPERATOR_ENV),
    generated: {
      ...(spec.database.type === 'Embedded' ? { database: ensureDbCredentials(undefined).credentials } : {}),
      ...(databaseTls ? { databaseTls } : {}),
      ...(mqtt ? { mqtt } : {}),
      api: (
        await ensureApiTlsMaterial({}, apiServerHostnames(spec.namespace), {
          now: new Date(),
        })
      ).material,
    },
    external: o.external ?? {},
    clusterManager: clusterManager(o.hubNetworkPolicies ?? false),
    sameApiServerAsMce: true,
  };
}

/** Renders and returns the result with the plain objects. */
export async function render(o: InputOptions = {}): Promise<{
  input: RenderInput;
  result: RenderResult;
  objects: PlainObject[];
}> {
  const input = await renderInput(o);
  const result = renderMaestro(input);
  return { input, result, objects: result.objects.map((r) => r.object as unknown as PlainObject) };
}

/** A Secret the user would create, from plain string data. */
export function userSecret(name: string, namespace: string, data: Record<string, string>): PlainObject {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name, namespace },
    type: 'Opaque',
    data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
  };
}
