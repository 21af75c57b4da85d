/**
 * `renderMaestro`: the pure function from settings to desired state. Files per concern build the
 * objects; this one orders them, applies the ownership rules and collects what status needs.
 */
import { NAMESPACE_PLANES, PLANE_ANNOTATION, planeFor } from '../../../api/planes.js';
import { renderApiTlsSecrets } from './api-tls.js';
import { buildContext } from './context.js';
import { renderDatabaseNetworkPolicy, renderEmbeddedDatabase } from './database.js';
import { renderedStatus } from './endpoints.js';
import { clusterManagerApply, renderConductorObjects } from './grpc-conductor.js';
import { COMPONENT_LABEL, mayOwn, mceOwnerReference, withOwner } from './labels.js';
import { renderMonitoring } from './monitoring.js';
import { renderBrokerClientConfig, renderEmbeddedBroker } from './mqtt-broker.js';
import { renderNamespaceAndServiceAccount } from './namespace-rbac.js';
import { renderNetworkPolicies } from './network-policies.js';
import { retainedObjects } from './prune.js';
import { renderServer } from './server.js';
import type { KubeObject, RenderedObject, RenderInput, RenderResult } from './types.js';

/**
 * Renders every object Maestro needs for `input`, in apply order. Pure: same input, same output;
 * no I/O, no clock, no randomness. Throws `InvalidMaestroSettingsError` (with field errors) when
 * `validateMaestroSettings` would fail, and a plain Error when generated material the controller
 * must supply (database credentials, MQTT TLS material) is missing.
 *
 * Ownership: every object gets a non-controller owner reference to the MCE, except retained data
 * (while retainDataOnDisable) and objects on another API server than the MCE (split plane). The
 * plane is the table's (`planeFor`), as for every write.
 */
export function renderMaestro(input: RenderInput): RenderResult {
  const ctx = buildContext(input);
  const { spec } = ctx;

  const objects: RenderedObject[] = [...renderNamespaceAndServiceAccount(ctx)];
  if (spec.database.type === 'Embedded') {
    objects.push(...renderEmbeddedDatabase(ctx), renderDatabaseNetworkPolicy(ctx));
  }
  if (spec.transport === 'mqtt') {
    objects.push(renderBrokerClientConfig(ctx));
    if (spec.broker.type === 'Embedded') {
      if (!input.generated.mqtt) throw new Error('MQTT TLS material was not supplied to render');
      objects.push(...renderEmbeddedBroker(ctx, input.generated.mqtt));
    }
  }
  if (!input.generated.api) throw new Error('Maestro API TLS material was not supplied to render');
  objects.push(...renderApiTlsSecrets(ctx, input.generated.api));
  objects.push(...renderNetworkPolicies(ctx), ...renderServer(ctx), ...renderMonitoring(ctx));
  if (spec.transport === 'grpc') objects.push(...renderConductorObjects(ctx));

  const owner = mceOwnerReference(input.mce);
  const owned = objects.map((o) => {
    const object = operandOnControlPlane(o.object, ctx.namespace);
    const plane = planeFor(object);
    return {
      ...o,
      object: withOwner(object, !o.retained && mayOwn(plane, input.sameApiServerAsMce) ? owner : undefined),
    };
  });

  return {
    objects: owned,
    clusterManager: spec.transport === 'grpc' ? clusterManagerApply(ctx) : null,
    status: renderedStatus(ctx),
    retained: retainedObjects(spec),
  };
}

/**
 * The one exception to the plane table: operands run on the control plane even in a namespace the
 * table gives to the data plane (spec.namespace set to OCM's hub namespace), so there they carry
 * the plane annotation. The conductor's objects in that namespace are cluster-manager's: data.
 */
function operandOnControlPlane<T extends KubeObject>(obj: T, namespace: string): T {
  if (NAMESPACE_PLANES.get(namespace) !== 'data' || obj.metadata.labels[COMPONENT_LABEL] === 'conductor')
    return obj;
  const inNamespace =
    obj.kind === 'Namespace' ? obj.metadata.name === namespace : obj.metadata.namespace === namespace;
  if (!inNamespace) return obj;
  return {
    ...obj,
    metadata: {
      ...obj.metadata,
      annotations: { ...obj.metadata.annotations, [PLANE_ANNOTATION]: 'control' },
    },
  };
}
