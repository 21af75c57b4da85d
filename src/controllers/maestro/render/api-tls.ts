/**
 * TLS and client authentication of Maestro's REST (8000) and gRPC (8090) listeners, grounded in
 * the pinned maestro `cmd/maestro/server/{api_server,grpc_server,auth_interceptor}.go`:
 * - REST: Maestro has no REST authentication (no JWT or client-certificate option), so callers
 *   reach it through an authenticating proxy in the same pod (rest-proxy.ts) on 8000, which checks
 *   their bearer token (TokenReview) and their right on the `maestros/rest` subresource
 *   (SubjectAccessReview). Maestro's own REST listener moves to 8001 and serves TLS
 *   (`--enable-https`) with the operator-issued `maestro-api-tls` (it names `localhost`, which the
 *   proxy dials); `--server-hostname` binds every listener to all addresses, so the NetworkPolicy
 *   admits nobody to 8001 from outside the pod.
 * - gRPC: `--grpc-tls-cert-file`/`--grpc-tls-key-file` (TLS 1.3 only) and `--grpc-authn-type=mtls`
 *   with `--grpc-client-ca-file`: the handshake requires a client certificate from maestro-api-ca
 *   (`tls.RequireAndVerifyClientCert`); the user is its CN and the groups its O, and every publish
 *   and subscribe is authorised by a SubjectAccessReview (non-resource URL `/sources/<source>`,
 *   verbs `pub`/`sub`) through the pod's in-cluster credentials.
 * The certificates clients see (the proxy's and gRPC's) come from the OpenShift service CA on
 * OpenShift (Service annotation), else from maestro-api-ca.
 */
import type { V1Volume, V1VolumeMount } from '@kubernetes/client-node';
import type { RenderContext } from './context.js';
import { secretObject } from './metadata.js';
import { names } from './names.js';
import type { ApiTlsMaterial, RenderedObject } from './types.js';

/** The annotation that makes the OpenShift service CA write a serving certificate Secret. */
export const SERVING_CERT_ANNOTATION = 'service.beta.openshift.io/serving-cert-secret-name';

const REST_TLS_DIR = '/secrets/rest-tls';
const GRPC_TLS_DIR = '/secrets/grpc-tls';
const CLIENT_CA_DIR = '/secrets/grpc-client-ca';
/** Where the REST proxy finds its serving pair and the CA of Maestro's own REST certificate. */
export const REST_PROXY_TLS_DIR = '/secrets/rest-proxy-tls';
export const REST_UPSTREAM_CA_DIR = '/secrets/rest-upstream-ca';

/** Whether the OpenShift service CA issues the serving certificates. */
export function usesServiceCa(ctx: RenderContext): boolean {
  return ctx.input.capabilities.openshift;
}

/** DNS names of the operator-issued serving certificate: both Services, and localhost for port-forwards. */
export function apiServerHostnames(namespace: string): string[] {
  return [names.restService, names.grpcService]
    .flatMap((svc) => [
      `${svc}.${namespace}.svc`,
      `${svc}.${namespace}.svc.cluster.local`,
      `${svc}.${namespace}`,
      svc,
    ])
    .concat('localhost');
}

/** Secret (key tls.crt/tls.key) each listener clients reach serves from (`rest`: the proxy's). */
function servingSecrets(ctx: RenderContext): { rest: string; grpc: string } {
  return usesServiceCa(ctx)
    ? { rest: names.restServingCertSecret, grpc: names.grpcServingCertSecret }
    : { rest: names.apiServerCertSecret, grpc: names.apiServerCertSecret };
}

/** The `maestro server` flags for TLS on REST and gRPC and mutual TLS on gRPC. */
export function apiTlsFlags(): string[] {
  return [
    '--enable-https=true',
    `--https-cert-file=${REST_TLS_DIR}/tls.crt`,
    `--https-key-file=${REST_TLS_DIR}/tls.key`,
    `--grpc-tls-cert-file=${GRPC_TLS_DIR}/tls.crt`,
    `--grpc-tls-key-file=${GRPC_TLS_DIR}/tls.key`,
    '--grpc-authn-type=mtls',
    `--grpc-client-ca-file=${CLIENT_CA_DIR}/ca.crt`,
  ];
}

