#!/usr/bin/env python3
"""Writes the scorer's fixture exports. Deterministic: rerunning gives the same bytes (gzip mtime 0)."""
import csv, gzip, io, json, zipfile

S1 = "0190a1b0-0000-7abc-9def-111111111111"
S3 = "0190a1b0-0000-7abc-9def-333333333333"

def ev(uuid, event, who, ts, **props):
    chain = props.pop("elements_chain", None)
    e = {"uuid": uuid, "event": event, "distinct_id": who, "timestamp": ts, "properties": props}
    if chain is not None:
        e["elements_chain"] = chain
    return e

PAY_CHAIN = ('button.btn.btn-primary:attr__class="btn btn-primary"attr__type="submit"nth-child="3"'
             'nth-of-type="1"text="Start trial";form.signup:attr__id="signup"nth-child="1"nth-of-type="1"')

lines = [
    json.dumps(ev("e-01", "$pageview", "user_1", "2025-06-03T14:00:00.000Z",
                  **{"$session_id": S1, "$current_url": "https://app.example.com/pricing", "$pathname": "/pricing"})),
    json.dumps(ev("e-02", "$autocapture", "user_1", "2025-06-03T14:00:20.000Z",
                  **{"$session_id": S1, "$pathname": "/pricing", "$event_type": "click", "elements_chain": PAY_CHAIN})),
    "",
    '{"event": "$pageview", broken',
    json.dumps(ev("e-03", "$pageview", "user_1", "2025-06-03T14:00:10.000Z",
                  **{"$session_id": S1, "$current_url": "https://app.example.com/signup?plan=pro", "$pathname": "/signup"})),
    json.dumps(ev("e-02", "$autocapture", "user_1", "2025-06-03T14:00:20.000Z",
                  **{"$session_id": S1, "$pathname": "/pricing", "$event_type": "click", "elements_chain": PAY_CHAIN})),
    json.dumps(ev("e-04", "signed_up", "user_1", "2025-06-03T14:01:00.000Z", **{"$session_id": S1})),
    json.dumps(ev("e-05", "$pageview", "user_2", "2025-06-03T15:00:00Z", **{"$pathname": "/home"})),
    json.dumps(ev("e-06", "$pageview", "user_2", "2025-06-03T15:05:00Z", **{"$pathname": "/docs/42"})),
    json.dumps(ev("e-07", "$pageview", "user_2", "2025-06-03T17:00:00Z", **{"$pathname": "/home"})),
    "[1, 2]",
    '{"event": "orphan", "timestamp": "2025-06-03T15:00:00Z"}',
]
text = "\n".join(lines) + "\n"
open("posthog-events.jsonl", "w").write(text)
with open("posthog-events.jsonl.gz", "wb") as raw:
    with gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as gz:
        gz.write(text.encode())

# JSON array: pretty-printed over many lines, one element missing its timestamp, one duplicate,
# a string `properties`, and `$elements_chain` inside properties.
array = [
    ev("a-01", "$pageview", "user_3", "2025-06-04T09:00:00.000Z",
       **{"$session_id": S3, "$pathname": "/projects/123/settings"}),
    {"uuid": "a-02", "event": "$autocapture", "distinct_id": "user_3", "timestamp": "2025-06-04T09:00:30.000Z",
     "properties": json.dumps({"$session_id": S3, "$event_type": "click", "$el_text": "Save",
                               "$elements_chain": 'button:text="Save"nth-child="1"'})},
    {"uuid": "a-03", "event": "$exception", "distinct_id": "user_3",
     "properties": {"$session_id": S3}},
    ev("a-02", "$autocapture", "user_3", "2025-06-04T09:00:30.000Z", **{"$session_id": S3}),
    ev("a-04", "$exception", "user_3", "2025-06-04T09:00:31.000Z",
       **{"$session_id": S3, "$pathname": "/projects/123/settings",
          "$exception_type": "TypeError", "$exception_message": "x is undefined, see \"docs\" [1]"}),
]
open("posthog-events.json", "w").write(json.dumps(array, indent=2))

