export {
  KIND_PLANES,
  NAMESPACE_PLANES,
  OWN_API_GROUP,
  PLANE_ANNOTATION,
  UnknownPlaneError,
  makePlanes,
  planeFor,
  type PlacedObject,
  type PlaneName,
  type Planes,
} from './planes.js';
