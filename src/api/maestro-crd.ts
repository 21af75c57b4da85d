/**
 * The CustomResourceDefinition of the Maestro kind, built from its zod schemas. `make manifests`
 * writes it to `crds/`; tests check it is structural.
 */
import { crdFor, type CustomResourceDefinition } from './openapi.js';
import {
  MAESTRO_GROUP,
  MAESTRO_KIND,
  MAESTRO_PLURAL,
  MAESTRO_VERSION,
  maestroPrinterColumns,
  maestroRootValidations,
  maestroSpecSchema,
  maestroStatusSchema,
} from './maestro.js';

/** Returns the Maestro CRD (apiextensions.k8s.io/v1, cluster-scoped, status subresource). */
export function maestroCrd(): CustomResourceDefinition {
  return crdFor({
    group: MAESTRO_GROUP,
    kind: MAESTRO_KIND,
    plural: MAESTRO_PLURAL,
    singular: 'maestro',
    scope: 'Cluster',
    categories: ['ocm'],
    versions: [
      {
        name: MAESTRO_VERSION,
        served: true,
        storage: true,
        schema: maestroSpecSchema,
        statusSchema: maestroStatusSchema,
        printerColumns: maestroPrinterColumns,
        validations: maestroRootValidations,
        description:
          'Maestro holds the install settings of Maestro on this hub. It is a singleton named cluster; ' +
          'Maestro is installed only while the MultiClusterEngine enables the maestro component.',
      },
    ],
  });
}
