"""`make bench` end to end with tiny numbers: it runs on a clean clone and writes every key
the benchmark issue asks for, and the plot."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from temporalio.api.common.v1 import Payload
from temporalio.api.enums.v1 import EventType
from temporalio.api.history.v1 import HistoryEvent
from temporalio.client import WorkflowHistory

from bench.bill import actions_in, usd_per_thousand
from bench.paths import payloads_in
from bench.targets import TARGETS, verdicts

ROOT = Path(__file__).parent.parent
KEYS = [
    *(
        f"{side}{metric}_{path}"
        for metric in (
            "events",
            "workflow_tasks",
            "history_bytes",
            "payloads",
            "actions",
            "metered_actions",
            "usd_actions_per_1k",
            "usd_storage_per_1k",
        )
        for side in ("", "bare_")
        for path in ("happy_path", "seed_story", "withdrawal")
    ),
    "crm_extra_migration_events_per_order",
    "crm_delivery_events_per_order",
    "crm_extra_actions_per_order",
    "crm_deliveries_per_order",
    "crm_delivery_lag_p50_ms",
    "crm_delivery_lag_p99_ms",
    "api_migrations_per_s",
    "bare_per_s",
    "throughput_ratio",
    "migrations_per_day_capacity",
    "escalation_p99_s",
    "bare_timer_p99_s",
    "escalation_p99_ratio",
    "burst_escalation_p99_s",
    "burst_bare_timer_p99_s",
    "burst_escalation_p99_ratio",
    "burst_escalation_max_s",
    "query_p99_ms",
    "update_p99_ms",
    "query_p99_ratio",
    "update_p99_ratio",
    "rss_mib_per_1k_open",
    "bare_rss_mib_per_1k_open",
    "cpu_ms_per_migration_worker",
    "bare_http_cpu_ms_per_migration_worker",
    "cpu_ms_per_migration_temporal",
    "bare_http_cpu_ms_per_migration_temporal",
    "scale_start_per_s",
    "bare_scale_start_per_s",
    "letterbox_202_p50_ms",
    "letterbox_202_p99_ms",
    "match_answer_p50_s",
    "match_answer_p99_s",
]


@pytest.mark.timeout(300)
def test_the_benchmark_writes_every_key_and_the_plot(tmp_path: Path) -> None:
    command = [
        sys.executable,
        "-m",
        "bench.run",
        "--n",
        "2",
        "--concurrency",
        "2",
        "--storm",
        "4",
        "--storm-window",
        "8",
        "--burst",
        "3",
        "--matches",
        "4",
        "--match-window",
        "2",
        "--crm-orders",
        "1",
        "--scale",
        "10,20",
        "--results",
        str(tmp_path),
    ]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=280)
    assert done.returncode == 0, done.stderr[-3000:]
    results = json.loads((tmp_path / "latest.json").read_text())
    assert [k for k in KEYS if k not in results] == []
    assert set(results["targets"]) == set(TARGETS)  # every target judged in a full run
    assert all({"ratio", "met"} <= set(v) for v in results["targets"].values())
    assert results["escalation_fired"] == results["bare_timer_fired"] == 4
    assert [p["open"] for p in results["scale_ours"]] == [0, 10, 20]
    assert (tmp_path / "latest.png").read_bytes().startswith(b"\x89PNG")
    assert "api_migrations_per_s" in done.stdout  # the table, with its ratio column
    # Both sandbox modes, each ours against bare in the same mode, printed side by side.
    assert set(results["sandbox"]) == {"on", "off"}
    for mode in results["sandbox"].values():
        assert mode["payloads_happy_path"] > mode["bare_payloads_happy_path"] > 0
        assert mode["worker_cpu_ratio"] > 0 and mode["payloads_ratio"] > 1
    assert "sandbox" in done.stdout
    # The bill: the server's meter sees at least what the history shows (queries besides).
    for path in ("happy_path", "seed_story", "withdrawal"):
        assert results[f"metered_actions_{path}"] >= results[f"actions_{path}"] > 0
        assert results[f"usd_actions_per_1k_{path}"] > 0
    assert results["crm_deliveries_per_order"] >= 3  # created, in progress, completed at least


def test_billable_actions_are_counted_by_temporal_clouds_published_rules() -> None:
    kinds = EventType
    started = HistoryEvent(event_type=kinds.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED)
    timer = HistoryEvent(event_type=kinds.EVENT_TYPE_TIMER_STARTED)
    retried = HistoryEvent(event_type=kinds.EVENT_TYPE_ACTIVITY_TASK_STARTED)
    retried.activity_task_started_event_attributes.attempt = 3  # two retries: three actions
    upsert = HistoryEvent(event_type=kinds.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES)
    fields = upsert.upsert_workflow_search_attributes_event_attributes.search_attributes
    fields.indexed_fields["MigrationStage"].CopyFrom(Payload(data=b"x"))
    fields.indexed_fields["EscalationLevel"].CopyFrom(Payload(data=b"1"))  # one command: one
    versioning = HistoryEvent(event_type=kinds.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES)
    attrs = versioning.upsert_workflow_search_attributes_event_attributes.search_attributes
    attrs.indexed_fields["TemporalChangeVersion"].CopyFrom(Payload(data=b"p"))  # exempt
    markers = [HistoryEvent(event_type=kinds.EVENT_TYPE_MARKER_RECORDED) for _ in range(3)]
    for i, m in enumerate(markers):
        m.marker_recorded_event_attributes.workflow_task_completed_event_id = 4 if i < 2 else 9
    child = HistoryEvent(
        event_type=kinds.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED
    )  # two: the start and the attempted execution
    others = [
        HistoryEvent(event_type=k)
        for k in (
            kinds.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED,
            kinds.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED,
            kinds.EVENT_TYPE_WORKFLOW_TASK_COMPLETED,  # not billed
            kinds.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED,  # billed when started
        )
    ]
    events = [started, timer, retried, upsert, versioning, *markers, child, *others]
    assert actions_in(WorkflowHistory("wf", events)) == 1 + 1 + 3 + 1 + 0 + 2 + 2 + 2
    assert usd_per_thousand(40, 0)["actions"] == 2.0  # 40,000 actions at $50 a million


def test_payloads_are_counted_wherever_an_event_holds_them() -> None:
    event = HistoryEvent()
    started = event.workflow_execution_started_event_attributes
    started.input.payloads.extend([Payload(data=b"request"), Payload(data=b"more")])
    started.memo.fields["key"].CopyFrom(Payload(data=b"memo"))
    started.search_attributes.indexed_fields["Stage"].CopyFrom(Payload(data=b"proposed"))
    event.user_metadata.summary.CopyFrom(Payload(data=b"summary"))
    assert payloads_in(event) == 5


def test_a_target_is_met_by_the_ratio_of_the_same_run_and_skipped_if_unmeasured() -> None:
    results = {
        "api_migrations_per_s": 8.0,
        "bare_http_per_s": 10.0,
        "query_p99_ms": 300.0,
        "bare_query_p99_ms": 100.0,
    }
    judged = verdicts(results)
    assert judged["throughput"] == {"ratio": 0.8, "at_least": 0.8, "met": True}
    assert judged["query_p99"] == {"ratio": 3.0, "at_most": 2.0, "met": False}
    assert "worker_cpu" not in judged  # this run did not measure it
