/**
 * Optional APIs of the hub, as render needs them. Routes and ServiceMonitors: from the owned
 * caches of those kinds (an informer knows whether its kind is served). OpenShift and the cluster
 * ingress domain: from `config.openshift.io/v1` Ingress `cluster`, looked up through the REST
 * mapper and cached for a few minutes (discovery is not free, and the answer rarely changes).
 */
import { errorSummary, isNotServed, type Clock, type KubeObject, type Logger } from '../../runtime/index.js';
import type { Planes } from '../../kube/index.js';
import type { MaestroCaches } from './caches.js';
import type { Capabilities } from './render/index.js';

const INGRESS_API_VERSION = 'config.openshift.io/v1';
const INGRESS_KIND = 'Ingress';
/** How long a discovered answer about OpenShift is trusted. */
export const PLATFORM_TTL_MS = 5 * 60_000;

/** What render needs to know about the hub. */
export interface HubCapabilities {
  capabilities: Capabilities;
  /** `Ingress cluster .spec.domain`, on OpenShift. */
  ingressDomain?: string;
}

interface Platform {
  openshift: boolean;
  ingressDomain?: string;
  at: number;
}

/** Discovers and caches the hub's optional APIs. */
export class CapabilityProbe {
  private platform: Platform | undefined;

  constructor(
    private readonly planes: Planes,
    private readonly caches: MaestroCaches,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  /**
   * The capabilities now. Routes count only when every plane that may hold one serves them (a
   * grpc Route lives with the ClusterManager, an MQTT Route with the broker).
   */
  async current(signal?: AbortSignal): Promise<HubCapabilities> {
    const servedEverywhere = (apiVersion: string, kind: string) => {
      const caches = this.caches.owned.filter(
        (c) => c.kind.apiVersion === apiVersion && c.kind.kind === kind,
      );
      return caches.length > 0 && caches.every((c) => c.informer.served() && c.informer.hasSynced());
    };
    const platform = await this.platformInfo(signal);
    return {
      capabilities: {
        routes: servedEverywhere('route.openshift.io/v1', 'Route'),
        serviceMonitors: servedEverywhere('monitoring.coreos.com/v1', 'ServiceMonitor'),
        openshift: platform.openshift,
      },
      ...(platform.ingressDomain ? { ingressDomain: platform.ingressDomain } : {}),
    };
  }

  private async platformInfo(signal?: AbortSignal): Promise<Platform> {
    const now = this.clock.now();
    if (this.platform && now - this.platform.at < PLATFORM_TTL_MS) return this.platform;
    const previous = this.platform;
    try {
      const openshift = await this.serves(this.planes.control);
      let ingressDomain: string | undefined;
      if (await this.serves(this.planes.data)) {
        const ingress = await this.planes.data.get<KubeObject & { spec?: { domain?: string } }>(
          { apiVersion: INGRESS_API_VERSION, kind: INGRESS_KIND, name: 'cluster' },
          { signal },
        );
        ingressDomain = ingress?.spec?.domain || undefined;
      }
      this.platform = { openshift, ingressDomain, at: now };
      if (previous?.openshift !== openshift || previous.ingressDomain !== ingressDomain) {
        this.log.info({ openshift, ingressDomain }, 'discovered platform');
      }
    } catch (err) {
      // Discovery failed (API server busy): keep what we knew, look again on the next reconcile.
      this.log.warn({ err: errorSummary(err) }, 'platform discovery failed');
      return previous ?? { openshift: false, at: now };
    }
    return this.platform;
  }

  private async serves(client: Planes['data']): Promise<boolean> {
    try {
      await client.mapper.mapping(INGRESS_API_VERSION, INGRESS_KIND);
      return true;
    } catch (err) {
      if (isNotServed(err)) return false;
      throw err;
    }
  }
}
