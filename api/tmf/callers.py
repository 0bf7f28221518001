"""Who may speak TM Forum here: a CRM, whose subject is safe to search visibility by."""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import Depends

from api.auth import Principal, Role
from api.deps import allow, writing
from usecases.errors import Refused

SUBJECT = re.compile(r"^[A-Za-z0-9@._:-]{1,200}$")


def _checked(principal: Principal) -> Principal:
    if not SUBJECT.fullmatch(principal.subject):
        raise Refused(403, "forbidden", "this identity cannot own product orders")
    return principal


def _reading(principal: Annotated[Principal, Depends(allow(Role.CRM))]) -> Principal:
    return _checked(principal)


def _writing(principal: Annotated[Principal, Depends(writing(Role.CRM))]) -> Principal:
    return _checked(principal)


CrmReading = Annotated[Principal, Depends(_reading)]
CrmWriting = Annotated[Principal, Depends(_writing)]  # and one write from its rate limit
