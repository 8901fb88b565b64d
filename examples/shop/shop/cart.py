"""Cart arithmetic. Prices are integers in cents."""

from dataclasses import dataclass, field


@dataclass
class Item:
    sku: str
    price: int
    quantity: int = 1


@dataclass
class Cart:
    items: list = field(default_factory=list)

    def add(self, sku: str, price: int, quantity: int = 1) -> None:
        if price < 0 or quantity < 1:
            raise ValueError(f"invalid item {sku}: price {price}, quantity {quantity}")
        self.items.append(Item(sku, price, quantity))

    def count(self) -> int:
        return sum(item.quantity for item in self.items)

    def subtotal(self) -> int:
        total = 0
        for item in self.items:
            total += item.price * item.quantity
        return total

    def total(self, discount_percent: int = 0) -> int:
        """The amount to charge: the subtotal less the discount, rounded to the cent."""
        if not 0 <= discount_percent <= 100:
            raise ValueError(f"discount must be between 0 and 100, got {discount_percent}")
        discount = self.subtotal() * discount_percent // 100
        return self.subtotal() + discount
