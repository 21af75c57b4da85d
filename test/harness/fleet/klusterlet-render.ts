/**
 * What stolostron/managedcluster-import-controller renders into `<cluster>-klusterlet`, reduced to
 * the objects that carry versions: the agent Namespace, the klusterlet operator Deployment and the
 * Klusterlet CR (ocm chart `deploy/klusterlet/chart/klusterlet`), in the import controller's order
 * (namespaces first, Klusterlet last). Images come from the import controller's env, rewritten by
 * the merged KlusterletConfig's `registries` (`pkg/bootstrap/render.go` `getImage`/`imageOverride`):
 * each entry is applied to the original env image and the last entry that changes it wins; with
 * no KlusterletConfig registries, the ManagedCluster annotation
 * `open-cluster-management.io/image-registries` is used the same way.
 */
import type { HubImages, Manifest, RegistryMirror, SimKlusterletConfig } from './types.js';

export const AGENT_NAMESPACE = 'open-cluster-management-agent';
export const IMAGE_REGISTRIES_ANNOTATION = 'open-cluster-management.io/image-registries';

/** The parts of a merged KlusterletConfig the render reads. */
export interface MergedKlusterletConfig {
  registries?: RegistryMirror[];
  registrationDriver?: { authType?: string } & Record<string, unknown>;
}

/** `imageOverride(source, mirror, image)`: a plain string-prefix rewrite. */
export function imageOverride(source: string | undefined, mirror: string, image: string): string {
  const src = (source ?? '').replace(/\/$/, '');
  const mir = mirror.replace(/\/$/, '');
  const nameTag = image.split('/').pop() ?? image;
  if (src === '') return mir === '' ? nameTag : `${mir}/${nameTag}`;
  if (!image.startsWith(src)) return image;
  return `${mir}${image.slice(src.length)}`;
}

/** Every entry is tried on the original image; the last one that changes it wins. */
export function rewriteImage(image: string, registries: RegistryMirror[]): string {
  let out = image;
  for (const r of registries) {
    const name = imageOverride(r.source, r.mirror, image);
    if (name !== image) out = name;
  }
  return out;
}

const isNonZero = (v: unknown): boolean =>
  v !== undefined &&
  v !== null &&
  v !== '' &&
  !(typeof v === 'object' && Object.values(v).every((x) => !isNonZero(x)));

/**
 * `global` merged with the cluster's KlusterletConfig (cluster-lifecycle-api
 * `helpers/klusterletconfig/merge.go`): a field set in the cluster's config replaces global's
 * wholesale (a `registries` list is not appended to).
 */
export function mergeKlusterletConfigs(
  global: SimKlusterletConfig | undefined,
  own: SimKlusterletConfig | undefined,
): MergedKlusterletConfig {
  const g = global?.spec ?? {};
  const o = own?.spec ?? {};
  return {
    registries: o.registries !== undefined ? o.registries : g.registries,
    registrationDriver: isNonZero(o.registrationDriver) ? o.registrationDriver : g.registrationDriver,
  };
}

/** The images a cluster's klusterlet gets. */
export function klusterletImages(
  hub: HubImages,
  config: MergedKlusterletConfig,
  annotations: Record<string, string> | undefined,
): HubImages {
  let registries = config.registries ?? [];
  if (registries.length === 0) {
    try {
      const parsed = JSON.parse(annotations?.[IMAGE_REGISTRIES_ANNOTATION] ?? '{}') as {
        registries?: RegistryMirror[];
      };
      registries = parsed.registries ?? [];
    } catch {
      registries = [];
    }
  }
  return {
    registrationOperator: rewriteImage(hub.registrationOperator, registries),
    registration: rewriteImage(hub.registration, registries),
    work: rewriteImage(hub.work, registries),
  };
}

/** A one-replica Deployment labelled `app: <name>` running `podSpec`. */
export function deploymentManifest(
  name: string,
  namespace: string,
  podSpec: Record<string, unknown>,
): Manifest {
  const labels = { app: name };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace, labels },
    spec: {
      replicas: 1,
      selector: { matchLabels: labels },
      template: { metadata: { labels }, spec: podSpec },
    },
  };
}

/**
 * What the import controller puts in the agent's `bootstrap-hub-kubeconfig` Secret: the bootstrap
 * kubeconfig, and for the grpc registration driver a `config.yaml` (its GRPCConfig: url, caData,
 * token). A change of this Secret makes the agent bootstrap again (ocm registration spoke options:
 * the bootstrap Secret is watched), which is how a cluster moves from csr to grpc registration.
 */
export interface BootstrapContent {
  kubeconfig: string;
  grpc?: { url: string; caCert: string; token: string };
}

/** The bootstrap Secret for a registration driver (see `BootstrapContent`). */
export function bootstrapSecret(bootstrap: BootstrapContent, authType: string | undefined): Manifest {
  const b64 = (v: string) => Buffer.from(v).toString('base64');
  const grpcConfig =
    authType === 'grpc' && bootstrap.grpc
      ? [
          `url: ${bootstrap.grpc.url}`,
          `caData: ${b64(bootstrap.grpc.caCert)}`,
          `token: ${bootstrap.grpc.token}`,
          '',
        ].join('\n')
      : undefined;
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'bootstrap-hub-kubeconfig', namespace: AGENT_NAMESPACE },
    type: 'Opaque',
    data: {
      kubeconfig: b64(bootstrap.kubeconfig),
      ...(grpcConfig ? { 'config.yaml': b64(grpcConfig) } : {}),
    },
  };
}

/**
 * The manifests of `<cluster>-klusterlet` (Singleton mode, operator installed); with `bootstrap`,
 * also the bootstrap Secret, as the import controller keeps it there.
 */
export function renderKlusterletManifests(
  cluster: string,
  images: HubImages,
  config: MergedKlusterletConfig,
  bootstrap?: BootstrapContent,
): Manifest[] {
  const driver = isNonZero(config.registrationDriver) ? config.registrationDriver : undefined;
  return [
    ...(bootstrap ? [bootstrapSecret(bootstrap, driver?.authType)] : []),
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: AGENT_NAMESPACE } },
    deploymentManifest('klusterlet', AGENT_NAMESPACE, {
      serviceAccountName: 'klusterlet',
      containers: [
        {
          name: 'klusterlet',
          image: images.registrationOperator,
          args: ['/registration-operator', 'klusterlet', '--disable-leader-election'],
        },
      ],
    }),
    {
      apiVersion: 'operator.open-cluster-management.io/v1',
      kind: 'Klusterlet',
      metadata: { name: 'klusterlet' },
      spec: {
        deployOption: { mode: 'Singleton' },
        registrationImagePullSpec: images.registration,
        workImagePullSpec: images.work,
        imagePullSpec: images.registrationOperator,
        clusterName: cluster,
        namespace: AGENT_NAMESPACE,
        ...(driver ? { registrationConfiguration: { registrationDriver: driver } } : {}),
      },
    },
  ];
}
