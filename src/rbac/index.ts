/**
 * Every RBAC table of the operator, merged: what `make manifests` writes into `config/rbac/`
 * (and from there into the OLM bundle). A controller that reads or writes something new adds it to
 * its own table; the end-to-end tests run the controllers with only these rules.
 */
import { maestroRbac } from '../controllers/maestro/rbac.js';
import { rolloutRbac } from '../controllers/rollout/rbac.js';
import { runtimeRbac } from '../runtime/rbac.js';
import { mergeRbacTables, type MergedRbac } from './merge.js';
import type { RbacTable } from './types.js';

export {
  mergeRbacTables,
  plainRule,
  OPERATOR_NAMESPACE_PLACEHOLDER,
  RbacTableError,
  VERB_ORDER,
  type MergedRbac,
  type MergedRule,
} from './merge.js';
export { READ, type RbacTable, type Rule, type Verb } from './types.js';

/** The tables of every controller and of the runtime. */
export const RBAC_TABLES: readonly RbacTable[] = [runtimeRbac, maestroRbac, rolloutRbac];

/** The operator's rules with `$OPERATOR_NAMESPACE` set to `operatorNamespace`. */
export function operatorRbac(operatorNamespace: string): MergedRbac {
  return mergeRbacTables(RBAC_TABLES, operatorNamespace);
}
