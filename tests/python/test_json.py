"""JSON answers become Python objects of the right types, text intact: the
daemon's escapes (Go writes <, > and & as \\u escapes), non-ASCII text, nulls,
booleans and integers, through the sync and the asyncio client."""

from __future__ import annotations

import asyncio

import libdocker
from conftest import TEST_LABEL

LABEL = 'é ✓ 🐳 <a&b> "quoted" back\\slash\ttab'


def check_inspect(inspect: dict) -> None:
    assert inspect["Config"]["Labels"]["text"] == LABEL
    assert inspect["Config"]["Env"] == ["GREETING=grüß dich"]
    state = inspect["State"]
    assert state["Running"] is False and state["Status"] == "created"
    assert type(state["Pid"]) is int and state["Pid"] == 0
    assert inspect["HostConfig"]["Memory"] == 64 * 1024 * 1024


def check_listed(listed: list, cid: str) -> None:
    assert [c["Id"] for c in listed] == [cid]
    entry = listed[0]
    assert entry["Labels"]["text"] == LABEL
    assert type(entry["Created"]) is int and entry["Created"] > 1_600_000_000
    assert entry["Names"][0].startswith("/")
    bridge = entry["NetworkSettings"]["Networks"]["bridge"]
    assert bridge["IPAMConfig"] is None and bridge["IPPrefixLen"] == 0


def test_json_answers_keep_text_and_types(docker, make_container):
    cid = make_container(
        ["true"],
        Labels={TEST_LABEL: "1", "text": LABEL},
        Env=["GREETING=grüß dich"],
        HostConfig={"Memory": 64 * 1024 * 1024},
    )
    check_inspect(docker.invoke("ContainerInspect", {"id": cid}))
    filters = {"id": [cid]}
    check_listed(docker.invoke("ContainerList", {"all": True, "filters": filters}), cid)

    async def main() -> None:
        adocker = libdocker.AsyncDocker(docker.host)
        check_inspect(await adocker.invoke("ContainerInspect", {"id": cid}))
        listed = await adocker.invoke("ContainerList", {"all": True, "filters": filters})
        check_listed(listed, cid)

    asyncio.run(main())
