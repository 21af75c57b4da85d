/**
 * Applies the console's Route (`src/api/console-route.ts`) at start when `--console-route` is on:
 * OLM installs cannot ship it, and without it browsers outside the cluster cannot reach the console.
 */
import { consoleRoute } from '../../api/console-route.js';
import { applyAtStart, isNotServed, type KubeClient, type Logger, type StartObjects } from '../../runtime/index.js';

/** Its own field manager: the object is whole, and kubectl's copy is taken over (force). */
export const CONSOLE_ROUTE_FIELD_MANAGER = 'mce-maestro-operator-console-route';

/**
 * Applies the Route into `namespace`. Never throws: the console serves in the cluster without it,
 * so a cluster without Routes (not OpenShift) or a refusal is logged and the console starts.
 */
export function applyConsoleRoute(client: KubeClient, namespace: string, log: Logger): Promise<boolean> {
  const spec: StartObjects = {
    what: "the console's Route",
    fieldManager: CONSOLE_ROUTE_FIELD_MANAGER,
    build: () => [consoleRoute(namespace)],
    context: { namespace },
    expected: (err) =>
      isNotServed(err)
        ? '--console-route is on but this cluster serves no Routes (route.openshift.io): expose the console Service another way'
        : undefined,
  };
  return applyAtStart(client, spec, log);
}
