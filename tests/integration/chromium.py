"""Headless Chromium driven over the DevTools protocol: load a page, measure, screenshot."""

from __future__ import annotations

import asyncio
import base64
import json
import shutil
import subprocess
import time
from pathlib import Path
from typing import Any

import httpx
import websockets

from cli.ports import free_port


def chromium_path() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


class Chromium:
    def __init__(self, profile_dir: Path) -> None:
        self.port = free_port()
        binary = chromium_path()
        assert binary, "chromium is not installed (make test installs it)"
        self.proc = subprocess.Popen(
            [
                binary,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--disable-quic",
                # Nothing but this machine resolves: the page must need no network.
                "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
                f"--user-data-dir={profile_dir}",
                f"--remote-debugging-port={self.port}",
                "--window-size=1280,2000",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 30
        while True:
            try:
                targets = httpx.get(f"http://127.0.0.1:{self.port}/json/list", timeout=1).json()
                pages = [t for t in targets if t.get("type") == "page"]
                if pages:
                    self.ws_url = pages[0]["webSocketDebuggerUrl"]
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise TimeoutError("chromium did not start")
            time.sleep(0.2)

    def close(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()

    def inspect(self, url: str, script: str) -> tuple[Any, bytes, list[str]]:
        """(the script's JSON result, a full-page PNG, every URL the page requested)."""
        return asyncio.run(self._inspect(url, script))

    async def _inspect(self, url: str, script: str) -> tuple[Any, bytes, list[str]]:
        requested: list[str] = []
        async with websockets.connect(self.ws_url, max_size=64 * 2**20) as ws:
            counter = 0

            async def call(method: str, **params: Any) -> dict[str, Any]:
                nonlocal counter
                counter += 1
                my_id = counter
                await ws.send(json.dumps({"id": my_id, "method": method, "params": params}))
                while True:
                    message = json.loads(await ws.recv())
                    if message.get("method") == "Network.requestWillBeSent":
                        requested.append(message["params"]["request"]["url"])
                    if message.get("id") == my_id:
                        return dict(message.get("result", {}))

            await call("Network.enable")
            await call("Page.enable")
            await call("Page.navigate", url=url)
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                message = json.loads(await ws.recv())
                if message.get("method") == "Network.requestWillBeSent":
                    requested.append(message["params"]["request"]["url"])
                if message.get("method") == "Page.loadEventFired":
                    break
            result = await call("Runtime.evaluate", expression=script, returnByValue=True)
            shot = await call("Page.captureScreenshot", format="png", captureBeyondViewport=True)
        value = json.loads(result["result"]["value"])
        return value, base64.b64decode(shot["data"]), requested
