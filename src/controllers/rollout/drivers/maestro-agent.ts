/**
 * The Maestro agent of a cluster on the mqtt transport, delivered by a ManifestWork (as the
 * maestro-addon's AddOnTemplate did): a Secret with Maestro's MQTT `config.yaml` and the cluster's
 * own client certificate (CN = cluster name, so the broker's ACL confines it to its topics), and
 * the agent Deployment under the klusterlet's work-agent ServiceAccount, which already holds the
 * rights to apply workloads and AppliedManifestWorks. Flags and files as maestro's
 * `charts/maestro-agent` renders them (research maestro.md §3.4 and §4).
 *
 * The certificate is short-lived and renewed in place (agent-cert-renewal.ts): only the Secret's
 * tls.crt/tls.key change, never the pod template. The agent (sdk-go `cert.AutoLoadTLSConfig`)
 * re-reads its certificate files every 5 minutes and reconnects with the new pair, so the kubelet
 * refreshing the mounted Secret is enough; rolling the Deployment would run two agents with the
 * same MQTT client id, each disconnecting the other.
 */
import { MANIFEST_WORK_API_VERSION } from '../../../api/upstream/ocm.js';
import { certificateValidity } from '../../../tls/certificates.js';
import type { KubeObject } from '../../../runtime/index.js';
import { containerSecurityContext, podSecurityContext } from '../../maestro/render/index.js';
import { AGENT_NAMESPACE } from './observer-work.js';

export const AGENT_WORK_NAME = 'mmo-maestro-agent';
const SECRET = 'maestro-agent-mqtt';
const MOUNT = '/secrets/mqtt';
/** Maestro's source id: topics are `sources/maestro/consumers/<consumer>/…`. */
const SOURCE = 'maestro';

export interface AgentMaterial {
  image: string;
  /** host:port the agent dials (the broker as exposed to managed clusters). */
  brokerHost: string;
  caCert: string;
  clientCert: string;
  clientKey: string;
  /**
   * The managed cluster runs OpenShift, whose restricted-v2 SCC assigns the UID (and refuses one
   * outside the namespace's range). Elsewhere the pod names a non-root UID itself: the Maestro
   * image sets no USER (root), so `runAsNonRoot` alone makes the kubelet refuse to start it.
   */
  openshift: boolean;
}

/** ManagedCluster label naming the cluster's distribution (MCE's cluster-info controller sets it). */
export const VENDOR_LABEL = 'vendor';
/** The `vendor` label value of OpenShift clusters. */
export const OPENSHIFT_VENDOR = 'OpenShift';

/**
 * Annotation on the agent ManifestWork recording its client certificate's validity,
 * `<notBefore>/<notAfter>` (ISO 8601): the rollout informers trim work specs, so renewal reads
 * this record instead of the certificate.
 */
export const AGENT_CERT_VALIDITY_ANNOTATION = 'rollout.maestro.multicluster.openshift.io/agent-cert-validity';

const b64 = (s: string) => Buffer.from(s).toString('base64');

/** The annotation value for a certificate (empty when it does not parse). */
export function certValidityRecord(certPem: string): string {
  const v = certificateValidity(certPem);
  return v ? `${v.notBefore.toISOString()}/${v.notAfter.toISOString()}` : '';
}

/** Reads the record back; undefined when missing or malformed (then the certificate is renewed). */
export function parseCertValidityRecord(
  value: string | undefined,
): { notBefore: Date; notAfter: Date } | undefined {
  const [from, to, ...rest] = (value ?? '').split('/');
  const notBefore = new Date(from ?? '');
  const notAfter = new Date(to ?? '');
  if (rest.length > 0 || isNaN(notBefore.getTime()) || isNaN(notAfter.getTime())) return undefined;
  return notAfter > notBefore ? { notBefore, notAfter } : undefined;
}

type Manifest = { kind?: string; metadata?: { name?: string }; data?: Record<string, string> };

/**
 * The agent work `work` (as stored, spec intact) with a new client certificate: the same
 * manifests and image, only the Secret's tls.crt/tls.key and the validity record replaced. Throws
 * when the work holds no agent Secret (not ours to repair here).
 */
