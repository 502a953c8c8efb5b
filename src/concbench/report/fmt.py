"""How numbers read wherever a person reads them (terminal, page, claims): a leaf module."""


def seconds(x: float) -> str:
    """A duration in the unit that fits it: 85 ns, 12.3 µs, 45.6 ms, 7.890 s."""
    if x < 1e-6:
        return f"{x * 1e9:.0f} ns"
    if x < 1e-3:
        return f"{x * 1e6:.1f} µs"
    return f"{x * 1e3:.1f} ms" if x < 1 else f"{x:.3f} s"
