"""Rasa's requests to the action server are tried again only when they were never sent."""

from __future__ import annotations

import asyncio

import pytest
from aiohttp import web
from rasa.utils.endpoints import EndpointConfig

import bot.engines  # noqa: F401  (installs the retry, as Rasa's loading of endpoints.yml does)
from bot.engines.action_calls import never_sent
from tests.support.stack import free_port


async def test_a_request_to_an_action_server_still_starting_gets_through() -> None:
    port = free_port()
    calls: list[dict] = []

    async def webhook(request: web.Request) -> web.Response:
        calls.append(await request.json())
        return web.json_response({"events": [], "responses": []})

    async def start_soon() -> web.AppRunner:
        await asyncio.sleep(0.1)  # the first attempt is refused
        app = web.Application()
        app.router.add_post("/webhook", webhook)
        runner = web.AppRunner(app)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", port).start()
        return runner

    starting = asyncio.create_task(start_soon())
    result = await EndpointConfig(f"http://127.0.0.1:{port}/webhook").request(json={"next_action": "x"})
    runner = await starting
    await runner.cleanup()
    assert result == {"events": [], "responses": []} and calls == [{"next_action": "x"}]


async def test_an_action_server_that_answered_with_an_error_is_not_asked_again() -> None:
    port = free_port()
    calls: list[int] = []

    async def webhook(request: web.Request) -> web.Response:
        calls.append(1)
        return web.Response(status=500)

    app = web.Application()
    app.router.add_post("/webhook", webhook)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    try:
        with pytest.raises(Exception) as raised:
            await EndpointConfig(f"http://127.0.0.1:{port}/webhook").request(json={})
    finally:
        await runner.cleanup()
    assert calls == [1] and not never_sent(raised.value)