# CSV export: properties as a JSON string column, elements_chain as a column, a row with a bad timestamp,
# a quoted field with a newline inside.
buf = io.StringIO()
w = csv.writer(buf, lineterminator="\n")
w.writerow(["uuid", "event", "distinct_id", "timestamp", "properties", "elements_chain"])
w.writerow(["c-01", "$pageview", "user_4", "2025-06-05 10:00:00.000000+00:00",
            json.dumps({"$session_id": "s-csv", "$current_url": "https://app.example.com/a/b"}), ""])
w.writerow(["c-02", "$autocapture", "user_4", "2025-06-05 10:00:05.500000+00:00",
            json.dumps({"$session_id": "s-csv", "$event_type": "click"}),
            'a.nav:href="/next"nth-child="1"text="Next,\n page"'])
w.writerow(["c-03", "$pageview", "user_4", "yesterday", json.dumps({"$session_id": "s-csv"}), ""])
w.writerow(["c-04", "$pageleave", "user_4", "2025-06-05T10:01:00Z",
            json.dumps({"$session_id": "s-csv", "$prev_pageview_duration": 55}), ""])
open("posthog-export.csv", "w").write(buf.getvalue())

# Amplitude: a zip of two gzipped JSON-lines files; session_id is epoch ms; one line is broken; -1 = no session.
def amp(uuid, etype, user, t, session, **props):
    return {"uuid": uuid, "event_type": etype, "user_id": user, "device_id": "dev-" + user,
            "session_id": session, "event_time": t, "event_properties": props,
            "server_upload_time": t, "amplitude_id": 1}

hour1 = [
    amp("m-01", "[Amplitude] Page Viewed", "user_5", "2025-06-06 08:00:00.000000", 1749196800000,
        **{"[Amplitude] Page URL": "https://app.example.com/cart", "[Amplitude] Page Path": "/cart"}),
    amp("m-02", "[Amplitude] Element Clicked", "user_5", "2025-06-06 08:00:10.000000", 1749196800000,
        **{"[Amplitude] Element Text": "Checkout"}),
]
hour2 = [
    amp("m-03", "Order Completed", "user_5", "2025-06-06 08:01:00.123000", 1749196800000, revenue=42),
    amp("m-02", "[Amplitude] Element Clicked", "user_5", "2025-06-06 08:00:10.000000", 1749196800000),
    amp("m-04", "server_ping", "user_6", "2025-06-06 09:00:00.000000", -1),
]
def gz_lines(rows, extra=""):
    raw = io.BytesIO()
    with gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as gz:
        gz.write(("\n".join(json.dumps(r) for r in rows) + "\n" + extra).encode())
    return raw.getvalue()
with zipfile.ZipFile("amplitude-export.zip", "w", compression=zipfile.ZIP_DEFLATED) as z:
    for name, data in [("123456_2025-06-06_8#0.json.gz", gz_lines(hour1)),
                       ("123456_2025-06-06_9#0.json.gz", gz_lines(hour2, '{"event_type": \n'))]:
        info = zipfile.ZipInfo(name, date_time=(2025, 6, 6, 10, 0, 0))
        info.compress_type = zipfile.ZIP_DEFLATED
        z.writestr(info, data)

# Segment: track / page / screen / identify, anonymous then identified, one line without a user.
seg = [
    {"type": "page", "messageId": "g-01", "anonymousId": "anon-7", "timestamp": "2025-06-07T12:00:00.000Z",
     "name": "Home", "properties": {"path": "/", "url": "https://example.com/"}},
    {"type": "identify", "messageId": "g-02", "userId": "user_7", "timestamp": "2025-06-07T12:00:05Z",
     "traits": {"plan": "pro"}},
    {"type": "track", "messageId": "g-03", "userId": "user_7", "event": "Order Completed",
     "timestamp": "2025-06-07T12:03:00Z", "properties": {"total": 10}},
    {"type": "screen", "messageId": "g-04", "userId": "user_7", "name": "Activity Feed",
     "timestamp": "2025-06-07T12:02:00Z"},
    {"type": "track", "messageId": "g-05", "event": "Nobody", "timestamp": "2025-06-07T12:02:00Z"},
]
open("segment-events.jsonl", "w").write("\n".join(json.dumps(r) for r in seg) + "\n")
