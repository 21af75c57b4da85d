import { jest } from '@jest/globals';

// Integration tests start real servers; their steps take seconds, not milliseconds.
jest.setTimeout(180_000);
