"""The task-neutral timeline: position, live streaming, playback and the control bar."""

from __future__ import annotations

from PySide6.QtCore import Qt

from app.timeline import Playback, TimelineBar


def test_seek_is_clamped_to_the_steps_available(qtbot):
    pb = Playback()
    pb.reset(total=10, live=True)
    pb.set_available(4)
    pb.seek(7)
    assert pb.position == 4
    pb.seek(-3)
    assert pb.position == 0
    pb.step_forward()
    pb.step_forward()
    assert pb.position == 2
    pb.step_back()
    assert pb.position == 1
    pb.last()
    assert pb.position == 4
    pb.first()
    assert pb.position == 0


def test_live_playback_waits_for_steps_then_stops_at_the_end(qtbot):
    pb = Playback()
    pb.set_speed(30)
    pb.reset(total=3, live=True)
    pb.play()
    assert pb.playing, "playing may start before the first step arrives"
    qtbot.wait(120)
    assert pb.playing and pb.position == 0
    pb.set_available(2, total=3)
    qtbot.waitUntil(lambda: pb.position == 2, timeout=2000)
    assert pb.playing, "still live: playback waits for step 3"
    pb.set_available(3)
    pb.finish()
    qtbot.waitUntil(lambda: not pb.playing, timeout=2000)
    assert pb.position == 3


def test_finish_after_a_stop_shortens_the_run(qtbot):
    pb = Playback()
    pb.reset(total=10, live=True)
    pb.set_available(4)
    pb.finish()
    assert (pb.available, pb.total, pb.live) == (4, 4, False)


def test_play_at_the_end_restarts_from_the_beginning(qtbot):
    pb = Playback()
    pb.reset(total=2)
    pb.set_available(2)
    pb.finish()
    pb.last()
    pb.play()
    assert pb.playing and pb.position == 0
    pb.pause()
    empty = Playback()
    empty.play()
    assert not empty.playing


def test_bar_shows_step_i_of_n_and_drives_the_playback(qtbot):
    pb = Playback()
    bar = TimelineBar(pb)
    qtbot.addWidget(bar)
    bar.show()
    pb.reset(total=8, live=True)
    pb.set_available(5)
    assert bar.label.text() == "Step 0 / 8"
    assert bar.slider.maximum() == 5
    bar.slider.setValue(3)
    assert pb.position == 3
    assert bar.label.text() == "Step 3 / 8"
    qtbot.mouseClick(bar.buttons["forward"], Qt.MouseButton.LeftButton)
    assert pb.position == 4
    qtbot.mouseClick(bar.buttons["first"], Qt.MouseButton.LeftButton)
    assert pb.position == 0 and not bar.first_action.isEnabled()
    qtbot.mouseClick(bar.buttons["play"], Qt.MouseButton.LeftButton)
    assert pb.playing and bar.play_action.text() == "Pause"
    qtbot.mouseClick(bar.buttons["play"], Qt.MouseButton.LeftButton)
    assert not pb.playing
    bar.set_speed(7)
    assert pb.speed == 8.0 and bar.speed.currentData() == 8.0
    bar.set_colour("#ffffff")
