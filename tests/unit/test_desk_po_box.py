"""How a PO box is shown at the desk."""

from app.desk.directory import po_box_label


def test_po_box_label() -> None:
    assert po_box_label("123") == "PO box 123"
    assert po_box_label("PO Box 6746") == "PO Box 6746"
    assert po_box_label("P.O. Box 9") == "P.O. Box 9"
    assert po_box_label("  ") == ""
