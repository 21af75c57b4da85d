/**
 * The embedded PostgreSQL (Secret, headless Service, StatefulSet) and the NetworkPolicy that
 * lets only Maestro (and, in grpc mode, the cluster-manager gRPC server) reach it. Shapes follow
 * MCE's maestro-preview chart (`maestro.db.statefulset.yaml`, `maestro.db.service.yaml`) so a
 * hub that ran it can be adopted: the StatefulSet selector, serviceName and volume claim template
 * are immutable and match MCE's exactly.
 */
import type { V1NetworkPolicyPeer, V1Service, V1StatefulSet } from '@kubernetes/client-node';
import type { RenderContext } from './context.js';
import { requireImage } from './context.js';
import { COMPONENT_LABEL, labelsFor, NAME_LABEL, selectors } from './labels.js';
import { CONFIG_HASH_ANNOTATION, contentHash, objectMeta, secretObject } from './metadata.js';
import { CONDUCTOR_POD_LABELS, EMBEDDED_DB_ROOTCERT_KEY, names, OCM_HUB_NAMESPACE, ports } from './names.js';
import { operandPodBase } from './pod.js';
import { containerSecurityContext } from './security.js';
import { resourceRequirements } from './settings.js';
import type { KubeObject, NetworkPolicyObject, RenderedObject } from './types.js';

const PGDATA_MOUNT = '/var/lib/pgsql/data';
/** Where PostgreSQL's serving certificate (Secret maestro-db-tls) is mounted. */
export const PG_TLS_DIR = '/etc/pgsql-tls';

/** DNS names clients use for the embedded database; its certificate carries them all. */
export function databaseServerHostnames(namespace: string): string[] {
  const svc = names.dbService;
  return [`${svc}.${namespace}`, `${svc}.${namespace}.svc`, `${svc}.${namespace}.svc.cluster.local`, svc];
}

/**
 * `run-postgresql` of the rhel9/postgresql-16 (sclorg) image ends in `exec postgres "$@"`, so
 * these reach the server as settings. TLS only: `ssl=on` serves TLS; plaintext is refused by
 * clients with sslmode verify-full, which is all we render.
 */
export function postgresTlsArgs(): string[] {
  return [
    'run-postgresql',
    '-c',
    'ssl=on',
    '-c',
    `ssl_cert_file=${PG_TLS_DIR}/tls.crt`,
    '-c',
    `ssl_key_file=${PG_TLS_DIR}/tls.key`,
    '-c',
    'ssl_min_protocol_version=TLSv1.2',
  ];
}

// pg_isready only asks whether the server accepts connections; the env vars exist in both the
// sclorg (POSTGRESQL_*) and official (POSTGRES_*) images because we set both.
const PG_ISREADY = [
  '/bin/sh',
  '-c',
  'exec pg_isready -h 127.0.0.1 -p 5432 -U "$POSTGRESQL_USER" -d "$POSTGRESQL_DATABASE"',
];

