import { describe, expect, it } from '@jest/globals';
import { parse as parseYaml } from 'yaml';
import { mosquittoAcl } from '../../../../../src/controllers/maestro/render/mosquitto-acl.js';
import { mqttServerHostnames, renderMaestro } from '../../../../../src/controllers/maestro/render/index.js';
import {
  decode,
  EXTERNAL_BROKER_YAML,
  FAKE_MQTT_TLS,
  find,
  has,
  type PodTemplateOwner,
  renderInput,
} from './fixtures.js';

type Secret = { type?: string; data: Record<string, string> };

function mqttConfig(result: ReturnType<typeof renderMaestro>) {
  return parseYaml(decode(find<Secret>(result, 'Secret', 'maestro-mqtt').data, 'config.yaml'));
}

describe('embedded Mosquitto', () => {
  const result = renderMaestro(renderInput({ spec: { transport: 'mqtt' } }));

  it('listens with TLS only, requires client certificates, allows no anonymous clients and loads the ACL', () => {
    const cm = find<{ data: Record<string, string> }>(result, 'ConfigMap', 'maestro-mqtt');
    const conf = (cm.data['mosquitto.conf'] ?? '').split('\n');
    expect(conf).toEqual(
      expect.arrayContaining([
        'allow_anonymous false',
        'listener 8883',
        'require_certificate true',
        'use_identity_as_username true',
        'cafile /mosquitto/certs/ca.crt',
        'certfile /mosquitto/certs/tls.crt',
        'keyfile /mosquitto/certs/tls.key',
        'acl_file /mosquitto/config/acl.conf',
      ]),
    );
    expect(conf.filter((l) => l.startsWith('listener'))).toEqual(['listener 8883']);
    expect(cm.data['acl.conf']).toBe(mosquittoAcl('maestro', 'maestro'));
  });

  it('gives Maestro a client config with its certificate and the server topics', () => {
    expect(mqttConfig(result)).toEqual({
      brokerHost: 'maestro-mqtt.maestro.svc:8883',
      caFile: '/secrets/mqtt-certs/ca.crt',
      clientCertFile: '/secrets/mqtt-certs/tls.crt',
      clientKeyFile: '/secrets/mqtt-certs/tls.key',
      topics: {
        sourceEvents: 'sources/maestro/consumers/+/sourceevents',
        agentEvents: '$share/statussubscribers/sources/maestro/consumers/+/agentevents',
      },
    });
    const dep = find<PodTemplateOwner>(result, 'Deployment', 'maestro');
    const mounts = dep.spec.template.spec.containers[0]?.volumeMounts?.map((m) => m.mountPath);
    expect(mounts).toEqual(expect.arrayContaining(['/secrets/mqtt', '/secrets/mqtt-certs']));
  });

  it('writes the generated material into TLS Secrets and the CA into its own', () => {
    const server = find<Secret>(result, 'Secret', 'maestro-mqtt-certs');
    expect(server.type).toBe('kubernetes.io/tls');
    expect(decode(server.data, 'tls.crt')).toBe('SERVER-CERT');
    expect(decode(server.data, 'ca.crt')).toBe('CA-CERT');
    expect(decode(find<Secret>(result, 'Secret', 'maestro-server-certs').data, 'tls.key')).toBe('CLIENT-KEY');
    const ca = find<Secret>(result, 'Secret', 'maestro-mqtt-ca');
    expect(decode(ca.data, 'ca.key')).toBe('CA-KEY');
  });

  it('runs Mosquitto as non-root 1883 off OpenShift and lets the SCC pick on OpenShift', () => {
    const off = renderMaestro(renderInput({ spec: { transport: 'mqtt' }, routes: false, openshift: false }));
    const pod = (r: typeof off) => find<PodTemplateOwner>(r, 'Deployment', 'maestro-mqtt').spec.template.spec;
    expect(pod(off).securityContext).toMatchObject({ runAsUser: 1883, runAsGroup: 1883, fsGroup: 1883 });
    expect(pod(result).securityContext).not.toHaveProperty('runAsUser');
  });

  it('rolls Mosquitto when its certificate changes', () => {
    const input = renderInput({ spec: { transport: 'mqtt' } });
    const hash = (r: typeof result) =>
      find<PodTemplateOwner>(r, 'Deployment', 'maestro-mqtt').spec.template.metadata.annotations?.[
        'maestro.multicluster.openshift.io/config-hash'
      ];
    const before = hash(renderMaestro(input));
    input.generated.mqtt = { ...FAKE_MQTT_TLS, server: { cert: 'NEW', key: 'NEW' } };
    expect(hash(renderMaestro(input))).not.toBe(before);
  });

  it.each([
    {
      routes: true,
      exposure: 'Auto',
      serviceType: 'ClusterIP',
      route: true,
      agents: 'maestro-mqtt-maestro.apps.hub.example.com:443',
    },
    { routes: false, exposure: 'Auto', serviceType: 'LoadBalancer', route: false, agents: undefined },
    {
      routes: false,
      exposure: 'ClusterIP',
      serviceType: 'ClusterIP',
      route: false,
      agents: 'maestro-mqtt.maestro.svc:8883',
    },
  ] as const)('exposure $exposure (routes: $routes)', ({ routes, exposure, serviceType, route, agents }) => {
    const r = renderMaestro(
      renderInput({ routes, spec: { transport: 'mqtt', broker: { embedded: { exposure } } } }),
    );
    expect(find<{ spec: { type: string } }>(r, 'Service', 'maestro-mqtt').spec.type).toBe(serviceType);
    expect(has(r, 'Route', 'maestro-mqtt')).toBe(route);
    expect(r.status.endpoints.agents).toBe(agents);
  });

  it('asks for a server certificate that covers the Service names and the external host', () => {
    expect(mqttServerHostnames('maestro', 'mqtt.example.com')).toEqual([
      'maestro-mqtt',
      'maestro-mqtt.maestro',
      'maestro-mqtt.maestro.svc',
      'maestro-mqtt.maestro.svc.cluster.local',
      'mqtt.example.com',
    ]);
  });

  it('fails loudly when the controller forgot the TLS material', () => {
    const input = renderInput({ spec: { transport: 'mqtt' } });
    input.generated = { database: input.generated.database, databaseTls: input.generated.databaseTls };
    expect(() => renderMaestro(input)).toThrow(/MQTT TLS material/);
  });
});

