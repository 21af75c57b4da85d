/**
 * One informer per API server, kind and selectors in the process (client-go's
 * SharedInformerFactory): the Maestro controller, the rollout controllers and the console server
 * ask here, so a kind two of them read is listed, watched and cached once. The first caller's
 * options win; a second caller must ask for the same transform and `metadataOnly` (a different trim
 * would make one of them read fields the cache does not hold), else this throws at start-up. Callers share the
 * informer's lifetime too: the manager starts and stops every registered informer, idempotently.
 */
import type { KubeClient } from './client/kube-client.js';
import type { KubeObject } from './client/types.js';
import { Informer, type InformerOptions } from './informer.js';

interface Shared {
  informer: Informer;
  transform: unknown;
  metadataOnly: boolean;
}

const byClient = new WeakMap<KubeClient, Map<string, Shared>>();

export function sharedInformer<T extends KubeObject>(opts: InformerOptions<T>): Informer<T> {
  const key = [opts.apiVersion, opts.kind, opts.namespace, opts.labelSelector, opts.fieldSelector]
    .map((p) => p ?? '')
    .join('|');
  let known = byClient.get(opts.client);
  if (!known) byClient.set(opts.client, (known = new Map()));
  const found = known.get(key);
  // A stopped informer stays stopped: whoever asks after a stop (a controller started again in
  // the same process) gets a new one.
  if (found && !found.informer.stopped) {
    if (found.transform !== opts.transform || found.metadataOnly !== (opts.metadataOnly ?? false))
      throw new Error(`the shared ${opts.kind} informer (${key}) is asked for with two different trims`);
    return found.informer as unknown as Informer<T>;
  }
  const informer = new Informer(opts);
  known.set(key, {
    informer: informer as unknown as Informer,
    transform: opts.transform,
    metadataOnly: opts.metadataOnly ?? false,
  });
  return informer;
}
