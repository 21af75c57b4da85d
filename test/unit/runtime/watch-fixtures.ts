/** ConfigMaps and watch bodies for the informer and client tests (no HTTP mocking here). */

/** A ConfigMap as the server returns it in a list. */
export function cm(name: string, rv: string, data: Record<string, string> = {}) {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, namespace: 'ns', resourceVersion: rv, managedFields: [{ manager: 'kubectl' }] },
    data,
  };
}

/** Watch response body: newline-delimited events. */
export function frames(...events: { type: string; object: unknown }[]): string {
  return events.map((e) => JSON.stringify(e)).join('\n') + '\n';
}
