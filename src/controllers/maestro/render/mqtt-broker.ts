/**
 * MQTT transport: Maestro's broker config Secret (both broker types) and, for the embedded broker,
 * Mosquitto with a TLS listener, mutual TLS with the operator's CA, no anonymous access and an
 * ACL that scopes each cluster to its own topics. Names and mount points follow maestro
 * `charts/maestro-server/templates/mosquitto.yaml` and `mqtt.yaml`.
 */
import type { V1ConfigMap, V1Deployment, V1Service } from '@kubernetes/client-node';
import { stringify as stringifyYaml } from 'yaml';
import { mosquittoAcl } from './mosquitto-acl.js';
import { type RenderContext, requireImage } from './context.js';
import { externalBrokerConfigYaml, serverTopics } from './external-secrets.js';
import { labelsFor, selectors } from './labels.js';
import { CONFIG_HASH_ANNOTATION, contentHash, objectMeta, secretObject } from './metadata.js';
import { MAESTRO_SOURCE_ID, MQTT_SERVER_IDENTITY, names, ports } from './names.js';
import { operandPodBase } from './pod.js';
import { containerSecurityContext } from './security.js';
import { MQTT_CERTS_DIR, usesSharedSubscription } from './server.js';
import { resourceRequirements } from './settings.js';
import type { KubeObject, MqttTlsMaterial, RenderedObject } from './types.js';

const CERTS_DIR = '/mosquitto/certs';
const CONFIG_DIR = '/mosquitto/config';

/** In-cluster address of the embedded broker. */
export function embeddedBrokerAddress(namespace: string): string {
  return `${names.mqttService}.${namespace}.svc:${ports.mqttTls}`;
}

/**
 * DNS names Mosquitto's certificate must carry: the Service in all its forms plus the external
 * host agents dial (Route host or the configured hostname), when there is one.
 */
export function mqttServerHostnames(namespace: string, externalHost?: string): string[] {
  const svc = names.mqttService;
  const hosts = [
    svc,
    `${svc}.${namespace}`,
    `${svc}.${namespace}.svc`,
    `${svc}.${namespace}.svc.cluster.local`,
  ];
  if (externalHost && !hosts.includes(externalHost)) hosts.push(externalHost);
  return hosts;
}

/** The mosquitto.conf of the embedded broker. */
export function mosquittoConf(): string {
  return [
    '# Rendered by mce-maestro-operator.',
    'per_listener_settings false',
    'allow_anonymous false',
    `acl_file ${CONFIG_DIR}/acl.conf`,
    'persistence false',
    'log_dest stdout',
    '',
    `listener ${ports.mqttTls}`,
    `cafile ${CERTS_DIR}/ca.crt`,
    `certfile ${CERTS_DIR}/tls.crt`,
    `keyfile ${CERTS_DIR}/tls.key`,
    'tls_version tlsv1.2',
    'require_certificate true',
    'use_identity_as_username true',
    '',
  ].join('\n');
}

/** Maestro's MQTT `config.yaml` (sdk-go MQTTConfig) for the embedded broker. */
export function embeddedBrokerClientConfig(ctx: RenderContext): string {
  return stringifyYaml({
    brokerHost: embeddedBrokerAddress(ctx.namespace),
    caFile: `${MQTT_CERTS_DIR}/ca.crt`,
    clientCertFile: `${MQTT_CERTS_DIR}/tls.crt`,
    clientKeyFile: `${MQTT_CERTS_DIR}/tls.key`,
    topics: serverTopics(usesSharedSubscription(ctx)),
  });
}

/** Secret `maestro-mqtt` with Maestro's broker `config.yaml`, for either broker type. */
export function renderBrokerClientConfig(ctx: RenderContext): RenderedObject {
  const configYaml = ctx.externalBroker
    ? externalBrokerConfigYaml(ctx.externalBroker, usesSharedSubscription(ctx))
    : embeddedBrokerClientConfig(ctx);
  const secret = secretObject(names.mqttClientConfigSecret, ctx.namespace, 'server', 'Opaque', {
    'config.yaml': configYaml,
  });
  return { object: secret, retained: false };
}

function tlsSecret(ctx: RenderContext, name: string, ca: string, pair: { cert: string; key: string }) {
  const secret = secretObject(name, ctx.namespace, 'broker', 'kubernetes.io/tls', {
    'ca.crt': ca,
    'tls.crt': pair.cert,
    'tls.key': pair.key,
  });
  return secret;
}

