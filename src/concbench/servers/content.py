"""What the mock server returns, derived from the item number alone, so clients can check it."""

import hashlib
from typing import Any


def body(i: int, size: int) -> bytes:
    """The bytes /item/{i} returns: the hex SHA-256 of i, repeated and cut to `size`."""
    unit = hashlib.sha256(b"%d" % i).hexdigest().encode()
    return (unit * (size // len(unit) + 1))[:size]


def document(i: int) -> dict[str, Any]:
    """The JSON document /doc/{i} returns."""
    h = hashlib.sha256(b"doc-%d" % i).hexdigest()
    return {
        "id": i,
        "name": f"item-{i}",
        "tags": [h[k : k + 4] for k in range(0, 32, 4)],
        "value": i * 7 % 1009,
    }
