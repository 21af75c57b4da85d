/**
 * `Maestro.status` and the printer columns that show it. Written by the controller with
 * server-side apply; render supplies transport, database kind and endpoints.
 */
import { z } from 'zod';
import { DATABASE_TYPES, TRANSPORTS } from './maestro-fields.js';
import { conditionSchema, observedGeneration } from './schema.js';

const endpointsSchema = z
  .object({
    rest: z.string().optional().describe('In-cluster URL of the Maestro REST API.'),
    grpc: z.string().optional().describe('In-cluster address of the Maestro gRPC source API.'),
    agents: z
      .string()
      .optional()
      .describe('Address managed-cluster agents dial (gRPC server or MQTT broker), when known.'),
  })
  .describe('Where Maestro can be reached.');

/** `Maestro.status`. Written by the controller with server-side apply. */
export const maestroStatusSchema = z
  .object({
    observedGeneration: observedGeneration('The .metadata.generation the status was computed from.'),
    conditions: z
      .array(conditionSchema)
      .meta({ 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['type'] })
      .optional()
      .describe('Available, Progressing, Degraded, LegacyAddonDetected and InsecureDatabaseConnection.'),
    transport: z.enum(TRANSPORTS).optional().describe('The transport in effect.'),
    databaseType: z.enum(DATABASE_TYPES).optional().describe('The database kind in effect.'),
    endpoints: endpointsSchema.optional(),
  })
  .describe('Observed state of Maestro.');

export type MaestroStatus = z.infer<typeof maestroStatusSchema>;

/** `additionalPrinterColumns` of the CRD. */
export const maestroPrinterColumns = [
  { name: 'Transport', type: 'string', jsonPath: '.status.transport', description: 'Transport in effect.' },
  {
    name: 'Database',
    type: 'string',
    jsonPath: '.status.databaseType',
    description: 'Database kind in effect.',
  },
  {
    name: 'Available',
    type: 'string',
    jsonPath: '.status.conditions[?(@.type=="Available")].status',
    description: 'Whether Maestro is available.',
  },
  {
    name: 'Reason',
    type: 'string',
    jsonPath: '.status.conditions[?(@.type=="Available")].reason',
    description: 'Why Maestro is or is not available.',
  },
  {
    name: 'REST',
    type: 'string',
    jsonPath: '.status.endpoints.rest',
    description: 'In-cluster URL of the REST API.',
    priority: 1,
  },
  { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp', description: 'Age.' },
] as const;
