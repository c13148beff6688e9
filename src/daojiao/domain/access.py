"""Who may see and do what (权限): a party only their own case, a court only cases addressed to
it, a mediator only cases assigned to them, an insurer only cases its policies cover."""

from dataclasses import dataclass

from daojiao.domain.case import Case
from daojiao.domain.errors import NotAllowed


@dataclass(frozen=True)
class Principal:
    """A signed-in account. For a party, `key` is the ID number; for the others their id."""

    role: str  # party | mediator | court | insurer | admin
    key: str
    display_name: str = ""

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


def party_ids_of(principal: Principal, case: Case) -> list[str]:
    if principal.role != "party":
        return []
    return [p["party_id"] for p in case.parties if p.get("id_number") == principal.key]


def actor_of(principal: Principal, case: Case) -> str:
    """The actor name this principal acts as on this case, e.g. `party:p1`."""
    if principal.role == "party":
        ids = party_ids_of(principal, case)
        if not ids:
            raise NotAllowed("this is not your case")
        return f"party:{ids[0]}"
    return f"{principal.role}:{principal.key}"


def can_view(principal: Principal, case: Case) -> bool:
    if principal.is_admin:
        return True
    if principal.role == "party":
        return bool(party_ids_of(principal, case))
    if principal.role == "mediator":
        return case.mediator_id == principal.key
    if principal.role == "court":
        return case.court_id == principal.key
    if principal.role == "insurer":
        return principal.key in case.insurers
    return False


def require_view(principal: Principal, case: Case) -> None:
    if not can_view(principal, case):
        raise NotAllowed("you may not see this case")


def membership_keys(case: Case) -> set[str]:
    """The inbox keys under which this case is listed (`by_actor` index)."""
    keys = {f"party:{p['id_number']}" for p in case.parties if p.get("id_number")}
    keys |= {f"insurer:{i}" for i in case.insurers}
    if case.mediator_id:
        keys.add(f"mediator:{case.mediator_id}")
    if case.court_id:
        keys.add(f"court:{case.court_id}")
    return keys
