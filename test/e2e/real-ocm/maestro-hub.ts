/**
 * Maestro on the real hub, mqtt transport, as the operator renders it: PostgreSQL (TLS, the
 * rendered settings), Mosquitto (the rendered config, ACL and certificates) and the Maestro server
 * (the rendered pod, run by `prepareMaestroPod` with only the recorded rewrites), the server's
 * in-cluster credentials being a token of its `maestro` ServiceAccount on the hub, so the
 * SubjectAccessReviews behind every gRPC publish and subscribe are real.
 *
 * The hub gets what the Maestro controller would have left there for a transport rollout: the
 * namespace, the ServiceAccount, Secrets `maestro-mqtt-ca` and `maestro-api-ca`, and Maestro
 * `cluster` with its status (transport mqtt, the broker as agents dial it), plus the two grants
 * docs/maestro.md tells the admin to make (auth-delegator for the server, pub/sub on
 * `/sources/*` for the `maestro-grpc-clients` group).
 *
 * The Maestro controller's own path (the MCE flag → these objects) is covered by the integration
 * tests and the demo; no container runtime runs PostgreSQL or Mosquitto Deployments here.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { HUB_NAMESPACES_DIR, MAESTRO_AUTH_DELEGATOR } from '../../../hack/manifests.js';
import type { KubeObject } from '../../../src/runtime/index.js';
import { REPO_ROOT } from '../../harness/control-plane.js';
import { maestroBinary, type PlainObject, type PreparedPod } from '../../harness/maestro-process.js';
import type { Mosquitto } from '../../harness/mosquitto.js';
import type { OcmHub } from '../../harness/ocm/hub.js';
import type { Postgres } from '../../harness/postgres.js';
import { startEmbeddedPostgres } from '../../integration/maestro-render/embedded-postgres.js';
import { render } from '../../integration/maestro-render/inputs.js';
import { maestroRunningMqtt } from '../../integration/rollout/helpers.js';
import {
  createEmbeddedDatabase,
  prepareMaestroPod,
  runMigration,
  secretData,
  startRenderedMosquitto,
  startRestProxy,
  startServerAndWaitReady,
} from '../../integration/maestro-render/process-checks.js';

export const MAESTRO_NS = 'maestro';
/** The image the agents' Deployment names; the spokes' process kubelets map it to the binary. */
export const MAESTRO_IMAGE = 'quay.io/redhat-user-workloads/maestro-rhtap-tenant/maestro/maestro:e2e';

export interface MaestroOnHub {
  /** Maestro's REST through its proxy, as the operator reaches it (the certificate names localhost). */
  restUrl: string;
  /** A token of ServiceAccount maestro-source, which may read through the REST proxy (`get`). */
  restReaderToken: string;
  /** Maestro's gRPC source API, `localhost:<port>`. */
  grpcAddress: string;
  /** The broker's in-cluster name (its certificate's), which agents resolve to loopback. */
  brokerName: string;
  /** maestro-api-ca (PEM), and the issued gRPC client pair (Secret maestro-grpc-client-certs). */
  apiCa: { cert: string; key: string };
  grpcClient: { cert: string; key: string };
  binary: string;
  stop(): Promise<void>;
}

const b64 = (s: string) => Buffer.from(s).toString('base64');
/** The workload source's ServiceAccount: its token reads works through the REST proxy. */
const REST_READER = 'maestro-source';

/** The ClusterRoleBinding config/rbac/hub-namespaces ships for the server's ServiceAccount. */
function shippedAuthDelegator(): KubeObject {
  const file = join(REPO_ROOT, HUB_NAMESPACES_DIR, `${MAESTRO_AUTH_DELEGATOR}.yaml`);
  return parseYaml(readFileSync(file, 'utf8')) as KubeObject;
}

