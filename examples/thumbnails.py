"""A CPU-bound job: thumbnails with Pillow (its C code releases the GIL while it resizes).

    concbench run --job thumbnails:thumbnail --job-setup thumbnails:load --items 32

`load` runs once in every process or interpreter, before the clock (as loading a model or opening
a connection would); `thumbnail(i)` turns the source image by i degrees, shrinks it and returns the
PNG bytes (concbench checks every model's bytes against the sync model's).
"""

import threading
from io import BytesIO

from PIL import Image

SOURCE: Image.Image | None = None
OWN = threading.local()


def load() -> None:
    """The source image: a 1600 × 1200 gradient, made once per process or interpreter."""
    global SOURCE
    gradient = Image.linear_gradient("L").resize((1600, 1200))
    flipped = gradient.transpose(Image.Transpose.FLIP_LEFT_RIGHT)
    SOURCE = Image.merge("RGB", (gradient, gradient.rotate(90), flipped))


def thumbnail(i: int) -> bytes:
    assert SOURCE is not None, "run with --job-setup thumbnails:load"
    return _thumbnail(SOURCE, i)


def thumbnail_own_copy(i: int) -> bytes:
    """The same from this thread's own copy of the source. On 3.14t Pillow locks an image while it
    works on it, so threads that share one source image take turns (on the GIL build they do not:
    Pillow releases the GIL around its C loops)."""
    if not hasattr(OWN, "source"):
        OWN.source = SOURCE.copy()
    return _thumbnail(OWN.source, i)


def _thumbnail(source: Image.Image, i: int) -> bytes:
    image = source.rotate(i % 360, resample=Image.Resampling.BICUBIC)
    image.thumbnail((320, 240), Image.Resampling.LANCZOS)
    out = BytesIO()
    image.save(out, "PNG")
    return out.getvalue()
