"""Checkout: turns a cart into a charge."""

from .cart import Cart


class CheckoutError(Exception):
    pass


def charge(cart: Cart, discount_percent: int = 0) -> int:
    if cart.count() == 0:
        raise CheckoutError("cart is empty at checkout")
    return cart.total(discount_percent)
