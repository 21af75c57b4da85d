export {
  KIND_PLANES,
  NAMESPACE_PLANES,
  OWN_API_GROUP,
  PLANE_ANNOTATION,
  UnknownPlaneError,
  planeFor,
  type PlacedObject,
  type PlaneName,
} from '../api/planes.js';
export { makePlanes, type Planes } from './planes.js';
