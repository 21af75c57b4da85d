/** The transport the cluster list shows is the observed one where the agents report it. */
import { describe, expect, it } from '@jest/globals';
import { shownTransport } from '../../../src/console/server/transport.js';

describe('shownTransport', () => {
  it('is mqtt where the Maestro agent reports ready, whatever the klusterlet registers with', () => {
    expect(shownTransport({ recorded: 'mqtt', authType: 'csr', mqttAgentReady: true })).toEqual({
      transport: 'mqtt',
      source: 'observed',
    });
  });

  it("is the klusterlet's registration driver where an observer work reports it", () => {
    expect(shownTransport({ recorded: 'kube', authType: 'grpc', mqttAgentReady: false })).toEqual({
      transport: 'grpc',
      source: 'observed',
    });
    // A switch to mqtt whose agent is not ready yet: the klusterlet is on the hub's API (csr).
    expect(shownTransport({ recorded: 'mqtt', authType: 'csr', mqttAgentReady: false })).toEqual({
      transport: 'kube',
      source: 'observed',
    });
    expect(shownTransport({ recorded: undefined, authType: '', mqttAgentReady: false })).toEqual({
      transport: 'kube',
      source: 'observed',
    });
  });

  it('is the recorded value, marked so, where no agent reports, and nothing where neither', () => {
    expect(shownTransport({ recorded: 'grpc', authType: undefined, mqttAgentReady: false })).toEqual({
      transport: 'grpc',
      source: 'recorded',
    });
    expect(shownTransport({ recorded: undefined, authType: undefined, mqttAgentReady: false })).toBeUndefined();
  });
});
