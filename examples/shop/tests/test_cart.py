import pytest

from shop.cart import Cart
from shop.checkout import CheckoutError, charge


def test_subtotal_counts_quantities():
    cart = Cart()
    cart.add("mug", 1200, quantity=2)
    cart.add("tea", 450)
    assert cart.subtotal() == 2850


def test_total_without_discount_is_the_subtotal():
    cart = Cart()
    cart.add("mug", 1200)
    assert cart.total() == 1200


def test_invalid_discount_is_refused():
    with pytest.raises(ValueError):
        Cart().total(discount_percent=120)


def test_empty_cart_cannot_be_charged():
    with pytest.raises(CheckoutError):
        charge(Cart())