export async function startMaestroOnHub(hub: OcmHub): Promise<MaestroOnHub> {
  const [binary, { objects, input, result }] = await Promise.all([
    maestroBinary(),
    render({ spec: { transport: 'mqtt' } }),
  ]);
  let pg: Postgres | undefined;
  let mq: Mosquitto | undefined;
  let pod: PreparedPod | undefined;
  const stop = async () => {
    await pod?.stop();
    await mq?.stop();
    await pg?.stop();
  };
  try {
    ({ pg } = await startEmbeddedPostgres(objects, MAESTRO_NS));
    createEmbeddedDatabase(pg, objects, MAESTRO_NS);
    const broker = await startRenderedMosquitto(objects, MAESTRO_NS);
    mq = broker.mq;
    await grantDocumentedAccess(hub, objects, input.generated.mqtt?.ca);
    const token = (
      await hub.cp.kubectl(['create', 'token', '-n', MAESTRO_NS, 'maestro', '--duration=2h'])
    ).trim();
    const api = new URL(hub.cp.server);
    ({ pod } = await prepareMaestroPod(objects, {
      binary,
      namespace: MAESTRO_NS,
      podName: 'maestro-7d9f8b6c5-e2e01',
      database: { port: pg.port },
      mqttBroker: { port: mq.port },
      hosts: { [broker.brokerName]: '127.0.0.1', [`maestro-db.${MAESTRO_NS}`]: '127.0.0.1' },
      serviceAccount: { host: api.hostname, port: Number(api.port), token, caCert: hub.cp.caCert },
    }));
    await runMigration(pod);
    await startServerAndWaitReady(pod);
    const apiCa = secretData(objects, 'maestro-api-ca', MAESTRO_NS);
    const restUrl = await startRestProxy(pod, apiCa['ca.crt'] ?? '');
    const status = result.status;
    // The rendered status, the broker's port being the one Mosquitto listens on here.
    await maestroRunningMqtt(hub.client, { ...status.endpoints, agents: `${broker.brokerName}:${mq.port}` });
    const client = secretData(objects, 'maestro-grpc-client-certs', MAESTRO_NS);
    return {
      restUrl,
      restReaderToken: (
        await hub.cp.kubectl(['create', 'token', '-n', MAESTRO_NS, REST_READER, '--duration=2h'])
      ).trim(),
      grpcAddress: `localhost:${pod.ports.grpc}`,
      brokerName: broker.brokerName,
      apiCa: { cert: apiCa['ca.crt'] ?? '', key: apiCa['ca.key'] ?? '' },
      grpcClient: { cert: client['tls.crt'] ?? '', key: client['tls.key'] ?? '' },
      binary,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** The namespace, ServiceAccount and CA Secrets the Maestro controller creates, and the admin's grants. */
async function grantDocumentedAccess(
  hub: OcmHub,
  objects: PlainObject[],
  mqttCa: { cert: string; key: string } | undefined,
): Promise<void> {
  if (!mqttCa) throw new Error('the mqtt render generated no broker CA');
  const apiCa = secretData(objects, 'maestro-api-ca', MAESTRO_NS);
  const rbac = 'rbac.authorization.k8s.io';
  const manifests: KubeObject[] = [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: MAESTRO_NS } },
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'maestro', namespace: MAESTRO_NS } },
    {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'maestro-mqtt-ca', namespace: MAESTRO_NS },
      data: { 'ca.crt': b64(mqttCa.cert), 'ca.key': b64(mqttCa.key) },
    } as KubeObject,
    {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'maestro-api-ca', namespace: MAESTRO_NS },
      data: { 'ca.crt': b64(apiCa['ca.crt'] ?? ''), 'ca.key': b64(apiCa['ca.key'] ?? '') },
    } as KubeObject,
    // What config/rbac/hub-namespaces ships: the server may review its callers.
    shippedAuthDelegator(),
    // docs/maestro.md, "Maestro API security": the admin's grants to gRPC and REST clients.
    {
      apiVersion: `${rbac}/v1`,
      kind: 'ClusterRole',
      metadata: { name: 'maestro-grpc-source' },
      rules: [{ nonResourceURLs: ['/sources/*'], verbs: ['pub', 'sub'] }],
    } as KubeObject,
    {
      apiVersion: `${rbac}/v1`,
      kind: 'ClusterRoleBinding',
      metadata: { name: 'maestro-grpc-clients' },
      roleRef: { apiGroup: rbac, kind: 'ClusterRole', name: 'maestro-grpc-source' },
      subjects: [{ kind: 'Group', apiGroup: rbac, name: 'maestro-grpc-clients' }],
    } as KubeObject,
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: REST_READER, namespace: MAESTRO_NS } },
    {
      apiVersion: `${rbac}/v1`,
      kind: 'ClusterRole',
      metadata: { name: 'maestro-rest-reader' },
      rules: [
        {
          apiGroups: ['maestro.multicluster.openshift.io'],
          resources: ['maestros/rest'],
          resourceNames: ['cluster'],
          verbs: ['get'],
        },
      ],
    } as KubeObject,
    {
      apiVersion: `${rbac}/v1`,
      kind: 'ClusterRoleBinding',
      metadata: { name: 'maestro-rest-reader' },
      roleRef: { apiGroup: rbac, kind: 'ClusterRole', name: 'maestro-rest-reader' },
      subjects: [{ kind: 'ServiceAccount', name: REST_READER, namespace: MAESTRO_NS }],
    } as KubeObject,
  ];
  for (const m of manifests) await hub.client.apply(m, { fieldManager: 'e2e-admin', force: true });
}
