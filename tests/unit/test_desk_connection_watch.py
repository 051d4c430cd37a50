"""ConnectionWatch on its own (no network): the rules of app.desk.connection with a hand-moved clock."""

from __future__ import annotations

from app.desk.connection import ConnectionWatch, Link
from tests.support.clock import FakeClock


def test_online_only_on_fresh_evidence_and_offline_at_the_first_failure() -> None:
    clock = FakeClock()
    watch = ConnectionWatch(clock=clock)
    assert watch.link() is Link.UNKNOWN and watch.check_due()
    watch.observe(True)
    assert watch.link() is Link.ONLINE and not watch.check_due()
    clock.advance(40)
    assert watch.check_due(), "checked again before the evidence is a minute old"
    clock.advance(21)
    assert watch.link() is Link.UNKNOWN
    watch.observe(True)
    watch.observe(False, "GET x: ConnectionError")
    view = watch.view()
    assert view.link is Link.OFFLINE and "cannot reach Nexudus" in view.problem
    assert watch.retry_delay() == 0, "one failed attempt inside a call does not lengthen the backoff"
    watch.failed("no network")
    assert watch.retry_delay() == 1
    watch.observe(True)
    assert watch.link() is Link.ONLINE and watch.recoveries == 1


def test_a_refusal_holds_until_a_sign_in_or_accepted_work() -> None:
    watch = ConnectionWatch(clock=FakeClock())
    watch.observe(True)
    watch.refused("lacks the CoworkerDelivery-Create role")
    watch.refused("Sending is paused until someone signs in to Nexudus again.")
    assert watch.view().problem == "lacks the CoworkerDelivery-Create role", "the first refusal explains best"
    watch.observe(True)
    assert watch.link() is Link.SIGNED_OUT and not watch.check_due()
    watch.accepted()
    assert watch.link() is Link.ONLINE
    watch.refused("expired")
    before = watch.sign_ins
    watch.signed_in(answered=False)
    assert watch.sign_ins == before + 1 and watch.link() is Link.ONLINE  # the earlier answer is still fresh
