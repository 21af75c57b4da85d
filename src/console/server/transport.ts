/**
 * The transport a cluster list shows, as observed where the hub can see it: the Maestro agent's
 * ManifestWork of a cluster on mqtt reports a ready agent; a rollout's observer ManifestWork reports
 * the klusterlet's registration driver (`authType`: grpc, else the hub's Kubernetes API). Elsewhere
 * the value the last transport rollout recorded on the cluster, marked `recorded`; nothing when
 * there is neither (the hub's default).
 */
export interface TransportFacts {
  /** The value the cluster's transport rollout record carries. */
  recorded: string | undefined;
  /** The observer work's `authType` feedback, if any. */
  authType: string | undefined;
  /** The Maestro agent work reports a ready agent. */
  mqttAgentReady: boolean;
}

export interface ShownTransport {
  transport: string;
  source: 'observed' | 'recorded';
}

export function shownTransport(facts: TransportFacts): ShownTransport | undefined {
  if (facts.mqttAgentReady) return { transport: 'mqtt', source: 'observed' };
  if (facts.authType !== undefined)
    return { transport: facts.authType === 'grpc' ? 'grpc' : 'kube', source: 'observed' };
  return facts.recorded ? { transport: facts.recorded, source: 'recorded' } : undefined;
}
