"""The cost targets, each a ratio of ours to bare measured in the same run, and whether this
run met it: `latest.json` says which hold without anyone reading tables."""

from __future__ import annotations

from typing import Any

# name: (ours key, bare key, at most or at least, limit). The CPU and throughput ratios take
# the bare worker whose activities make the same HTTP calls as ours: like against like.
TARGETS: dict[str, tuple[str, str, str, float]] = {
    "escalation_p99_spread": ("escalation_p99_s", "bare_timer_p99_s", "at_most", 1.5),
    "escalation_p99_burst": ("burst_escalation_p99_s", "burst_bare_timer_p99_s", "at_most", 1.5),
    "throughput": ("api_migrations_per_s", "bare_http_per_s", "at_least", 0.8),
    "worker_cpu": (
        "cpu_ms_per_migration_worker",
        "bare_http_cpu_ms_per_migration_worker",
        "at_most",
        1.3,
    ),
    "server_cpu": (
        "cpu_ms_per_migration_temporal",
        "bare_http_cpu_ms_per_migration_temporal",
        "at_most",
        1.2,
    ),
    "history_bytes": ("history_bytes_happy_path", "bare_history_bytes_happy_path", "at_most", 2.0),
    "query_p99": ("query_p99_ms", "bare_query_p99_ms", "at_most", 2.0),
    "start_rate_at_largest_scale": ("scale_start_per_s", "bare_scale_start_per_s", "at_least", 0.8),
}


def verdicts(results: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Every target whose two sides this run measured: the ratio, the limit, met or not."""
    out: dict[str, dict[str, Any]] = {}
    for name, (ours, bare, sense, limit) in TARGETS.items():
        if not results.get(ours) or not results.get(bare):
            continue  # a phase not run, or a side with nothing to divide by
        ratio = round(results[ours] / results[bare], 2)
        met = ratio <= limit if sense == "at_most" else ratio >= limit
        out[name] = {"ratio": ratio, sense: limit, "met": met}
    return out
