"""Small rules of the live panel: one visual update per 5 s with the latest change kept; the idle guard's warning
and close; streaming text cut into clauses and 1000-byte fragments."""

from __future__ import annotations

from desktop.services.idle_guard import Idle, IdleGuard
from desktop.services.stream_composer import StreamComposer, cut
from desktop.services.update_throttle import PictureChange, UpdateThrottle


def change(zoom: float) -> PictureChange:
    return PictureChange(space={"ImagePosition": 0, "ImagePositionVertical": 0, "ImageZoom": zoom})


def test_one_update_per_interval_and_the_latest_wins() -> None:
    throttle = UpdateThrottle(interval_s=5)
    assert throttle.offer(change(1.0), now=100) == 0
    assert throttle.due(100) == change(1.0)
    assert throttle.offer(change(1.1), now=101) > 0 and throttle.due(101) is None  # in flight, then the interval
    throttle.answered()
    throttle.offer(change(1.2), now=102)
    assert throttle.wait(102) == 3 and throttle.due(104.9) is None
    assert throttle.due(105) == change(1.2)  # 1.1 was overtaken: never sent
    throttle.answered()
    assert throttle.due(200) is None


def test_a_refused_update_is_sent_again_after_the_interval() -> None:
    throttle = UpdateThrottle(interval_s=5)
    throttle.offer(change(1.0), now=0)
    sent = throttle.due(0)
    assert sent is not None
    assert throttle.refused(sent, now=1) == 5 and throttle.due(5.9) is None and throttle.due(6) == sent
    throttle.answered()
    throttle.offer(change(2.0), now=20)
    newer = throttle.due(20)
    throttle.offer(change(3.0), now=21)
    assert newer is not None
    throttle.refused(newer, now=21)
    assert throttle.due(26) == change(3.0)  # the newer change, not the refused one


def test_the_idle_guard_warns_then_closes_and_a_drive_starts_again() -> None:
    guard = IdleGuard(close_after_s=600, last_activity=0, warn_before_s=120)
    assert guard.check(479) is Idle.OK
    assert guard.check(480) is Idle.WARN and guard.left(480) == 120
    guard.touch(500)
    assert guard.check(600) is Idle.OK and guard.check(1100) is Idle.CLOSE
    assert IdleGuard(close_after_s=0, last_activity=0).check(10**6) is Idle.OK  # off
    assert IdleGuard(close_after_s=60, last_activity=0, warn_before_s=120).check(29) is Idle.OK  # warns at half


def test_streaming_text_goes_a_clause_at_a_time() -> None:
    composer = StreamComposer()
    assert composer.typed("Hello") == []
    assert composer.typed("Hello, wor") == ["Hello, "]
    assert composer.typed("Hello, world. And") == ["world. "]
    assert composer.typed("Hello, world. And then") == []
    assert composer.finish("Hello, world. And then") == ["And then"]
    assert not composer.started
    composer.typed("你好，世界。再")
    assert composer.sent == len("你好，世界。")
    composer.typed("你")  # cut shorter than what was sent: it cannot be taken back; what comes next is sent
    assert composer.typed("你好吗？") == ["好吗？"]


def test_fragments_stay_under_1000_bytes_without_splitting_a_character() -> None:
    pieces = cut("字" * 700)  # 3 bytes each
    assert [len(piece.encode()) for piece in pieces] == [999, 999, 102]
    assert "".join(pieces) == "字" * 700
    composer = StreamComposer()
    pasted = "A long pasted paragraph, " * 100
    sent = composer.typed(pasted)
    assert all(len(piece.encode()) <= 1000 for piece in sent) and "".join(sent) == pasted
