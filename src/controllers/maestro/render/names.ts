/**
 * Fixed names and ports. Operand names are the ones MCE's maestro-preview chart uses
 * (backplane-operator `pkg/templates/charts/toggle/maestro/`) so MCE runbooks apply and a hub
 * that ran maestro-preview keeps its database; MQTT names follow maestro `charts/maestro-server`.
 */

export const names = {
  serviceAccount: 'maestro',
  deployment: 'maestro',
  restService: 'maestro',
  grpcService: 'maestro-grpc',
  metricsService: 'maestro-metrics',
  podDisruptionBudget: 'maestro',
  dbStatefulSet: 'maestro-db',
  dbService: 'maestro-db',
  /** MCE's generated DB Secret (keys host, port, name, user, password); never regenerated. */
  dbSecret: 'maestro-db-config',
  dbVolumeClaimTemplate: 'maestro-db-data',
  dbNetworkPolicy: 'maestro-db',
  /** The generated CA of the embedded database's TLS (ca.crt, ca.key); never regenerated. */
  dbCaSecret: 'maestro-db-ca',
  /** PostgreSQL's serving certificate (tls.crt, tls.key), issued from maestro-db-ca. */
  dbServerCertSecret: 'maestro-db-tls',
  mqttDeployment: 'maestro-mqtt',
  mqttService: 'maestro-mqtt',
  mqttConfigMap: 'maestro-mqtt',
  mqttRoute: 'maestro-mqtt',
  /** Maestro's broker config (`config.yaml`), mounted at /secrets/mqtt as the chart does. */
  mqttClientConfigSecret: 'maestro-mqtt',
  /** The generated MQTT CA (ca.crt, ca.key); never regenerated. */
  mqttCaSecret: 'maestro-mqtt-ca',
  /** Mosquitto's serving certificate (ca.crt, tls.crt, tls.key). */
  mqttServerCertSecret: 'maestro-mqtt-certs',
  /** The Maestro server's MQTT client certificate, identity `maestro` (chart: maestro-server-certs). */
  maestroClientCertSecret: 'maestro-server-certs',
  /** The generated CA of Maestro's REST and gRPC listeners and gRPC clients (ca.crt, ca.key); never regenerated. */
  apiCaSecret: 'maestro-api-ca',
  /** Serving certificate of both listeners off OpenShift (ca.crt, tls.crt, tls.key), from maestro-api-ca. */
  apiServerCertSecret: 'maestro-api-tls',
  /** OpenShift service CA serving certificates (Service annotation `serving-cert-secret-name`). */
  restServingCertSecret: 'maestro-rest-serving-cert',
  grpcServingCertSecret: 'maestro-grpc-serving-cert',
  /** Client certificate for the gRPC source API (ca.crt, tls.crt, tls.key), from maestro-api-ca. */
  grpcClientCertSecret: 'maestro-grpc-client-certs',
  /** The REST proxy's authorization config (`config.yaml`: the SubjectAccessReview it asks). */
  restProxyConfigMap: 'maestro-rest-proxy',
  /** Default-deny ingress for the namespace, and what the server and broker admit. */
  defaultDenyNetworkPolicy: 'maestro-default-deny',
  serverNetworkPolicy: 'maestro-server',
  mqttNetworkPolicy: 'maestro-mqtt',
  serviceMonitor: 'maestro',
  prometheusRole: 'maestro-prometheus',
} as const;

/** Key of the database CA certificate in maestro-db-config, read by Maestro as --db-rootcert. */
export const EMBEDDED_DB_ROOTCERT_KEY = 'ca.crt';

/** Subject CN of maestro-api-ca. */
export const API_CA_COMMON_NAME = 'mce-maestro-operator Maestro API CA';
/** gRPC identity of the issued client certificate: user (CN) and group (O), as Maestro's mTLS reads them. */
export const GRPC_CLIENT_IDENTITY = 'maestro-grpc-client';
export const GRPC_CLIENT_GROUP = 'maestro-grpc-clients';

/** The OCM hub namespace of ClusterManager `cluster-manager` in Default mode. */
export const OCM_HUB_NAMESPACE = 'open-cluster-management-hub';
/** The cluster-manager gRPC server ("conductor") as ocm renders it: `<clusterManager>-grpc-server`. */
export const CONDUCTOR_NAME = 'cluster-manager-grpc-server';
/** Pod label of the conductor (ocm `manifests/cluster-manager/management/grpc-server/deployment.yaml`). */
export const CONDUCTOR_POD_LABELS = { app: CONDUCTOR_NAME } as const;
/** ConfigMap the conductor mounts (optional) for its server and DB settings. */
export const GRPC_SERVER_CONFIG = 'grpc-server-config';
/** Route name MCE uses and managedcluster-import-controller reads for the gRPC bootstrap URL. */
export const GRPC_SERVER_ROUTE = 'grpc-server';
/**
 * The NodePort Service for the conductor that earlier versions rendered (grpcServer.exposure
 * NodePort, removed): no longer rendered, only pruned where it still exists.
 */
export const GRPC_SERVER_NODEPORT_SERVICE = 'maestro-grpc-server-nodeport';
/** Extra egress for the conductor when ocm's hub NetworkPolicies are on. */
export const CONDUCTOR_DB_EGRESS_POLICY = 'maestro-grpc-server-db-egress';

/** Ports of `maestro server` (pkg/config/*.go defaults, chart values). */
export const ports = {
  /** REST as clients reach it: the authenticating proxy (rest-proxy.ts). */
  http: 8000,
  /** Maestro's own REST listener, called only by the proxy over the pod's loopback. */
  restUpstream: 8001,
  grpc: 8090,
  health: 8083,
  metrics: 8080,
  postgresql: 5432,
  /** MQTT over TLS (IANA 8883). */
  mqttTls: 8883,
  /** The conductor's gRPC port (ocm grpc-server Service targetPort). */
  conductor: 8090,
} as const;

/** Embedded database identity, as MCE writes it (`ensureMaestroDatabaseSecret`). */
export const EMBEDDED_DB_USER = 'maestro';
export const EMBEDDED_DB_NAME = 'maestro';

/** MQTT identity (certificate CN, Mosquitto username) of the Maestro server. */
export const MQTT_SERVER_IDENTITY = 'maestro';
/** Maestro's source id (`--source-id`, default `maestro`), the second topic level. */
export const MAESTRO_SOURCE_ID = 'maestro';
/** Shared-subscription group for status events (maestro `test/e2e/setup/rosa/setup/maestro.sh`). */
export const SHARED_SUBSCRIPTION_GROUP = 'statussubscribers';