/** Secrets, Service and StatefulSet of the embedded database. */
export function renderEmbeddedDatabase(ctx: RenderContext): RenderedObject[] {
  const { namespace, database: db, spec, input } = ctx;
  const retain = spec.retainDataOnDisable;
  const embedded = spec.database.embedded;
  const tls = input.generated.databaseTls;
  if (!tls) throw new Error('embedded database TLS material was not supplied to render');

  const secret = secretObject(names.dbSecret, namespace, 'database', 'Opaque', {
    host: db.host,
    port: String(db.port),
    name: db.name,
    user: db.user,
    password: db.password,
    // The CA (public) next to the credentials, so Maestro's /secrets/rds mount holds its root cert.
    [EMBEDDED_DB_ROOTCERT_KEY]: tls.ca.cert,
  });

  // Kept like the MQTT CA: Maestro and the conductor trust it, so it is generated once.
  const caSecret = secretObject(names.dbCaSecret, namespace, 'database', 'Opaque', {
    'ca.crt': tls.ca.cert,
    'ca.key': tls.ca.key,
  });
  const serverCertSecret = secretObject(
    names.dbServerCertSecret,
    namespace,
    'database',
    'kubernetes.io/tls',
    { 'tls.crt': tls.server.cert, 'tls.key': tls.server.key },
  );

  const service: V1Service & KubeObject = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: objectMeta(names.dbService, namespace, 'database'),
    spec: {
      clusterIP: 'None',
      selector: { ...selectors.database },
      ports: [{ name: 'postgresql', port: ports.postgresql, targetPort: ports.postgresql, protocol: 'TCP' }],
    },
  };

  const fromSecret = (key: string) => ({ secretKeyRef: { name: names.dbSecret, key } });
  const env = [
    { name: 'POSTGRESQL_USER', valueFrom: fromSecret('user') },
    { name: 'POSTGRESQL_PASSWORD', valueFrom: fromSecret('password') },
    { name: 'POSTGRESQL_DATABASE', valueFrom: fromSecret('name') },
    { name: 'POSTGRES_USER', valueFrom: fromSecret('user') },
    { name: 'POSTGRES_PASSWORD', valueFrom: fromSecret('password') },
    { name: 'POSTGRES_DB', valueFrom: fromSecret('name') },
    { name: 'PGDATA', value: `${PGDATA_MOUNT}/pgdata` },
  ];

  const statefulSet: V1StatefulSet & KubeObject = {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: objectMeta(names.dbStatefulSet, namespace, 'database'),
    spec: {
      serviceName: names.dbService,
      replicas: 1,
      selector: { matchLabels: { ...selectors.database } },
      updateStrategy: { type: 'RollingUpdate' },
      persistentVolumeClaimRetentionPolicy: {
        whenDeleted: retain ? 'Retain' : 'Delete',
        whenScaled: 'Retain',
      },
      template: {
        metadata: {
          labels: { ...selectors.database, ...labelsFor(names.dbStatefulSet, 'database') },
          // PostgreSQL reads its certificate at start: a reissued one must restart it.
          annotations: { [CONFIG_HASH_ANNOTATION]: contentHash({ tls: tls.server.cert }) },
        },
        spec: {
          ...operandPodBase(ctx, 'postgresql'),
          containers: [
            {
              name: 'postgresql',
              image: requireImage(ctx, 'postgresql'),
              imagePullPolicy: input.mce.imagePullPolicy,
              args: postgresTlsArgs(),
              ports: [{ name: 'postgresql', containerPort: ports.postgresql, protocol: 'TCP' }],
              env,
              startupProbe: {
                exec: { command: [...PG_ISREADY] },
                periodSeconds: 10,
                timeoutSeconds: 5,
                failureThreshold: 30,
              },
              livenessProbe: {
                exec: { command: [...PG_ISREADY] },
                periodSeconds: 10,
                timeoutSeconds: 10,
                failureThreshold: 6,
              },
              readinessProbe: {
                exec: { command: [...PG_ISREADY] },
                periodSeconds: 10,
                timeoutSeconds: 5,
                failureThreshold: 3,
              },
              resources: resourceRequirements(embedded.resources),
              securityContext: containerSecurityContext(),
              volumeMounts: [
                { name: 'pgsql-home', mountPath: '/var/lib/pgsql' },
                { name: names.dbVolumeClaimTemplate, mountPath: PGDATA_MOUNT },
                { name: 'postgresql-run', mountPath: '/var/run/postgresql' },
                { name: 'tmp', mountPath: '/tmp' },
                { name: 'tls', mountPath: PG_TLS_DIR, readOnly: true },
              ],
            },
          ],
          volumes: [
            // PostgreSQL reads a key owned by root only at mode 0640 or less. The kubelet writes the
            // files as root and adds group read for the pod's fsGroup (26 here, the SCC's on
            // OpenShift), which is how the postgres user reads the key, and nobody else can.
            { name: 'tls', secret: { secretName: names.dbServerCertSecret, defaultMode: 0o640 } },
            { name: 'pgsql-home', emptyDir: {} },
            { name: 'postgresql-run', emptyDir: {} },
            { name: 'tmp', emptyDir: {} },
          ],
        },
      },
      volumeClaimTemplates: [
        {
          metadata: { name: names.dbVolumeClaimTemplate },
          spec: {
            accessModes: ['ReadWriteOnce'],
            resources: { requests: { storage: embedded.storage.size } },
            ...(embedded.storage.storageClassName
              ? { storageClassName: embedded.storage.storageClassName }
              : {}),
          },
        },
      ],
    },
  };

  return [
    { object: secret, retained: retain },
    { object: caSecret, retained: retain },
    { object: serverCertSecret, retained: false },
    { object: service, retained: false },
    { object: statefulSet, retained: false },
  ];
}

/**
 * Ingress to the database pods only from the Maestro server pods (which run the migration init
 * container too) and, in grpc mode, from the cluster-manager gRPC server, which reads the same
 * database through grpc-server-config.
 */
export function renderDatabaseNetworkPolicy(ctx: RenderContext): RenderedObject {
  const from: V1NetworkPolicyPeer[] = [
    { podSelector: { matchLabels: { [NAME_LABEL]: names.deployment, [COMPONENT_LABEL]: 'server' } } },
  ];
  if (ctx.spec.transport === 'grpc') {
    from.push({
      namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': OCM_HUB_NAMESPACE } },
      podSelector: { matchLabels: { ...CONDUCTOR_POD_LABELS } },
    });
  }
  const policy: NetworkPolicyObject = {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: objectMeta(names.dbNetworkPolicy, ctx.namespace, 'database'),
    spec: {
      podSelector: { matchLabels: { ...selectors.database } },
      policyTypes: ['Ingress'],
      ingress: [{ from, ports: [{ protocol: 'TCP', port: ports.postgresql }] }],
    },
  };
  return { object: policy, retained: false };
}
