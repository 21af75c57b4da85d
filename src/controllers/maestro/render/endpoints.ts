/** Endpoint addresses for `Maestro.status.endpoints`. */
import type { RenderContext } from './context.js';
import { embeddedBrokerAddress } from './mqtt-broker.js';
import { CONDUCTOR_NAME, names, OCM_HUB_NAMESPACE, ports } from './names.js';
import type { ResolvedExposure } from './settings.js';
import type { RenderedStatus } from './types.js';

/**
 * Where agents dial an exposed endpoint, when render can know it: a Route serves on 443, ocm's
 * LoadBalancer Service on 443 (for the conductor), NodePort on the node port if fixed, and an
 * unexposed (ClusterIP) endpoint on its in-cluster address unless a hostname fronts it.
 */
function exposedAddress(exposure: ResolvedExposure, lbPort: number, inCluster: string): string | undefined {
  switch (exposure.type) {
    case 'Route':
      return exposure.host ? `${exposure.host}:443` : undefined;
    case 'LoadBalancer':
      return exposure.host ? `${exposure.host}:${lbPort}` : undefined;
    case 'NodePort':
      return exposure.host && exposure.nodePort ? `${exposure.host}:${exposure.nodePort}` : undefined;
    case 'ClusterIP':
      return exposure.host ? `${exposure.host}:443` : inCluster;
  }
}

/** Transport, database kind and endpoints, as the status writer needs them. */
export function renderedStatus(ctx: RenderContext): RenderedStatus {
  const ns = ctx.namespace;
  let agents: string | undefined;
  if (ctx.grpcExposure) {
    agents = exposedAddress(
      ctx.grpcExposure,
      443,
      `${CONDUCTOR_NAME}.${OCM_HUB_NAMESPACE}.svc:${ports.conductor}`,
    );
  } else if (ctx.mqttExposure) {
    agents = exposedAddress(ctx.mqttExposure, ports.mqttTls, embeddedBrokerAddress(ns));
  } else if (ctx.externalBroker) {
    agents = ctx.externalBroker.brokerHost;
  }
  return {
    transport: ctx.spec.transport,
    databaseType: ctx.spec.database.type,
    databaseSslmode: ctx.database.sslmode,
    endpoints: {
      rest: `https://${names.restService}.${ns}.svc:${ports.http}`,
      grpc: `${names.grpcService}.${ns}.svc:${ports.grpc}`,
      ...(agents ? { agents } : {}),
    },
  };
}
