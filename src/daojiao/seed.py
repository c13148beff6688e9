"""Reference data every installation starts with: the mediator roster and, for the local
product only, the demo sign-in accounts and sample standards."""

from daojiao.adapters.gateways import reference


def seed_reference_data(store, demo_accounts: bool = True) -> None:
    """Idempotent: the roster keeps each mediator's current load."""
    for mediator in reference("roster.json")["mediators"]:
        store.put_mediator(mediator)
    if demo_accounts:
        from daojiao.web_support import hash_password

        accounts = reference("accounts.json")
        missing = [a for a in accounts["accounts"] if store.account(a["username"]) is None]
        if missing:
            # The demo accounts share one published password, so one (slow) hash serves all.
            password_hash = hash_password(accounts["password"])
            for account in missing:
                store.put_account({**account, "password_hash": password_hash})


def demo_accounts() -> list[dict[str, str]]:
    data = reference("accounts.json")
    return [{**a, "password": data["password"]} for a in data["accounts"]]