describe('external broker', () => {
  const spec = {
    transport: 'mqtt',
    broker: { type: 'External', external: { secretRef: { name: 'ext-mqtt' } } },
  } as const;

  it('copies the user config and renders no Mosquitto', () => {
    const r = renderMaestro(
      renderInput({ spec, replicas: 1, external: { broker: { 'config.yaml': EXTERNAL_BROKER_YAML } } }),
    );
    expect(mqttConfig(r)).toEqual(parseYaml(EXTERNAL_BROKER_YAML));
    for (const name of ['maestro-mqtt-ca', 'maestro-mqtt-certs', 'maestro-server-certs'])
      expect(has(r, 'Secret', name)).toBe(false);
    expect(has(r, 'Deployment', 'maestro-mqtt')).toBe(false);
    expect(r.status.endpoints.agents).toBe('mqtt.example.com:8883');
  });

  it('switches status events to a shared subscription with several replicas', () => {
    const r = renderMaestro(
      renderInput({ spec, replicas: 3, external: { broker: { 'config.yaml': EXTERNAL_BROKER_YAML } } }),
    );
    expect(mqttConfig(r).topics.agentEvents).toBe(
      '$share/statussubscribers/sources/maestro/consumers/+/agentevents',
    );
    expect(mqttConfig(r).caData).toBe('Q0E=');
  });
});

describe('mosquitto ACL', () => {
  const acl = mosquittoAcl('maestro', 'maestro').split('\n');

  it('scopes agents to their own topics by certificate identity', () => {
    expect(acl).toContain('pattern read sources/maestro/consumers/%u/sourceevents');
    expect(acl).toContain('pattern write sources/maestro/consumers/%u/agentevents');
    expect(acl.filter((l) => l.startsWith('pattern')).every((l) => l.includes('/%u/'))).toBe(true);
  });

  it('lets only the server identity touch every consumer', () => {
    const userLine = acl.indexOf('user maestro');
    expect(userLine).toBeGreaterThan(-1);
    expect(acl.slice(userLine + 1).filter((l) => l.startsWith('topic'))).toEqual([
      'topic write sources/maestro/consumers/+/sourceevents',
      'topic read sources/maestro/consumers/+/agentevents',
    ]);
    // No rule before any `user` line: anonymous clients get nothing.
    expect(acl.slice(0, userLine).some((l) => l.startsWith('topic'))).toBe(false);
  });
});
