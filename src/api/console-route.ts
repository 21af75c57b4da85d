/**
 * The Route of the regional console (OpenShift): browsers outside the cluster reach the console
 * through the router, which re-encrypts to the console Service (the service-ca certificate) and
 * presents the cluster's ingress certificate. An OLM bundle cannot carry a Route, so with
 * `--console-route` the operator applies this object itself at start; kustomize installs list
 * `config/console/route.yaml`, the same object.
 */

/** The console's Service (config/console/service.yaml) and the Route to it. */
export const CONSOLE_SERVICE_NAME = 'mce-maestro-operator-console';
export const CONSOLE_ROUTE_NAME = 'mce-maestro-operator-console';

export interface ConsoleRoute {
  apiVersion: 'route.openshift.io/v1';
  kind: 'Route';
  metadata: { name: string; namespace: string; labels: Record<string, string> };
  spec: {
    to: { kind: 'Service'; name: string };
    port: { targetPort: string };
    tls: { termination: 'reencrypt'; insecureEdgeTerminationPolicy: 'Redirect' };
  };
}

export function consoleRoute(namespace: string): ConsoleRoute {
  return {
    apiVersion: 'route.openshift.io/v1',
    kind: 'Route',
    metadata: {
      name: CONSOLE_ROUTE_NAME,
      namespace,
      labels: {
        'app.kubernetes.io/name': 'mce-maestro-operator',
        'app.kubernetes.io/component': 'console',
        'app.kubernetes.io/part-of': 'mce-maestro-operator',
      },
    },
    spec: {
      to: { kind: 'Service', name: CONSOLE_SERVICE_NAME },
      port: { targetPort: 'console' },
      tls: { termination: 'reencrypt', insecureEdgeTerminationPolicy: 'Redirect' },
    },
  };
}
