"""The shop's HTTP API, as a plain WSGI application (serve it with any WSGI server).

POST /api/checkout with a JSON body {"items": [{"sku", "price", "quantity"}], "discount_percent"}
answers {"charged": cents}, 409 with {"error"} when the checkout is refused, 400 for a bad body.
"""

import json

from .cart import Cart
from .checkout import CheckoutError, charge


def _answer(start_response, status, payload):
    body = json.dumps(payload).encode()
    start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
    return [body]


def _read_json(environ):
    length = int(environ.get("CONTENT_LENGTH") or 0)
    return json.loads(environ["wsgi.input"].read(length) or b"{}")


def _cart_from(order):
    cart = Cart()
    for item in order.get("items", []):
        cart.add(item["sku"], int(item["price"]), int(item.get("quantity", 1)))
    return cart


def checkout(environ, start_response):
    """POST /api/checkout."""
    try:
        order = _read_json(environ)
        cart = _cart_from(order)
        discount_percent = int(order.get("discount_percent", 0))
    except (ValueError, KeyError, TypeError) as error:
        return _answer(start_response, "400 Bad Request", {"error": str(error)})
    try:
        amount = charge(cart, discount_percent)
    except CheckoutError as error:
        return _answer(start_response, "409 Conflict", {"error": str(error)})
    return _answer(start_response, "200 OK", {"charged": amount})


def application(environ, start_response):
    if environ.get("PATH_INFO") == "/api/checkout" and environ.get("REQUEST_METHOD") == "POST":
        return checkout(environ, start_response)
    return _answer(start_response, "404 Not Found", {"error": "no such route"})
