/**
 * The authenticating proxy in front of Maestro's REST API: kube-rbac-proxy (pinned in
 * hack/versions.env, flags from its `cmd/kube-rbac-proxy/app/options/options.go`) as a second
 * container of the server pod. Maestro has no REST authentication of its own, so every request
 * to 8000 must carry `Authorization: Bearer <token>`; the proxy checks the token with a
 * TokenReview (401 without a valid one) and the caller's right with a SubjectAccessReview on the
 * `rest` subresource of Maestro `cluster` (403 without it), the verb from the HTTP method
 * (GET → get, POST → create, PUT → update, PATCH → patch, DELETE → delete; `pkg/proxy/proxy.go`).
 * So a hub admin grants REST access with ordinary RBAC, e.g. `get` for read-only users, and the
 * API server's audit log records each check. Allowed requests go on to Maestro's own listener over
 * the pod's loopback, verified against maestro-api-ca.
 *
 * The ServiceAccount needs `system:auth-delegator` for both reviews (shipped for the default
 * namespace in config/rbac/hub-namespaces; docs/maestro.md for another).
 */
import type { V1ConfigMap, V1Container } from '@kubernetes/client-node';
import { stringify } from 'yaml';
import { MAESTRO_GROUP, MAESTRO_PLURAL, MAESTRO_SINGLETON_NAME } from '../../../api/maestro.js';
import { REST_PROXY_TLS_DIR, REST_UPSTREAM_CA_DIR } from './api-tls.js';
import type { RenderContext } from './context.js';
import { objectMeta } from './metadata.js';
import { names, ports } from './names.js';
import { containerSecurityContext } from './security.js';
import type { KubeObject, RenderedObject } from './types.js';

/** The binary in the OpenShift kube-rbac-proxy image (its Dockerfile's ENTRYPOINT). */
export const REST_PROXY_BINARY = '/usr/bin/kube-rbac-proxy';
/** The subresource of `maestros` whose verbs grant REST access. */
export const REST_SUBRESOURCE = 'rest';
const CONFIG_DIR = '/etc/kube-rbac-proxy';

/** What the proxy asks the API server for each request (verb from the method). */
export function restAuthorization() {
  return {
    apiGroup: MAESTRO_GROUP,
    resource: MAESTRO_PLURAL,
    subresource: REST_SUBRESOURCE,
    name: MAESTRO_SINGLETON_NAME,
  };
}

/** ConfigMap `maestro-rest-proxy`: the proxy's `--config-file`. */
export function renderRestProxyConfig(ctx: RenderContext): RenderedObject {
  const config: V1ConfigMap & KubeObject = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: objectMeta(names.restProxyConfigMap, ctx.namespace, 'server'),
    data: { 'config.yaml': stringify({ authorization: { resourceAttributes: restAuthorization() } }) },
  };
  return { object: config, retained: false };
}

/** The proxy's volume (its config) besides the TLS volumes of api-tls.ts. */
export const restProxyConfigVolume = {
  name: 'rest-proxy-config',
  configMap: { name: names.restProxyConfigMap, defaultMode: 0o440 },
};

/** The `rest-proxy` container: TLS on 8000 for clients, Maestro's REST (8001) behind it. */
export function restProxyContainer(
  ctx: RenderContext,
  image: string,
  tlsMounts: V1Container['volumeMounts'],
) {
  const container: V1Container = {
    name: 'rest-proxy',
    image,
    imagePullPolicy: ctx.input.mce.imagePullPolicy,
    command: [
      REST_PROXY_BINARY,
      `--secure-listen-address=:${ports.http}`,
      // The serving certificate `maestro-api-tls` names localhost (api-tls.ts).
      `--upstream=https://localhost:${ports.restUpstream}/`,
      `--upstream-ca-file=${REST_UPSTREAM_CA_DIR}/ca.crt`,
      `--tls-cert-file=${REST_PROXY_TLS_DIR}/tls.crt`,
      `--tls-private-key-file=${REST_PROXY_TLS_DIR}/tls.key`,
      '--tls-min-version=VersionTLS12',
      `--config-file=${CONFIG_DIR}/config.yaml`,
    ],
    ports: [{ name: 'https', containerPort: ports.http, protocol: 'TCP' }],
    // The proxy has no health endpoint on its listener; an open port means it serves.
    readinessProbe: { tcpSocket: { port: 'https' }, periodSeconds: 5, failureThreshold: 3 },
    livenessProbe: {
      tcpSocket: { port: 'https' },
      initialDelaySeconds: 10,
      periodSeconds: 10,
      failureThreshold: 3,
    },
    resources: { requests: { cpu: '5m', memory: '20Mi' }, limits: { memory: '128Mi' } },
    securityContext: containerSecurityContext(),
    volumeMounts: [
      ...(tlsMounts ?? []),
      { name: restProxyConfigVolume.name, mountPath: CONFIG_DIR, readOnly: true },
    ],
  };
  return container;
}
