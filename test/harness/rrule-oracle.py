#!/usr/bin/env python3
"""The reference side of the RRULE differential test: python-dateutil (a maintained RFC 5545
implementation) expands each rule on wall times, and Python's zoneinfo turns wall times into
instants with fold=0, which is RFC 5545's reading of local times: a time in a daylight-saving gap
takes the offset from before the gap, a repeated time its first occurrence.

Input (stdin): a JSON list of cases
  {"rule": "FREQ=...", "dtstart": "2024-03-31T02:30:00", "zone": "Europe/Berlin",
   "until": null | {"kind": "instant", "iso": "...Z"} | {"kind": "wall", "iso": "..."},
   "fromOffsetMs": ms, "spanMs": ms, "max": n}
Output (stdout): a JSON list, per case, of {"dtstart", "from", "to", "occurrences"} or {"error"}.
DTSTART is first moved to the rule's first occurrence (RFC 5545 leaves a set whose DTSTART does
not match its rule undefined); the range is [instant of that DTSTART + fromOffsetMs, + spanMs), and
the occurrences are the opening instants (ms since the epoch) in it, in order, at most max.

UNTIL is applied here rather than by dateutil because dateutil compares it on the same clock as
DTSTART (wall or aware); RFC 5545 compares a UTC UNTIL with instants and a local UNTIL with wall times.
"""
import json
import signal
import sys
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from dateutil.rrule import rrulestr

EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def instant_ms(wall, zone):
    aware = wall.replace(tzinfo=zone, fold=0)
    return (aware - EPOCH) // timedelta(milliseconds=1)


def expand(case):
    zone = ZoneInfo(case["zone"])
    # dateutil walks up to year 9999 looking for an occurrence that never comes (a rule that never
    # occurs, or no more after COUNT): every walk here is bounded by an UNTIL of its own.
    start = datetime.fromisoformat(case["dtstart"])
    first = next(iter(rrulestr(case["rule"], dtstart=start).replace(until=start + timedelta(days=366 * 30))), None)
    if first is None:
        return {"error": "the rule does not occur within 30 years"}
    until = case.get("until")
    frm = instant_ms(first, zone) + case["fromOffsetMs"]
    to = frm + case["spanMs"]
    limit = case["max"]
    out = []
    # Wall times within a day of the range bound every instant in it (offsets are under 24 h).
    stop_wall = datetime.fromtimestamp(to / 1000, tz=timezone.utc).replace(tzinfo=None) + timedelta(days=1)
    rule = rrulestr(case["rule"], dtstart=first)
    if "COUNT=" not in case["rule"]:
        rule = rule.replace(until=stop_wall)
    for wall in rule:
        if wall > stop_wall:
            break
        if until is not None and until["kind"] == "wall" and wall > datetime.fromisoformat(until["iso"]):
            break
        t = instant_ms(wall, zone)
        if until is not None and until["kind"] == "instant":
            if t > (datetime.fromisoformat(until["iso"].replace("Z", "+00:00")) - EPOCH) // timedelta(milliseconds=1):
                break
        if frm <= t < to:
            out.append(t)
            if len(out) >= limit:
                break
    return {"dtstart": first.isoformat(), "from": frm, "to": to, "occurrences": out}


class Timeout(Exception):
    pass


def on_alarm(_signum, _frame):
    raise Timeout()


def main():
    # dateutil checks UNTIL only when a period yields a candidate, so a rule that never occurs (a
    # BYSETPOS beyond its set, say) walks period by period up to year 9999: each case gets a time
    # budget, and one that exceeds it is reported as such (the test bounds how many may).
    signal.signal(signal.SIGALRM, on_alarm)
    budget = float(sys.argv[1]) if len(sys.argv) > 1 else 0.5
    cases = json.load(sys.stdin)
    results = []
    for case in cases:
        signal.setitimer(signal.ITIMER_REAL, budget)
        try:
            results.append(expand(case))
        except Timeout:
            results.append({"error": "timeout"})
        except Exception as e:  # a rule dateutil refuses is reported, not fatal
            results.append({"error": f"{type(e).__name__}: {e}"})
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
    json.dump(results, sys.stdout)


if __name__ == "__main__":
    main()