/** Mosquitto and its Secrets, ConfigMap, Service and (Route exposure) Route. */
export function renderEmbeddedBroker(ctx: RenderContext, tls: MqttTlsMaterial): RenderedObject[] {
  const { namespace, input, spec } = ctx;
  const exposure = ctx.mqttExposure;
  const caSecret = secretObject(names.mqttCaSecret, namespace, 'broker', 'Opaque', {
    'ca.crt': tls.ca.cert,
    'ca.key': tls.ca.key,
  });
  const config: V1ConfigMap & KubeObject = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: objectMeta(names.mqttConfigMap, namespace, 'broker'),
    data: {
      'mosquitto.conf': mosquittoConf(),
      'acl.conf': mosquittoAcl(MQTT_SERVER_IDENTITY, MAESTRO_SOURCE_ID),
    },
  };
  const serviceType =
    exposure?.type === 'LoadBalancer'
      ? 'LoadBalancer'
      : exposure?.type === 'NodePort'
        ? 'NodePort'
        : 'ClusterIP';
  const service: V1Service & KubeObject = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: objectMeta(names.mqttService, namespace, 'broker'),
    spec: {
      type: serviceType,
      selector: { ...selectors.broker },
      ports: [
        {
          name: 'mqtts',
          port: ports.mqttTls,
          targetPort: ports.mqttTls,
          protocol: 'TCP',
          ...(serviceType === 'NodePort' && exposure?.nodePort ? { nodePort: exposure.nodePort } : {}),
        },
      ],
    },
  };
  const deployment: V1Deployment & KubeObject = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: objectMeta(names.mqttDeployment, namespace, 'broker', { ...selectors.broker }),
    spec: {
      replicas: 1,
      // One broker with in-memory state: never run two during a rollout.
      strategy: { type: 'Recreate' },
      selector: { matchLabels: { ...selectors.broker } },
      template: {
        metadata: {
          labels: { ...selectors.broker, ...labelsFor(names.mqttDeployment, 'broker') },
          // Mosquitto reads its certificates and ACL at start only.
          annotations: {
            [CONFIG_HASH_ANNOTATION]: contentHash({ server: tls.server, ca: tls.ca.cert, conf: config.data }),
          },
        },
        spec: {
          ...operandPodBase(ctx, 'mosquitto'),
          containers: [
            {
              name: 'mosquitto',
              image: requireImage(ctx, 'mosquitto'),
              imagePullPolicy: input.mce.imagePullPolicy,
              command: ['/usr/sbin/mosquitto', '-c', `${CONFIG_DIR}/mosquitto.conf`],
              ports: [{ name: 'mqtts', containerPort: ports.mqttTls, protocol: 'TCP' }],
              livenessProbe: {
                tcpSocket: { port: ports.mqttTls },
                initialDelaySeconds: 10,
                periodSeconds: 10,
                timeoutSeconds: 5,
              },
              readinessProbe: {
                tcpSocket: { port: ports.mqttTls },
                initialDelaySeconds: 2,
                periodSeconds: 5,
                timeoutSeconds: 3,
              },
              resources: resourceRequirements(spec.broker.embedded.resources),
              securityContext: containerSecurityContext(),
              volumeMounts: [
                { name: 'config', mountPath: CONFIG_DIR, readOnly: true },
                { name: 'certs', mountPath: CERTS_DIR, readOnly: true },
                { name: 'data', mountPath: '/mosquitto/data' },
              ],
            },
          ],
          volumes: [
            { name: 'config', configMap: { name: names.mqttConfigMap, defaultMode: 0o440 } },
            { name: 'certs', secret: { secretName: names.mqttServerCertSecret, defaultMode: 0o440 } },
            { name: 'data', emptyDir: {} },
          ],
        },
      },
    },
  };

  const objects: RenderedObject[] = [
    { object: caSecret, retained: spec.retainDataOnDisable },
    {
      object: tlsSecret(ctx, names.mqttServerCertSecret, tls.ca.cert, tls.server),
      retained: false,
    },
    {
      object: tlsSecret(ctx, names.maestroClientCertSecret, tls.ca.cert, tls.maestroClient),
      retained: false,
    },
    { object: config, retained: false },
    { object: service, retained: false },
    { object: deployment, retained: false },
  ];
  if (exposure?.type === 'Route' && exposure.host) {
    objects.push({
      object: passthroughRoute(
        names.mqttRoute,
        namespace,
        exposure.host,
        names.mqttService,
        ports.mqttTls,
        'broker',
      ),
      retained: false,
    });
  }
  return objects;
}

/** An OpenShift Route that passes TLS through to the Service (the server terminates TLS). */
export function passthroughRoute(
  name: string,
  namespace: string,
  host: string,
  serviceName: string,
  targetPort: number,
  component: 'broker' | 'conductor',
): KubeObject & { spec: Record<string, unknown> } {
  return {
    apiVersion: 'route.openshift.io/v1',
    kind: 'Route',
    metadata: objectMeta(name, namespace, component),
    spec: {
      host,
      to: { kind: 'Service', name: serviceName, weight: 100 },
      port: { targetPort },
      tls: { termination: 'passthrough', insecureEdgeTerminationPolicy: 'None' },
      wildcardPolicy: 'None',
    },
  };
}
