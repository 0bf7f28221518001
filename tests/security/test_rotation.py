"""Key rotation on a live migration: started under the old key, it goes on under the new one,
its old payloads still open, and the old key alone cannot read what the new one sealed."""

from __future__ import annotations

import base64
import dataclasses
import os
import uuid
from typing import Any

import pytest
from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from domain.commands import Confirm, StartMigration
from domain.models import Stage
from security.codec import KEY_ID, CodecError, EncryptionCodec
from tests.builders import SALES, make_request
from tests.workflows.fakes import FakeSystems
from tests.workflows.steps import eventually
from workflows.line_migration import LineMigrationWorkflow as Wf

K1, K2 = os.urandom(32), os.urandom(32)


def client_with(env: WorkflowEnvironment, codec: EncryptionCodec | None) -> Client:
    converter = dataclasses.replace(pydantic_data_converter, payload_codec=codec)
    base = env.client
    return Client(base.service_client, namespace=base.namespace, data_converter=converter)


def key_ids(node: Any) -> set[str]:
    """Every payload's key id in a history as JSON (metadata values are base64)."""
    if isinstance(node, dict):
        found = {base64.b64decode(node[KEY_ID]).decode()} if KEY_ID in node else set()
        return found.union(*(key_ids(v) for v in node.values()))
    if isinstance(node, list):
        return set().union(*(key_ids(v) for v in node))
    return set()


async def test_a_migration_goes_on_across_a_key_rotation(dev_env: WorkflowEnvironment) -> None:
    systems = FakeSystems()
    old = client_with(dev_env, EncryptionCodec({"k1": K1}, "k1"))
    rotated = client_with(dev_env, EncryptionCodec({"k2": K2, "k1": K1}, "k2"))
    queue, wid = f"tq-{uuid.uuid4()}", f"mig-{uuid.uuid4()}"
    start = StartMigration(line_key="k", sales_agent="dario", request=make_request())
    async with Worker(old, task_queue=queue, workflows=[Wf], activities=systems.activities()):
        await old.start_workflow(Wf.run, start, id=wid, task_queue=queue)
        await eventually(lambda: systems.named("losing_operator.open_order"))

    # A new worker with the rotated keys replays the old history, then seals with k2.
    async with Worker(rotated, task_queue=queue, workflows=[Wf], activities=systems.activities()):
        handle = rotated.get_workflow_handle_for(Wf.run, wid)
        snap = await handle.execute_update(Wf.confirm, Confirm(actor=SALES, channel="phone"))
        assert snap.stage is Stage.CONFIRMED and snap.customer.name == "Mario Rossi"

        raw = await client_with(dev_env, None).get_workflow_handle(wid).fetch_history()
        assert key_ids(raw.to_json_dict()) == {"k1", "k2"}
        assert "Mario Rossi" not in raw.to_json()
        with pytest.raises(CodecError, match="unknown key 'k2'"):  # the old key alone
            await old.get_workflow_handle_for(Wf.run, wid).query(Wf.snapshot)
