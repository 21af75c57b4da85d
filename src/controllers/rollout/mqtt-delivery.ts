/**
 * What an mqtt transport rollout needs from the hub, read once per reconcile: Maestro running with
 * transport mqtt and an address agents can dial (Maestro's status), the image to run, the CA of the
 * embedded broker to issue each cluster's client certificate, and Maestro's REST API to register
 * consumers. An external broker brings its own agent credentials, which the operator can't issue.
 *
 * REST is verified against what can have signed its certificate: `maestro-api-ca` (off OpenShift)
 * and the service CA bundle OpenShift publishes in every namespace (`openshift-service-ca.crt`).
 */
import { MAESTRO_API_VERSION, MAESTRO_KIND, MAESTRO_SINGLETON_NAME } from '../../api/maestro.js';
import { issueMqttClientCertificate } from '../../tls/index.js';
import { names } from '../maestro/render/index.js';
import type { KubeClient, KubeObject } from '../../runtime/index.js';
import type { MqttDelivery } from './drivers/transport.js';
import { maestroConsumers } from './maestro-consumers.js';

type Maestro = KubeObject & {
  spec?: { namespace?: string; images?: { maestro?: string } };
  status?: { transport?: string; endpoints?: { rest?: string; agents?: string } };
};
type Secret = KubeObject & { data?: Record<string, string> };
type ConfigMap = KubeObject & { data?: Record<string, string> };

/** The ConfigMap OpenShift injects into every namespace with the service CA bundle. */
export const SERVICE_CA_CONFIGMAP = 'openshift-service-ca.crt';

export interface MqttResolution {
  delivery: MqttDelivery | null;
  problems: string[];
}

const decode = (s: string | undefined) => (s ? Buffer.from(s, 'base64').toString('utf8') : '');

export async function resolveMqttDelivery(
  data: KubeClient,
  control: KubeClient,
  env: NodeJS.ProcessEnv,
  /** The rollout controller's clock (certificates are valid from this time). */
  now: () => number = Date.now,
): Promise<MqttResolution> {
  const maestro = (await data.get({
    apiVersion: MAESTRO_API_VERSION,
    kind: MAESTRO_KIND,
    name: MAESTRO_SINGLETON_NAME,
  })) as Maestro | undefined;
  if (maestro?.status?.transport !== 'mqtt') {
    return {
      delivery: null,
      problems: [
        'Maestro does not run with transport mqtt: set spec.transport: mqtt on Maestro cluster first',
      ],
    };
  }
  const problems: string[] = [];
  const brokerHost = maestro.status.endpoints?.agents;
  if (!brokerHost)
    problems.push(
      'Maestro reports no MQTT address managed clusters can reach (status.endpoints.agents): expose the broker',
    );
  const restUrl = env.MAESTRO_REST_URL ?? maestro.status.endpoints?.rest;
  if (!restUrl)
    problems.push('Maestro reports no REST endpoint (status.endpoints.rest) to register consumers');
  const image = maestro.spec?.images?.maestro ?? env.OPERAND_IMAGE_MAESTRO;
  if (!image)
    problems.push(
      'no Maestro image for the agents: set spec.images.maestro on Maestro cluster or OPERAND_IMAGE_MAESTRO',
    );
  const namespace = maestro.spec?.namespace ?? 'maestro';
  const [secret, apiCa, serviceCa] = (await Promise.all([
    control.get({ apiVersion: 'v1', kind: 'Secret', namespace, name: names.mqttCaSecret }),
    control.get({ apiVersion: 'v1', kind: 'Secret', namespace, name: names.apiCaSecret }),
    control.get({ apiVersion: 'v1', kind: 'ConfigMap', namespace, name: SERVICE_CA_CONFIGMAP }),
  ])) as [Secret | undefined, Secret | undefined, ConfigMap | undefined];
  const restCa = [decode(apiCa?.data?.['ca.crt']), serviceCa?.data?.['service-ca.crt'] ?? '']
    .filter((pem) => pem.trim() !== '')
    .join('\n');
  if (restUrl?.startsWith('https:') && !restCa)
    problems.push(
      `no CA to verify Maestro's REST certificate: neither Secret ${namespace}/${names.apiCaSecret} nor ` +
        `ConfigMap ${namespace}/${SERVICE_CA_CONFIGMAP} holds one`,
    );
  const ca = { cert: decode(secret?.data?.['ca.crt']), key: decode(secret?.data?.['ca.key']) };
  if (!ca.cert || !ca.key) {
    problems.push(
      `no broker CA in Secret ${namespace}/${names.mqttCaSecret}: agent certificates are issued only for the embedded broker ` +
        '(an external broker brings its own agent credentials)',
    );
  }
  if (problems.length > 0 || !brokerHost || !restUrl || !image) return { delivery: null, problems };
  return {
    delivery: {
      image,
      brokerHost,
      ca,
      // The operator's own identity (its ServiceAccount token), which the REST proxy reviews.
      consumers: maestroConsumers(restUrl, { ca: restCa || undefined, token: () => control.bearerToken() }),
      issueClientCertificate: (c, cluster) =>
        issueMqttClientCertificate(c, cluster, { now: new Date(now()) }),
    },
    problems: [],
  };
}
