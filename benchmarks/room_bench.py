"""The drill room under load: memory per room and per client, and the time from an action to every
screen showing it.

Run with `python benchmarks/room_bench.py [--clients 20] [--rooms 5] [--actions 40]`. It starts
`crisis serve` on a free loopback port in a fresh data directory (a real server process, as a
facilitator would), reads its resident memory from /proc, opens rooms on viral-receipt with
different seeds, connects websocket clients to one room with a mix of roles, and posts actions
(the front line's replies and waits, facilitator notes, an observer's ratings). For each action it
records the time from sending the POST to the moment the last of the clients has received a
state of at least the version the action produced. Target: p95 < 150 ms with 20 clients on
loopback. Linux only (/proc).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parents[1]


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def settle(pid: int, seconds: float = 1.0) -> int:
    await asyncio.sleep(seconds)
    return rss_kib(pid)


async def main(clients: int, rooms: int, actions: int) -> None:
    port = free_port()
    home = tempfile.mkdtemp(prefix="room-bench-")
    proc = subprocess.Popen([sys.executable, "-m", "simulator", "--home", home, "serve", "--port", str(port),
                             "--max-clients", str(max(40, clients + 5))],
                            cwd=ROOT, stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        organiser = ""
        while not organiser:
            line = proc.stderr.readline()
            if not line:
                raise SystemExit("crisis serve exited")
            m = re.search(r"#k=(\S+)", line)
            organiser = m.group(1) if m else ""
        base = f"http://127.0.0.1:{port}"
        async with aiohttp.ClientSession() as http:
            for _ in range(100):
                try:
                    async with http.get(base + "/"):
                        break
                except aiohttp.ClientError:
                    await asyncio.sleep(0.1)
            idle = await settle(proc.pid)
            made = []
            for i in range(rooms):
                async with http.post(base + "/api/rooms", json={"scenario": "viral-receipt", "seed": 100 + i, "drill": True,
                                                               "team": {"agent": "Ana", "pr": "Pat"}},
                                     headers={"Authorization": f"Bearer {organiser}"}) as r:
                    assert r.status == 201, await r.text()
                    made.append(await r.json())
                if i == 0:
                    first_room = await settle(proc.pid)
            with_rooms = await settle(proc.pid)
            room, codes = made[0]["room"], made[0]["codes"]
            api = f"{base}/api/rooms/{room}"
            roles = ["facilitator", "observer", "projector", "agent", "supervisor", "pr", "legal", "executive"]
            sockets = []
            latest = [0] * clients
            arrived = [asyncio.Event() for _ in range(clients)]
            for i in range(clients):
                ws = await http.ws_connect(f"{api}/stream")
                await ws.send_str(json.dumps({"code": codes[roles[i % len(roles)]]}))
                sockets.append(ws)

            async def reader(i, ws):
                async for msg in ws:
                    if msg.type == aiohttp.WSMsgType.TEXT:
                        latest[i] = json.loads(msg.data)["state"]["version"]
                        arrived[i].set()

            readers = [asyncio.create_task(reader(i, ws)) for i, ws in enumerate(sockets)]
            await asyncio.sleep(1.0)
            with_clients = await settle(proc.pid)

            plan = [("agent", {"reply": "We hear you, and we're sorry for how the page handled this. A full update by noon."}),
                    ("facilitator", {"note": "the team is discussing who signs the statement"}),
                    ("agent", {"wait": "5m"}),
                    ("observer", {"rate": {"objective": "acknowledge", "rating": "S", "note": "ok"}})]
            latencies = []
            for n in range(actions):
                role, action = plan[n % len(plan)]
                t0 = time.perf_counter()
                async with http.post(f"{api}/actions", json={"action": action},
                                     headers={"Authorization": f"Bearer {codes[role]}"}) as r:
                    body = await r.json()
                if r.status != 200:
                    continue
                version = body["version"]
                while min(latest) < version:
                    waiting = [arrived[i] for i in range(clients) if latest[i] < version]
                    for event in waiting:
                        event.clear()
                    await asyncio.wait([asyncio.create_task(e.wait()) for e in waiting], timeout=5)
                latencies.append((time.perf_counter() - t0) * 1000)
            for task in readers:
                task.cancel()
            for ws in sockets:
                await ws.close()
    finally:
        os.killpg(proc.pid, signal.SIGINT)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
    lat = sorted(latencies)
    print(f"server idle:                  {idle / 1024:8.1f} MiB resident")
    print(f"first room (audience built):  {(first_room - idle) / 1024:8.1f} MiB")
    if rooms > 1:
        print(f"each further room:            {(with_rooms - first_room) / 1024 / (rooms - 1):8.1f} MiB  ({rooms} rooms, different seeds)")
    print(f"per connected client:         {(with_clients - with_rooms) / clients:8.1f} KiB  ({clients} websockets on one room)")
    print(f"action -> all {clients} screens:    p50 {statistics.median(lat):6.1f} ms   p95 {lat[int(0.95 * (len(lat) - 1))]:6.1f} ms   "
          f"max {lat[-1]:6.1f} ms   ({len(lat)} actions; target p95 < 150 ms)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--rooms", type=int, default=5)
    parser.add_argument("--actions", type=int, default=40)
    a = parser.parse_args()
    asyncio.run(main(a.clients, a.rooms, a.actions))
