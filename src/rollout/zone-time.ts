/**
 * Local wall times to instants in an IANA zone, the way RFC 5545 (§3.3.5) asks: a time skipped by a
 * daylight-saving change is read with the offset in force before the change (so 02:30 on the
 * spring-forward day in America/New_York is 03:30 EDT), and a time that occurs twice means the first
 * one (02:30 CEST, not CET, on the autumn day in Europe/Berlin). luxon answers the offset questions.
 */
import { IANAZone, type Zone } from 'luxon';

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

// Zones are immutable data; looking one up builds an Intl formatter, so each is looked up once.
const zones = new Map<string, Zone | null>();

/** The zone named by an IANA identifier, or `null` when there is no such zone. */
export function ianaZone(name: string): Zone | null {
  let zone = zones.get(name);
  if (zone === undefined) {
    const candidate = IANAZone.isValidZone(name) ? IANAZone.create(name) : null;
    zone = candidate !== null && candidate.isValid ? candidate : null;
    zones.set(name, zone);
  }
  return zone;
}

/** Offset of the zone from UTC at an instant, in milliseconds. */
export function offsetAt(zone: Zone, instant: number): number {
  return zone.offset(instant) * MINUTE_MS;
}

/** The wall time an instant shows in the zone. */
export function instantToWall(zone: Zone, instant: number): number {
  return instant + offsetAt(zone, instant);
}

/** The instant of a wall time in the zone, resolving gaps and repeats as RFC 5545 does. */
export function wallToInstant(zone: Zone, wall: number): number {
  const before = offsetAt(zone, wall - DAY_MS);
  const after = offsetAt(zone, wall + DAY_MS);
  const early = wall - before;
  if (before === after) return early;
  const late = wall - after;
  const earlyFits = offsetAt(zone, early) === before;
  const lateFits = offsetAt(zone, late) === after;
  if (earlyFits && lateFits) return Math.min(early, late);
  if (earlyFits) return early;
  if (lateFits) return late;
  // In the gap: the offset before the change, which moves the time forward by the gap's length.
  return early;
}
