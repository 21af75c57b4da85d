import { describe, expect, it } from '@jest/globals';
import { operatorNetworkPolicy } from '../../../src/api/operator-network-policy.js';
import { parseFlags } from '../../../src/runtime/flags.js';
import { operatorPorts } from '../../../src/runtime/own-network-policy.js';

const ports = (args: string[]) =>
  operatorNetworkPolicy('ns', operatorPorts(parseFlags(args, {}))).spec.ingress.flatMap((r) =>
    r.ports.map((p) => p.port),
  );

describe("the operator's NetworkPolicy", () => {
  it('admits only the ports the operator serves to others: metrics and, when on, the console', () => {
    expect(ports([])).toEqual([8080]);
    expect(ports(['--metrics-bind-address=:8443', '--health-probe-bind-address=:8081'])).toEqual([8443]);
    expect(ports(['--metrics-bind-address=:8443', '--console-bind-address=127.0.0.1:9443'])).toEqual([
      8443, 9443,
    ]);
    expect(ports(['--metrics-bind-address=0', '--console-bind-address=:9443'])).toEqual([9443]);
  });

  it('admits nothing when neither server is on (an empty ingress list, not an absent one)', () => {
    const policy = operatorNetworkPolicy('ns', operatorPorts(parseFlags(['--metrics-bind-address=0'], {})));
    expect(policy.spec).toEqual({
      podSelector: { matchLabels: { 'app.kubernetes.io/name': 'mce-maestro-operator' } },
      policyTypes: ['Ingress'],
      ingress: [],
    });
  });
});
