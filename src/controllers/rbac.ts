/**
 * Every RBAC table of the operator, merged: what `make manifests` writes into `config/rbac/`
 * (and from there into the OLM bundle). A controller that reads or writes something new adds it to
 * its own table; the end-to-end tests run the controllers with only these rules. It lives beside
 * the controller registry because it gathers the controllers' tables (`src/rbac` holds only the
 * types and the merge, which the controllers import).
 */
import { mergeRbacTables, type MergedRbac, type RbacTable } from '../rbac/index.js';
import { runtimeRbac } from '../runtime/rbac.js';
import { consoleRbac } from './console/rbac.js';
import { maestroRbac } from './maestro/rbac.js';
import { rolloutRbac } from './rollout/rbac.js';

/** The tables of every controller and of the runtime. */
export const RBAC_TABLES: readonly RbacTable[] = [runtimeRbac, maestroRbac, rolloutRbac, consoleRbac];

/** The operator's rules with `$OPERATOR_NAMESPACE` set to `operatorNamespace`. */
export function operatorRbac(operatorNamespace: string): MergedRbac {
  return mergeRbacTables(RBAC_TABLES, operatorNamespace);
}
