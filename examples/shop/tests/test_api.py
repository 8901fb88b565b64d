import io
import json

from shop.api import application


def call(method, path, payload=None):
    body = json.dumps(payload).encode() if payload is not None else b""
    environ = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "CONTENT_LENGTH": str(len(body)),
        "wsgi.input": io.BytesIO(body),
    }
    answer = {}

    def start_response(status, headers):
        answer["status"] = status

    chunks = application(environ, start_response)
    return answer["status"], json.loads(b"".join(chunks))


def test_checkout_without_a_code_charges_the_subtotal():
    status, body = call("POST", "/api/checkout", {"items": [{"sku": "mug", "price": 1200, "quantity": 2}]})
    assert status == "200 OK"
    assert body == {"charged": 2400}


def test_an_empty_cart_is_refused():
    status, body = call("POST", "/api/checkout", {"items": []})
    assert status == "409 Conflict"
    assert body["error"] == "cart is empty at checkout"


def test_a_bad_body_is_a_400():
    status, _ = call("POST", "/api/checkout", {"items": [{"sku": "mug"}]})
    assert status == "400 Bad Request"


def test_unknown_routes_are_404():
    status, _ = call("GET", "/nowhere")
    assert status == "404 Not Found"
