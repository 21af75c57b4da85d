/** Building action requests from form text. Pure, so the forms stay thin. */
import type { CreateRolloutRequest } from './contract';

/** `a=b, c=d` → { a: 'b', c: 'd' }; an entry without `=` is an error naming it. */
export function parseLabelList(text: string): { labels: Record<string, string> } | { error: string } {
  const labels: Record<string, string> = {};
  for (const raw of text.split(/[,\n]/)) {
    const part = raw.trim();
    if (!part) continue;
    const eq = part.indexOf('=');
    if (eq <= 0) return { error: `label "${part}" is not key=value` };
    labels[part.slice(0, eq).trim()] = part.slice(eq + 1).trim();
  }
  return { labels };
}

export function parseNameList(text: string): string[] {
  return text
    .split(/[,\s]+/)
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

export type UpdateKind = 'klusterlet' | 'addOn' | 'transport';

export interface UpdateForm {
  namespace: string;
  name: string;
  kind: UpdateKind;
  version: string;
  addOnName: string;
  addOnConfig: string;
  imageRegistrationOperator: string;
  imageRegistration: string;
  imageWork: string;
  transport: string;
  placement: string;
  clusters: string;
  maxConcurrency: string;
}

/** Default klusterlet image pull specs for a version (OCM's public images); the user may edit them. */
export function defaultKlusterletImages(
  version: string,
): Pick<UpdateForm, 'imageRegistrationOperator' | 'imageRegistration' | 'imageWork'> {
  const tag = version.trim() ? `v${version.trim().replace(/^v/, '')}` : 'latest';
  return {
    imageRegistrationOperator: `quay.io/open-cluster-management/registration-operator:${tag}`,
    imageRegistration: `quay.io/open-cluster-management/registration:${tag}`,
    imageWork: `quay.io/open-cluster-management/work:${tag}`,
  };
}

/** The add-on config name by the convention `<addon>-<version>` (e.g. managed-serviceaccount-2.17.0). */
export function defaultAddOnConfig(addOn: string, version: string): string {
  const a = addOn.trim();
  const v = version.trim().replace(/^v/, '');
  return a && v ? `${a}-${v}` : '';
}

/** The request body (still to be validated by the contract schema). */
export function buildCreateRollout(form: UpdateForm): CreateRolloutRequest {
  const target: CreateRolloutRequest['target'] =
    form.kind === 'klusterlet'
      ? {
          klusterlet: {
            version: form.version.trim(),
            images: {
              registrationOperator: form.imageRegistrationOperator.trim(),
              registration: form.imageRegistration.trim(),
              work: form.imageWork.trim(),
            },
          },
        }
      : form.kind === 'addOn'
        ? {
            addOn: {
              name: form.addOnName.trim(),
              version: form.version.trim(),
              config: {
                group: 'addon.open-cluster-management.io',
                resource: 'addondeploymentconfigs',
                name: (form.addOnConfig.trim() || defaultAddOnConfig(form.addOnName, form.version)).trim(),
              },
            },
          }
        : { transport: { type: form.transport as 'grpc' | 'mqtt' | 'kube' } };
  const request: CreateRolloutRequest = { namespace: form.namespace.trim(), name: form.name.trim(), target };
  const clusters = parseNameList(form.clusters);
  if (clusters.length > 0) request.clusters = clusters;
  else request.placement = form.placement.trim();
  const mc = form.maxConcurrency.trim();
  if (mc) request.maxConcurrency = /^\d+$/.test(mc) ? Number(mc) : mc;
  return request;
}

/** A rollout name for a one-cluster transport switch: a DNS subdomain, unique enough per second. */
export function transportRolloutName(cluster: string, transport: string, now = Date.now()): string {
  const suffix = `-${transport}-${now.toString(36)}`;
  return `transport-${cluster}`.slice(0, 253 - suffix.length).replace(/[-.]+$/, '') + suffix;
}
