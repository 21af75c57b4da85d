import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { planeFor } from '../../../../../src/api/planes.js';
import {
  InvalidMaestroSettingsError,
  refKey,
  renderMaestro,
  validateMaestroSettings,
} from '../../../../../src/controllers/maestro/render/index.js';
import { EXTERNAL_BROKER_YAML, EXTERNAL_DB, renderInput } from './fixtures.js';

const exposure = fc.constantFrom('Auto', 'Route', 'LoadBalancer', 'NodePort', 'ClusterIP');
const grpcExposure = fc.constantFrom('Auto', 'Route', 'LoadBalancer');
const hostname = fc.option(fc.constantFrom('a.example.com', 'b.example.com'), { nil: undefined });

const arbitraryInput = fc
  .record({
    transport: fc.constantFrom('grpc', 'mqtt'),
    database: fc.constantFrom('Embedded', 'External'),
    broker: fc.constantFrom('Embedded', 'External'),
    replicas: fc.option(fc.integer({ min: 0, max: 5 }), { nil: undefined }),
    retain: fc.boolean(),
    grpcExposure,
    grpcHost: hostname,
    mqttExposure: exposure,
    mqttHost: hostname,
    routes: fc.boolean(),
    openshift: fc.boolean(),
    serviceMonitors: fc.boolean(),
    ingressDomain: fc.option(fc.constant('apps.example.com'), { nil: undefined }),
    sameApiServer: fc.boolean(),
    hasClusterManager: fc.boolean(),
  })
  .map((r) =>
    renderInput({
      spec: {
        transport: r.transport,
        retainDataOnDisable: r.retain,
        server: r.replicas === undefined ? {} : { replicas: r.replicas },
        database:
          r.database === 'External' ? { type: 'External', external: { secretRef: { name: 'db' } } } : {},
        broker:
          r.broker === 'External'
            ? { type: 'External', external: { secretRef: { name: 'mq' } } }
            : { embedded: { exposure: r.mqttExposure, ...(r.mqttHost ? { hostname: r.mqttHost } : {}) } },
        grpcServer: { exposure: r.grpcExposure, ...(r.grpcHost ? { hostname: r.grpcHost } : {}) },
      },
      routes: r.routes,
      openshift: r.openshift,
      serviceMonitors: r.serviceMonitors,
      clusterIngressDomain: r.ingressDomain,
      sameApiServerAsMce: r.sameApiServer,
      external: { database: EXTERNAL_DB, broker: { 'config.yaml': EXTERNAL_BROKER_YAML } },
      ...(r.hasClusterManager ? {} : { clusterManager: undefined }),
    }),
  );

describe('render properties', () => {
  it('renders exactly when validation passes, and then keeps its invariants', () => {
    fc.assert(
      fc.property(arbitraryInput, (input) => {
        const errors = validateMaestroSettings(input);
        if (errors.length > 0) {
          expect(() => renderMaestro(input)).toThrow(InvalidMaestroSettingsError);
          return;
        }
        const result = renderMaestro(input);
        const keys = result.objects.map(({ object }) =>
          refKey({
            apiVersion: object.apiVersion,
            kind: object.kind,
            namespace: object.metadata.namespace,
            name: object.metadata.name,
          }),
        );
        expect(new Set(keys).size).toBe(keys.length);
        for (const { object, retained } of result.objects) {
          expect(object.metadata.labels['app.kubernetes.io/managed-by']).toBe('mce-maestro-operator');
          const owned = !retained && (planeFor(object) === 'data' || input.sameApiServerAsMce);
          expect(object.metadata.ownerReferences?.length ?? 0).toBe(owned ? 1 : 0);
          if (!input.capabilities.routes) expect(object.kind).not.toBe('Route');
          if (!input.capabilities.serviceMonitors) expect(object.kind).not.toBe('ServiceMonitor');
        }
        expect(result.clusterManager !== null).toBe(input.spec.transport === 'grpc');
      }),
      { numRuns: 300 },
    );
  });
});
