"""Checkout: turns a cart into a charge."""

from .cart import Cart


class CheckoutError(Exception):
    """A checkout that must not go through; the API answers it with 409."""


def charge(cart: Cart, discount_percent: int = 0) -> int:
    """The amount in cents to charge for `cart` with a discount code worth `discount_percent`.

    Refuses an empty cart, and refuses to charge more than the cart's own total: a discount
    may only ever lower the price.
    """
    if cart.count() == 0:
        raise CheckoutError("cart is empty at checkout")
    amount = cart.total(discount_percent)
    subtotal = cart.subtotal()
    if amount > subtotal:
        raise CheckoutError(
            f"charge of {amount / 100:.2f} is above the cart total {subtotal / 100:.2f}"
        )
    return amount
