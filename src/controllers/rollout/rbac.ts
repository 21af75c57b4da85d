/** What the AgentRollout controllers read and write (see `src/rbac/types.ts`). */
import { READ, type RbacTable } from '../../rbac/types.js';
import { ADMISSION_OBJECT_NAMES } from '../../api/agentrollout-admission.js';
import { MAESTRO_SINGLETON_NAME } from '../../api/maestro.js';
import { IMPORT_CONTROLLER } from './hub-images.js';

export const rolloutRbac: RbacTable = {
  component: 'agent-rollout',
  cluster: [
    { apiGroups: ['maestro.multicluster.openshift.io'], resources: ['agentrollouts'], verbs: READ },
    {
      apiGroups: ['maestro.multicluster.openshift.io'],
      resources: ['agentrollouts/status'],
      verbs: ['get', 'patch', 'update'],
    },
    { apiGroups: ['maestro.multicluster.openshift.io'], resources: ['maestros'], verbs: ['get'] },
    // Maestro's REST API, through its authenticating proxy (maestro/render/rest-proxy.ts): look
    // up (GET) and register (POST) managed clusters as consumers for the mqtt transport.
    {
      apiGroups: ['maestro.multicluster.openshift.io'],
      resources: ['maestros/rest'],
      resourceNames: [MAESTRO_SINGLETON_NAME],
      verbs: ['get', 'create'],
    },
    {
      apiGroups: ['cluster.open-cluster-management.io'],
      resources: ['placements', 'placementdecisions'],
      verbs: READ,
    },
    // The klusterlet-config annotation and the rollout's record: merge patches of metadata only.
    {
      apiGroups: ['cluster.open-cluster-management.io'],
      resources: ['managedclusters'],
      verbs: [...READ, 'patch'],
    },
    // Observer works (ReadOnly) and Maestro agent works (mqtt transport, deleted on rollback) in
    // cluster namespaces; the import controller's works are only read.
    {
      apiGroups: ['work.open-cluster-management.io'],
      resources: ['manifestworks'],
      verbs: [...READ, 'create', 'patch', 'delete'],
    },
    {
      apiGroups: ['addon.open-cluster-management.io'],
      resources: ['managedclusteraddons'],
      verbs: [...READ, 'patch'],
    },
    { apiGroups: ['addon.open-cluster-management.io'], resources: ['clustermanagementaddons'], verbs: READ },
    {
      apiGroups: ['addon.open-cluster-management.io'],
      resources: ['addondeploymentconfigs', 'addontemplates'],
      verbs: ['get'],
    },
    // Derived KlusterletConfigs (created and kept in step); users' configs are only read.
    {
      apiGroups: ['config.open-cluster-management.io'],
      resources: ['klusterletconfigs'],
      verbs: [...READ, 'create', 'patch'],
    },
    { apiGroups: ['multicluster.openshift.io'], resources: ['multiclusterengines'], verbs: READ },
    { apiGroups: ['operator.open-cluster-management.io'], resources: ['clustermanagers'], verbs: ['get'] },
    // Agents' CSRs, only read: whether an agent switched to gRPC registered over gRPC.
    { apiGroups: ['certificates.k8s.io'], resources: ['certificatesigningrequests'], verbs: READ },
    // Frozen membership chunks next to each rollout: a kind of our own, never ConfigMaps (a
    // cluster-wide ConfigMap write would let a stolen token rewrite any namespace's configuration).
    {
      apiGroups: ['maestro.multicluster.openshift.io'],
      resources: ['agentrolloutmemberships'],
      verbs: [...READ, 'create', 'patch'],
    },
    // The AgentRollout admission policy and its binding, applied at start (OLM bundles cannot
    // carry them): these names only. Server-side apply of a missing object is authorized as a
    // create of that name, so `create` is name-restricted too.
    {
      apiGroups: ['admissionregistration.k8s.io'],
      resources: ['validatingadmissionpolicies', 'validatingadmissionpolicybindings'],
      verbs: ['get', 'create', 'patch'],
      resourceNames: ADMISSION_OBJECT_NAMES,
    },
  ],
  namespaced: {
    // The embedded broker's CA, to issue each cluster's agent certificate (mqtt transport), and
    // the CAs that sign Maestro's REST certificate, to verify it when registering consumers.
    maestro: [
      {
        apiGroups: [''],
        resources: ['secrets'],
        verbs: ['get'],
        resourceNames: ['maestro-mqtt-ca', 'maestro-api-ca'],
      },
      {
        apiGroups: [''],
        resources: ['configmaps'],
        verbs: ['get'],
        resourceNames: ['openshift-service-ca.crt'],
      },
    ],
    [IMPORT_CONTROLLER.namespace]: [
      {
        apiGroups: ['apps'],
        resources: ['deployments'],
        verbs: ['get'],
        resourceNames: [IMPORT_CONTROLLER.name],
      },
    ],
  },
};
