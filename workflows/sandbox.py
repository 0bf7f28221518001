"""The sandbox every worker and replayer runs the migration workflow in.

Temporal re-imports a workflow's module for every new run, to isolate its state; modules it
passes through are shared instead. Ours are pure or hold only constants, so re-importing them
per run (compiling them again, where no bytecode is cached) would be CPU spent for nothing:
the profile of a run showed a tenth of the worker's time there. Only the workflow's own
module is still loaded per run, as the SDK requires.
"""

from __future__ import annotations

from temporalio.worker import UnsandboxedWorkflowRunner, WorkflowRunner
from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner, SandboxRestrictions

SHARED_MODULES = (
    "domain",
    "activities",
    "security",
    "workflows.booking",
    "workflows.effects",
    "workflows.migration_handlers",
    "workflows.search_attributes",
    "workflows.versions",
    "workflows.visibility",
)

RUNNER = SandboxedWorkflowRunner(
    restrictions=SandboxRestrictions.default.with_passthrough_modules(*SHARED_MODULES)
)


def runner(sandbox: bool) -> WorkflowRunner:
    """The sandboxed runner, or none for a deployment that chose to run without it
    (`WORKFLOW_SANDBOX=off`). Tests and the replayer always use `RUNNER`: the determinism
    guard stays on wherever code is checked."""
    return RUNNER if sandbox else UnsandboxedWorkflowRunner()
