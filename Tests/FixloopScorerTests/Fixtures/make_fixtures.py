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
# The same entries stored without compression, with a folder entry, as some tools write them.
with zipfile.ZipFile("amplitude-export.zip") as source, \
        zipfile.ZipFile("amplitude-export-stored.zip", "w", compression=zipfile.ZIP_STORED) as z:
    z.writestr(zipfile.ZipInfo("export/", date_time=(2025, 6, 6, 10, 0, 0)), b"")
    for info in source.infolist():
        stored = zipfile.ZipInfo("export/" + info.filename, date_time=info.date_time)
        z.writestr(stored, source.read(info.filename))

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

# One rich web session in the shapes of the reference examples: dwell from $pageleave and
# $prev_pageview_duration, autocapture clicks with an elements chain, dead and rage clicks, a $exception_list
# with frames, a flat legacy exception, poor web vitals, repeated product events, and a goal milestone.
SR = "0190a1b0-0000-7abc-9def-999999999999"
def rich(n, event, ts, **props):
    props = {"$session_id": SR, "$lib": "web", "$browser": "Chrome", **props}
    return ev("r-%02d" % n, event, "user_9", "2025-06-03T14:%s.000Z" % ts, **props)
CHECKOUT = "https://app.example.com/checkout?step=payment"
rich_events = [
    rich(1, "$pageview", "02:00", **{"$current_url": "https://app.example.com/cart/8f14e45fceea167a5a36dedd4bea2543", "$pageview_id": "p1"}),
    rich(2, "$pageview", "02:41", **{"$current_url": CHECKOUT, "$pathname": "/checkout", "$pageview_id": "p2",
                                    "$prev_pageview_duration": 38.2}),
    rich(3, "$web_vitals", "02:46", **{"$current_url": CHECKOUT, "$web_vitals_LCP_value": 3912.4,
                                      "$web_vitals_LCP_event": {"name": "LCP", "value": 3912.4, "rating": "poor"},
                                      "$web_vitals_CLS_value": 0.02}),
    rich(4, "$dead_click", "03:39", **{"$current_url": CHECKOUT, "$event_type": "click", "$el_text": "Apply coupon"}),
    rich(5, "$autocapture", "03:40", **{"$current_url": CHECKOUT, "$event_type": "click",
                                       "elements_chain": 'button.btn:attr__aria-label="Pay"text="Pay now";form.payment-form'}),
    rich(6, "$autocapture", "03:41", **{"$current_url": CHECKOUT, "$event_type": "click",
                                       "elements_chain": 'button.btn:attr__aria-label="Pay"text="Pay now";form.payment-form'}),
    rich(7, "$exception", "03:41", **{"$current_url": CHECKOUT, "$exception_list": [{
        "type": "TypeError", "value": "Cannot read properties of undefined (reading 'total') for jane.doe@example.com",
        "mechanism": {"type": "onunhandledrejection", "handled": False},
        "stacktrace": {"type": "raw", "frames": [
            {"filename": "https://app.example.com/assets/vendor-91c2.js", "function": "Array.forEach", "lineno": 2, "in_app": False},
            {"filename": "https://app.example.com/assets/checkout-3f9a.js", "function": "confirmOrder", "lineno": 1, "in_app": True},
            {"filename": "https://app.example.com/assets/vendor-91c2.js", "function": "r", "lineno": 2, "in_app": False}]}}]}),
    rich(8, "$rageclick", "03:43", **{"$current_url": CHECKOUT, "$el_text": "Pay now"}),
    rich(9, "$exception", "03:50", **{"$pathname": "/checkout", "$exception_type": "NetworkError",
                                     "$exception_message": "POST /api/orders failed with 500"}),
    rich(10, "$pageleave", "04:02", **{"$current_url": CHECKOUT, "$prev_pageview_duration": 81.0}),
    rich(11, "$pageview", "05:00", **{"$pathname": "/orders/123", "$pageview_id": "p3"}),
    rich(12, "order_viewed", "05:10"),
    rich(13, "order_viewed", "05:20"),
    rich(14, "checkout_completed", "05:30"),
    rich(15, "$feature_flag_called", "05:31"),
]
open("posthog-rich-session.jsonl", "w").write("\n".join(json.dumps(e) for e in rich_events) + "\n")
