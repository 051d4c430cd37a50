"""Writes app/resources/samples/self-test-label.jpg, the label `pigeonhole --self-test` captures: an envelope for the
self-test's target contact (sandbox seed 11, 25 contracts: the first director with a unique name), with a sender,
a postage mark and the centre's own address under the name.

    python -m tests.support.make_self_test_label
"""

from __future__ import annotations

from pathlib import Path

from tests.support.desk_label_image import encode, label_image

ROOT = Path(__file__).resolve().parents[2]
TARGET = "Rachel Jennifer Davies"  # app.ui.self_test.SAMPLE_NAME
OUT = ROOT / "app" / "resources" / "samples" / "self-test-label.jpg"


def main() -> None:
    image = label_image(
        [TARGET, "Pigeonhole Works", "14 Canal Street", "Manchester M1 3HE"],
        sender=("From: Harbour Stationers", "7 Quay Road, Bristol BS1 4QA"),
        size=(1500, 1000),
    )
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_bytes(encode(image, "JPEG", quality=82))
    print(f"{OUT} ({OUT.stat().st_size // 1024} kB)")


if __name__ == "__main__":
    main()
