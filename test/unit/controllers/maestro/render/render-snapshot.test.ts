import { describe, expect, it } from '@jest/globals';
import { renderMaestro } from '../../../../../src/controllers/maestro/render/index.js';
import { renderInput } from './fixtures.js';

// Snapshots catch unintended drift in the full object set; the specifics are asserted elsewhere.
describe('render snapshots', () => {
  it('grpc, embedded database, OpenShift, High availability', () => {
    expect(renderMaestro(renderInput())).toMatchSnapshot();
  });

  it('mqtt, embedded broker and database, plain Kubernetes, Basic availability', () => {
    const input = renderInput({
      spec: { transport: 'mqtt' },
      routes: false,
      openshift: false,
      serviceMonitors: false,
      replicas: 1,
    });
    expect(renderMaestro(input)).toMatchSnapshot();
  });
});
