/**
 * Applies the console's Route (`src/api/console-route.ts`) at start when `--console-route` is on:
 * OLM installs cannot ship it, and without it browsers outside the cluster cannot reach the console.
 */
import { consoleRoute } from '../../api/console-route.js';
import { isNotServed } from '../../runtime/client/errors.js';
import type { KubeClient } from '../../runtime/client/kube-client.js';
import type { Logger } from '../../runtime/logger.js';

/** Its own field manager: the object is whole, and kubectl's copy is taken over (force). */
export const CONSOLE_ROUTE_FIELD_MANAGER = 'mce-maestro-operator-console-route';

/**
 * Applies the Route into `namespace`. Never throws: the console serves in the cluster without it,
 * so a cluster without Routes (not OpenShift) or a refusal is logged and the console starts.
 */
export async function applyConsoleRoute(client: KubeClient, namespace: string, log: Logger): Promise<boolean> {
  const route = consoleRoute(namespace);
  try {
    await client.apply(route, { fieldManager: CONSOLE_ROUTE_FIELD_MANAGER, force: true });
    log.info({ namespace, name: route.metadata.name }, "the console's Route applied");
    return true;
  } catch (err) {
    if (isNotServed(err)) {
      log.warn(
        { namespace, name: route.metadata.name },
        '--console-route is on but this cluster serves no Routes (route.openshift.io): expose the console Service another way',
      );
    } else {
      log.error(
        { namespace, name: route.metadata.name, err: (err as Error).message },
        "could not apply the console's Route",
      );
    }
    return false;
  }
}
