"""One writer per session: a second writer (this process or another) is refused, naming the holder."""

import os
import signal
import subprocess
import sys
import textwrap

import pytest
from helpers import ROOT, STARTER, workspace

from simulator import services
from simulator.format.actions import parse_action
from simulator.format.scenario import load_scenario
from simulator.storage.lock import SessionLock, SessionLocked, holder, lock_path


def test_second_writer_in_the_same_process_is_refused_and_named(tmp_path):
    ws = workspace(tmp_path)
    session = services.open_session(ws, load_scenario(STARTER), 3, what="room")
    path = session.writer.path
    with pytest.raises(SessionLocked) as caught:
        services.resume(ws, str(path), what="terminal")
    message = str(caught.value)
    assert "room" in message and f"pid {os.getpid()}" in message and "one writer per session" in message
    assert holder(path)["what"] == "room"
    session.writer.close()
    assert holder(path) is None and not lock_path(path).exists()
    again = services.resume(ws, str(path))  # free once the first writer closed
    again.writer.close()


def test_a_writer_in_another_process_is_refused_and_its_crash_frees_the_session(tmp_path):
    ws = workspace(tmp_path)
    session = services.open_session(ws, load_scenario(STARTER), 5)
    path = session.writer.path
    session.writer.close()
    code = textwrap.dedent(f"""
        import sys, time
        from simulator import services
        ws = services.Workspace.at({str(tmp_path)!r})
        s = services.resume(ws, {str(path)!r}, what="terminal")
        print("locked", flush=True)
        time.sleep(60)
    """)
    child = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True, cwd=ROOT)
    try:
        assert child.stdout.readline().strip() == "locked"
        with pytest.raises(SessionLocked) as caught:
            services.resume(ws, str(path), what="room")
        assert f"terminal (pid {child.pid}" in str(caught.value)
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait()
    resumed = services.resume(ws, str(path), what="room")  # the OS released the dead writer's lock
    resumed.act(parse_action({"wait": "5m"}))
    resumed.writer.close()
    replayed = services.load_saved(ws, str(path))
    assert len(replayed.session.steps) == len(resumed.steps)


def test_lock_is_reentrant_free_after_release(tmp_path):
    target = tmp_path / "x.jsonl"
    first = SessionLock(target, "test").acquire()
    with pytest.raises(SessionLocked):
        SessionLock(target, "other").acquire()
    first.release()
    with SessionLock(target, "other") as second:
        assert second.held
    assert not lock_path(target).exists()
