/**
 * What the console needs beyond the runtime's reviews (see `src/rbac/types.ts`): its OpenShift
 * Route in the operator's namespace, applied at start with `--console-route` (server-side apply
 * creates it through a named patch), that one object only. Users' actions are written with their
 * own tokens and need nothing here.
 */
import { CONSOLE_ROUTE_NAME } from '../../api/console-route.js';
import type { RbacTable } from '../../rbac/types.js';

export const consoleRbac: RbacTable = {
  component: 'console',
  cluster: [],
  namespaced: {
    $OPERATOR_NAMESPACE: [
      {
        apiGroups: ['route.openshift.io'],
        resources: ['routes'],
        verbs: ['create', 'patch'],
        resourceNames: [CONSOLE_ROUTE_NAME],
      },
    ],
  },
};
