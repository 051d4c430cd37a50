"""`pigeonhole match --image` and image lines in `match --batch`, as real commands over a real sandbox and sync."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

from tests.integration.test_match_cli import cli, synced_env
from tests.support.label_images import render_label, s10_number
from tests.unit.test_desk_intake_directory import directory

CENTRE = ("Suite 4, Harbour House", "12 Harbour Street", "LONDON", "EC2A 4BX")


def _label(path: Path, text: str, seed: int, *, sender: list[str] | None = None, tracking: str | None = None) -> Path:
    image = render_label(
        text,
        random.Random(seed),
        sender=sender or ["Barclays Bank UK PLC", "Leicester LE87 2BB"],
        centre=CENTRE,
        tracking=tracking,
        layout="centre",
    )
    image.save(path, "JPEG", quality=88)
    return path


def test_match_image_and_batch_image_lines(sandbox_factory: Any, tmp_path: Path) -> None:
    env = synced_env(sandbox_factory(data=directory()), tmp_path)
    folder = tmp_path / "post"
    folder.mkdir()
    number = s10_number(random.Random(3))
    jane = _label(folder / "jane.jpg", "Jane Doe", 1, tracking=number)

    one = cli(["match", "--image", str(jane), "--json"], env)
    assert one.returncode == 0, one.stderr
    result = json.loads(one.stdout)
    assert result["read_text"] == "Jane Doe"
    assert result["decision"] == "auto"
    assert result["candidates"][0]["contract_id"] == 100
    assert result["tracking"] == number and result["carrier"] == "Royal Mail"

    human = cli(["match", "--image", str(jane)], env)
    assert human.returncode == 0, human.stderr
    assert "Label: Jane Doe" in human.stdout and "Decision: auto" in human.stdout
    assert f"Tracking number: {number} (Royal Mail)" in human.stdout

    # a stranger writing from a customer's address: the sender's company never decides
    _label(folder / "stranger.jpg", "Olivia Pemberton-Quayle", 2, sender=["Zephyr Consulting LLP", "Leeds LS1 4AP"])
    (folder / "broken.jpg").write_bytes(jane.read_bytes()[:2000])
    (folder / "notes.txt").write_text("not a picture", encoding="utf-8")
    batch = folder / "batch.jsonl"
    batch.write_text(
        "".join(
            json.dumps(x) + "\n"
            for x in (
                {"id": "a", "image": "jane.jpg"},
                {"id": "b", "image": "broken.jpg"},
                {"id": "c", "text": "Mary Craig"},
                {"id": "d", "image": str(folder / "stranger.jpg")},
                {"id": "e", "image": "notes.txt"},
                {"id": "f", "image": "missing.jpg"},
            )
        ),
        encoding="utf-8",
    )
    done = cli(["match", "--batch", str(batch), "--json"], env, timeout=300)
    assert done.returncode == 1  # some lines could not be read: said on stderr, the batch went on
    rows = {row["id"]: row for row in map(json.loads, done.stdout.splitlines())}
    assert list(rows) == ["a", "b", "c", "d", "e", "f"]
    assert rows["a"]["read_text"] == "Jane Doe" and rows["a"]["candidates"][0]["contract_id"] == 100
    assert rows["b"]["decision"] == "none" and "damaged" in rows["b"]["error"]
    assert "read_text" not in rows["c"] and rows["c"]["candidates"][0]["contract_id"] == 200
    assert rows["d"]["read_text"] == "Olivia Pemberton-Quayle" and rows["d"]["decision"] != "auto"
    assert "not a picture" in rows["e"]["error"]
    assert "cannot open" in rows["f"]["error"]
    assert "line 2: broken.jpg:" in done.stderr and "Traceback" not in done.stderr

    bad = cli(["match", "--image", str(folder / "broken.jpg")], env)
    assert bad.returncode == 1
    assert "damaged" in bad.stderr and "Traceback" not in bad.stderr
    absent = cli(["match", "--image", str(folder / "nothing.png")], env)
    assert absent.returncode == 1 and "no such file" in absent.stderr