export function withRenewedClientCert(
  work: KubeObject & { spec?: unknown },
  pair: { cert: string; key: string },
): KubeObject & { spec: unknown } {
  const spec = structuredClone(work.spec ?? {}) as { workload?: { manifests?: Manifest[] } };
  const secret = spec.workload?.manifests?.find((m) => m.kind === 'Secret' && m.metadata?.name === SECRET);
  if (!secret?.data)
    throw new Error(`ManifestWork ${work.metadata.namespace}/${work.metadata.name} has no Secret ${SECRET}`);
  secret.data['tls.crt'] = b64(pair.cert);
  secret.data['tls.key'] = b64(pair.key);
  return {
    apiVersion: MANIFEST_WORK_API_VERSION,
    kind: 'ManifestWork',
    metadata: {
      name: work.metadata.name,
      namespace: work.metadata.namespace,
      labels: work.metadata.labels ?? {},
      annotations: { [AGENT_CERT_VALIDITY_ANNOTATION]: certValidityRecord(pair.cert) },
    },
    spec,
  };
}

/** Maestro's MQTT config for one consumer (sdk-go `MQTTConfig`). */
export function agentMqttConfig(cluster: string, brokerHost: string): string {
  return [
    `brokerHost: ${brokerHost}`,
    `caFile: ${MOUNT}/ca.crt`,
    `clientCertFile: ${MOUNT}/tls.crt`,
    `clientKeyFile: ${MOUNT}/tls.key`,
    'topics:',
    `  sourceEvents: sources/${SOURCE}/consumers/${cluster}/sourceevents`,
    `  agentEvents: sources/${SOURCE}/consumers/${cluster}/agentevents`,
    '',
  ].join('\n');
}

/** The ManifestWork delivering the agent to `cluster`. */
export function maestroAgentWork(
  cluster: string,
  m: AgentMaterial,
  labels: Record<string, string>,
): Record<string, unknown> {
  const podLabels = { app: 'maestro-agent' };
  return {
    apiVersion: MANIFEST_WORK_API_VERSION,
    kind: 'ManifestWork',
    metadata: {
      name: AGENT_WORK_NAME,
      namespace: cluster,
      labels,
      annotations: { [AGENT_CERT_VALIDITY_ANNOTATION]: certValidityRecord(m.clientCert) },
    },
    spec: {
      workload: {
        manifests: [
          {
            apiVersion: 'v1',
            kind: 'Secret',
            metadata: { name: SECRET, namespace: AGENT_NAMESPACE },
            type: 'Opaque',
            data: {
              'config.yaml': b64(agentMqttConfig(cluster, m.brokerHost)),
              'ca.crt': b64(m.caCert),
              'tls.crt': b64(m.clientCert),
              'tls.key': b64(m.clientKey),
            },
          },
          {
            apiVersion: 'apps/v1',
            kind: 'Deployment',
            metadata: { name: 'maestro-agent', namespace: AGENT_NAMESPACE, labels: podLabels },
            spec: {
              replicas: 1,
              selector: { matchLabels: podLabels },
              template: {
                metadata: { labels: podLabels },
                spec: {
                  serviceAccountName: 'klusterlet-work-sa',
                  // The restricted Pod Security profile, with the UID the image needs off OpenShift.
                  securityContext: podSecurityContext('maestro', m.openshift),
                  containers: [
                    {
                      name: 'maestro-agent',
                      image: m.image,
                      command: ['/usr/local/bin/maestro'],
                      args: [
                        'agent',
                        `--consumer-name=${cluster}`,
                        '--workload-source-driver=mqtt',
                        `--workload-source-config=${MOUNT}/config.yaml`,
                        `--cloudevents-client-id=${cluster}-maestro-agent`,
                        '-v=2',
                      ],
                      env: [{ name: 'MAESTRO_ENV', value: 'production' }],
                      securityContext: containerSecurityContext(),
                      volumeMounts: [{ name: 'mqtt', mountPath: MOUNT, readOnly: true }],
                    },
                  ],
                  volumes: [{ name: 'mqtt', secret: { secretName: SECRET } }],
                },
              },
            },
          },
        ],
      },
      manifestConfigs: [
        {
          resourceIdentifier: {
            group: 'apps',
            resource: 'deployments',
            name: 'maestro-agent',
            namespace: AGENT_NAMESPACE,
          },
          feedbackRules: [
            { type: 'JSONPaths', jsonPaths: [{ name: 'agentReadyReplicas', path: '.status.readyReplicas' }] },
          ],
        },
      ],
    },
  };
}
