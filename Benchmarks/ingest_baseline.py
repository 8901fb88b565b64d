#!/usr/bin/env python3
"""The baseline for `fixloop bench ingest`: a plain Python loader doing the same work.

Reads a PostHog JSON-lines export with `json`, stores each event in SQLite with `sqlite3` (WAL,
synchronous=NORMAL, the same table, key and indexes as Fixloop's store: `scorer.v1` without the time index that
`scorer.v3` drops; INSERT OR IGNORE in transactions of 1,000 events), every property in the event's row as a plain
loader would (Fixloop keeps the session context PostHog repeats on every event once, in a table of its own), then reads the events back grouped by session (or by user, cut at a 30-minute gap), with their
properties as text (Fixloop's reader leaves them undecoded too: only a timeline decodes them), and counts the
sessions. Prints one JSON object.

Usage: python3 ingest_baseline.py EXPORT.jsonl DATABASE.sqlite
"""
import json
import resource
import sqlite3
import sys
import time
from datetime import datetime

IDLE_GAP = 30 * 60
BATCH = 1000


def peak_kib():
    """This process's peak resident size. VmHWM belongs to the process image, while ru_maxrss also counts the
    parent's memory when the parent spawned this process with vfork (as posix_spawn does)."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def timestamp(text):
    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def main(export_path, database_path):
    started = time.perf_counter()
    cpu_started = time.process_time()
    db = sqlite3.connect(database_path)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")  # as Fixloop's store
    db.execute("""CREATE TABLE analytics_event (id TEXT PRIMARY KEY, name TEXT NOT NULL, distinct_id TEXT NOT NULL,
        session_id TEXT, timestamp REAL NOT NULL, properties TEXT NOT NULL, elements_chain TEXT, source TEXT NOT NULL)""")
    db.execute("CREATE INDEX analytics_event_session ON analytics_event(session_id)")
    db.execute("CREATE INDEX analytics_event_sessionless ON analytics_event(distinct_id) WHERE session_id IS NULL")
    read = malformed = stored = 0
    batch = []

    def flush():
        nonlocal stored
        before = db.total_changes
        with db:
            db.executemany("INSERT OR IGNORE INTO analytics_event VALUES (?, ?, ?, ?, ?, ?, ?, ?)", batch)
        stored += db.total_changes - before
        batch.clear()

    with open(export_path, "rb") as export:
        for line in export:
            if not line.strip():
                continue
            read += 1
            try:
                event = json.loads(line)
                properties = event.get("properties") or {}
                if isinstance(properties, str):
                    properties = json.loads(properties)
                batch.append((
                    event["uuid"], event["event"], str(event["distinct_id"]), properties.get("$session_id"),
                    timestamp(event["timestamp"]), json.dumps(properties),
                    event.get("elements_chain") or properties.get("$elements_chain"), "posthog"))
            except (ValueError, KeyError, TypeError, AttributeError):
                malformed += 1
                continue
            if len(batch) >= BATCH:
                flush()
    if batch:
        flush()
    imported = time.perf_counter()

    sessions = 0
    current, events = None, []
    for row in db.execute("SELECT session_id, timestamp, properties FROM analytics_event "
                          "WHERE session_id IS NOT NULL ORDER BY session_id"):
        if row[0] != current and events:
            sessions += 1
            events = []
        current = row[0]
        events.append(row[1])
    if events:
        sessions += 1
    current, times = None, []

    def cut(times):
        times.sort()
        return 1 + sum(1 for a, b in zip(times, times[1:]) if b - a > IDLE_GAP)

    for row in db.execute("SELECT distinct_id, timestamp, properties FROM analytics_event "
                          "WHERE session_id IS NULL ORDER BY distinct_id"):
        if row[0] != current and times:
            sessions += cut(times)
            times = []
        current = row[0]
        times.append(row[1])
    if times:
        sessions += cut(times)
    finished = time.perf_counter()
    cpu_seconds = time.process_time() - cpu_started
    db.close()
    print(json.dumps({
        "read": read, "stored": stored, "malformed": malformed, "sessions": sessions,
        "import_seconds": imported - started, "seconds": finished - started,
        "cpu_seconds": cpu_seconds,
        "peak_kib": peak_kib(),
    }))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