/**
 * Volumes of the serving pairs and the CA (never the CA key), and the mounts of Maestro's
 * container (`mounts`) and of the REST proxy (`proxyMounts`).
 */
export function apiTlsVolumes(ctx: RenderContext): {
  volumes: V1Volume[];
  mounts: V1VolumeMount[];
  proxyMounts: V1VolumeMount[];
} {
  const secrets = servingSecrets(ctx);
  return {
    volumes: [
      // Maestro's own REST listener, which only the proxy calls, over loopback: always the
      // operator-issued pair (the service CA's names no `localhost`).
      { name: 'rest-tls', secret: { secretName: names.apiServerCertSecret, defaultMode: 0o440 } },
      { name: 'rest-proxy-tls', secret: { secretName: secrets.rest, defaultMode: 0o440 } },
      { name: 'grpc-tls', secret: { secretName: secrets.grpc, defaultMode: 0o440 } },
      {
        name: 'grpc-client-ca',
        secret: {
          secretName: names.apiCaSecret,
          items: [{ key: 'ca.crt', path: 'ca.crt' }],
          defaultMode: 0o440,
        },
      },
    ],
    mounts: [
      { name: 'rest-tls', mountPath: REST_TLS_DIR, readOnly: true },
      { name: 'grpc-tls', mountPath: GRPC_TLS_DIR, readOnly: true },
      { name: 'grpc-client-ca', mountPath: CLIENT_CA_DIR, readOnly: true },
    ],
    proxyMounts: [
      { name: 'rest-proxy-tls', mountPath: REST_PROXY_TLS_DIR, readOnly: true },
      { name: 'grpc-client-ca', mountPath: REST_UPSTREAM_CA_DIR, readOnly: true },
    ],
  };
}

/** Service annotations asking the OpenShift service CA for `service`'s serving certificate. */
export function servingCertAnnotations(ctx: RenderContext, service: 'rest' | 'grpc'): Record<string, string> {
  return usesServiceCa(ctx) ? { [SERVING_CERT_ANNOTATION]: servingSecrets(ctx)[service] } : {};
}

function secret(
  ctx: RenderContext,
  name: string,
  type: 'Opaque' | 'kubernetes.io/tls',
  data: Record<string, string>,
) {
  return secretObject(name, ctx.namespace, 'server', type, data);
}

/**
 * The CA, the serving pair (Maestro's REST always serves it; off OpenShift every listener does)
 * and the gRPC client pair. Not retained data: nothing outside the namespace holds certificates
 * from this CA but what reads maestro-grpc-client-certs, which a re-enable reissues along with
 * the CA.
 */
export function renderApiTlsSecrets(ctx: RenderContext, tls: ApiTlsMaterial): RenderedObject[] {
  if (!tls.server) throw new Error('the serving certificate of the Maestro API was not supplied to render');
  const pairs: [string, Record<string, string>][] = [
    [names.apiCaSecret, { 'ca.crt': tls.ca.cert, 'ca.key': tls.ca.key }],
    [
      names.grpcClientCertSecret,
      { 'ca.crt': tls.ca.cert, 'tls.crt': tls.grpcClient.cert, 'tls.key': tls.grpcClient.key },
    ],
    [
      names.apiServerCertSecret,
      { 'ca.crt': tls.ca.cert, 'tls.crt': tls.server.cert, 'tls.key': tls.server.key },
    ],
  ];
  return pairs.map(([name, data]) => ({
    object: secret(ctx, name, name === names.apiCaSecret ? 'Opaque' : 'kubernetes.io/tls', data),
    retained: false,
  }));
}
