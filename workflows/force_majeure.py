"""The one registry of force-majeure declarations: supervisors declare and revoke through it,
and it carries each to the running migrations of the area, durably (an activity retried
until done); migrations that start later read what is in force when they start."""

from __future__ import annotations

from datetime import datetime, timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ApplicationError

with workflow.unsafe.imports_passed_through():
    from activities.messages import FanOut, FanOutResult
    from domain.commands import RefusalKind
    from domain.force_majeure import FAN_OUT_ACTIVITY, SETTLE, VISIBILITY_LAG
    from domain.models import Declaration, Model
    from domain.words.staff import when

REGISTRY_ID = "force-majeure-registry"
# Starts take the declarations from their API process's copy of the register, so each change
# is carried twice: at once, and once every copy is too old to trust (see SETTLE).
SECOND_PASS_PATCH = "second-fan-out-pass"
# Listing an area's migrations and signalling each: minutes for thousands of them.
FAN_OUT_TIMEOUT = timedelta(minutes=10)
FAN_OUT_RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=1), maximum_interval=timedelta(minutes=1)
)


class Registry(Model):
    """The registry's input: empty at first, its whole state across a continue-as-new."""

    declarations: list[Declaration] = []
    pending: list[Declaration] = []  # declared or revoked, not yet carried to migrations


class Declare(Model):
    area: str
    start: datetime
    end: datetime
    reason: str
    by: str


class Revoke(Model):
    declaration_id: str
    by: str


class Declarations(Model):
    items: list[Declaration]


@workflow.defn
class ForceMajeureRegistry:
    @workflow.init
    def __init__(self, registry: Registry) -> None:
        self._declarations = list(registry.declarations)
        self._pending = list(registry.pending)

    @workflow.run
    async def run(self, registry: Registry) -> None:
        while True:
            await workflow.wait_condition(
                lambda: bool(self._pending) or workflow.info().is_continue_as_new_suggested()
            )
            while self._pending:
                d = self._pending[0]
                first_pass = workflow.now()
                await self._fan_out(FanOut(declaration=d), "")
                if workflow.patched(SECOND_PASS_PATCH):
                    wait = first_pass + SETTLE - workflow.now()
                    if wait > timedelta(0):
                        await workflow.sleep(wait, summary="until every start's copy has it")
                    since = first_pass - VISIBILITY_LAG
                    await self._fan_out(FanOut(declaration=d, since=since), ", second pass")
                self._pending.pop(0)
            if workflow.info().is_continue_as_new_suggested():
                await workflow.wait_condition(workflow.all_handlers_finished)
                workflow.continue_as_new(
                    Registry(declarations=self._declarations, pending=self._pending)
                )

    async def _fan_out(self, job: FanOut, which: str) -> None:
        d = job.declaration
        await workflow.execute_activity(
            FAN_OUT_ACTIVITY,
            job,
            result_type=FanOutResult,
            start_to_close_timeout=FAN_OUT_TIMEOUT,
            retry_policy=FAN_OUT_RETRY,
            summary=f"Force majeure {d.declaration_id} in {d.area}: "
            + ("revoked" if d.revoked_at else "declared")
            + which,
        )

    @workflow.query
    def declarations(self) -> Declarations:
        return Declarations(items=self._declarations)

    @workflow.update
    def declare(self, cmd: Declare) -> Declaration:
        d = Declaration(
            declaration_id=f"fm-{len(self._declarations) + 1}",
            area=cmd.area,
            start=cmd.start,
            end=cmd.end,
            reason=cmd.reason,
            by=cmd.by,
        )
        self._declarations.append(d)
        self._pending.append(d)
        return d

    @declare.validator
    def _check_declare(self, cmd: Declare) -> None:
        if cmd.end <= cmd.start:
            raise ApplicationError(
                "a declaration must end after it starts", type=RefusalKind.CONFLICT.value
            )

    @workflow.update
    def revoke(self, cmd: Revoke) -> Declaration:
        self._check_revoke(cmd)
        revoked = next(d for d in self._declarations if d.declaration_id == cmd.declaration_id)
        revoked = revoked.model_copy(update={"revoked_at": workflow.now()})
        self._declarations = [
            revoked if d.declaration_id == cmd.declaration_id else d for d in self._declarations
        ]
        self._pending.append(revoked)
        return revoked

    @revoke.validator
    def _check_revoke(self, cmd: Revoke) -> None:
        found = next(
            (d for d in self._declarations if d.declaration_id == cmd.declaration_id), None
        )
        if found is None:
            raise ApplicationError(
                f"no declaration {cmd.declaration_id}", type=RefusalKind.NOT_FOUND.value
            )
        if found.revoked_at is not None:
            raise ApplicationError(
                f"{cmd.declaration_id} was already revoked at {when(found.revoked_at)}",
                type=RefusalKind.CONFLICT.value,
            )
