/**
 * RBAC tables: the shape each controller declares its permissions in, and their merge. The
 * operator's merged tables are gathered in `src/controllers/rbac.ts`.
 */
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
