/**
 * Secrets of the operand namespace, all of them (not only ours): external database and broker
 * Secrets the user creates, and generated ones that may predate us (MCE's maestro-preview wrote
 * `maestro-db-config`). The namespace comes from the Maestro spec, so the informer for it is
 * created on first use; the manager starts and stops this set like any informer.
 */
import {
  Informer,
  trimObject,
  type InformerHandler,
  type KubeClient,
  type KubeObject,
  type Logger,
} from '../../runtime/index.js';
import { ownershipLabels } from './render/index.js';

/** A Secret as cached: data is base64, as on the wire. */
export interface SecretObject extends KubeObject {
  type?: string;
  data?: Record<string, string>;
}

/** Per-namespace Secret informers, created when a namespace is first asked for. */
export class NamespaceSecrets {
  readonly apiVersion = 'v1';
  readonly kind = 'Secret';
  private readonly informers = new Map<string, Informer<SecretObject>>();
  private readonly handlers: InformerHandler<SecretObject>[] = [];
  private started = false;

  constructor(
    private readonly client: KubeClient,
    private readonly log: Logger,
    private readonly onChange: () => void,
  ) {}

  start(): void {
    this.started = true;
    for (const informer of this.informers.values()) informer.start();
  }

  async stop(): Promise<void> {
    this.started = false;
    await Promise.all([...this.informers.values()].map((i) => i.stop()));
  }

  /** Synced for every namespace asked for so far (a new namespace is waited for by the reconcile). */
  hasSynced(): boolean {
    return [...this.informers.values()].every((i) => i.hasSynced());
  }

  served(): boolean {
    return true;
  }

  /**
   * The Secret cache of `namespace`, or undefined while it is still listing. The first call for a
   * namespace starts its informer; a change in it calls `onChange`.
   */
  in(namespace: string): Informer<SecretObject> | undefined {
    let informer = this.informers.get(namespace);
    if (!informer) {
      informer = new Informer<SecretObject>({
        client: this.client,
        apiVersion: 'v1',
        kind: 'Secret',
        namespace,
        transform: trimObject,
        logger: this.log,
      });
      const changed = () => this.onChange();
      informer.addHandler({ add: changed, update: changed, delete: changed });
      for (const h of this.handlers) informer.addHandler(h);
      this.informers.set(namespace, informer);
      if (this.started) informer.start();
    }
    return informer.hasSynced() ? informer : undefined;
  }

  /** Adds a handler to the informer of every namespace, present and future. */
  addHandler(handler: InformerHandler<SecretObject>): void {
    this.handlers.push(handler);
    for (const informer of this.informers.values()) informer.addHandler(handler);
  }

  /**
   * The informer of a namespace asked for before, synced or not, without starting one: where our
   * writes are recorded (a write to a namespace nobody reads has no cache to keep current).
   */
  informerOf(namespace: string): Informer<SecretObject> | undefined {
    return this.informers.get(namespace);
  }

  /** A cached Secret of a namespace asked for before; undefined otherwise. */
  cached(namespace: string, name: string): SecretObject | undefined {
    return this.informers.get(namespace)?.get(namespace, name);
  }

  /**
   * Our Secrets (with the ownership labels) in every namespace asked for so far. The operator may
   * read Secrets only in the operand namespace, so ours are found there, not cluster-wide.
   */
  owned(): SecretObject[] {
    const ours = (s: SecretObject) =>
      Object.entries(ownershipLabels).every(([k, v]) => s.metadata.labels?.[k] === v);
    return [...this.informers.values()].flatMap((i) => i.list().filter(ours));
  }
}

/** Decoded `data` of a Secret (UTF-8), or undefined when the Secret is absent. */
export function decodeSecretData(secret: SecretObject | undefined): Record<string, string> | undefined {
  if (!secret) return undefined;
  return Object.fromEntries(
    Object.entries(secret.data ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]),
  );
}
