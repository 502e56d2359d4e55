"""Local accounts and their roles: who may read (viewer), plan (planner) or administer (admin).

Passwords are hashed with Argon2id by argon2-cffi (`PasswordHasher`, its maintained defaults); the
hash never leaves this module. An account may have no password: it logs in through an identity
provider, which maps its e-mail to an account (`user_by_email`).

A wrong login and a wrong password are the same refusal, so that nobody learns which logins exist.
After `MAX_FAILURES` failures for one login (known or not) within `LOCK_WINDOW`, that login is
refused for `LOCK_WINDOW` from the last of them, even with the right password; a success clears
its failures. No account at all (`accounts_configured` false) is the laptop demo: everyone is
admin (`require_role(None, ...)` passes). Once there are accounts, one of them at least is an admin.
"""

from __future__ import annotations

import datetime as dt
import getpass
from dataclasses import dataclass
from functools import lru_cache

import duckdb
import pandas as pd
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from sop_core.common import Message, MessageError
from sop_core.data.store import Store

__all__ = ["LOCK_WINDOW", "MAX_FAILURES", "MIN_PASSWORD_LENGTH", "ROLES", "LoginError", "PermissionDenied", "User",
           "accounts_configured", "acting_name", "add_user", "allow", "can", "check_login", "list_users", "remove_user", "require_role",
           "set_role", "user_by_email"]

ROLES = ("viewer", "planner", "admin")  # each role may do everything the ones before it may
MIN_PASSWORD_LENGTH = 8
MAX_FAILURES = 5
LOCK_WINDOW = dt.timedelta(minutes=15)
USER_COLUMNS = ["login", "display_name", "email", "role", "has_password", "created_at", "created_by"]


class LoginError(MessageError):
    """A login refused: wrong login or password (one message for both), or too many failures."""


class PermissionDenied(MessageError):
    """The account's role does not allow the action; the message names the role needed."""


@dataclass(frozen=True)
class User:
    login: str
    display_name: str
    role: str
    email: str | None = None


@lru_cache(maxsize=1)
def _hasher() -> PasswordHasher:
    return PasswordHasher()


@lru_cache(maxsize=1)
def _decoy_hash() -> str:
    """A hash to verify against when the login is unknown: the refusal then takes as long as for a
    known login with a wrong password."""
    return _hasher().hash("not a password of anybody")


def _role(role: str) -> str:
    if role not in ROLES:
        raise MessageError(Message("users.error.unknown_role", {"role": str(role), "roles": list(ROLES)}))
    return role


def can(role: str, needed_role: str) -> bool:
    """Whether `role` may do what `needed_role` may (admin ⊇ planner ⊇ viewer)."""
    return ROLES.index(_role(role)) >= ROLES.index(_role(needed_role))


def require_role(user: User | None, needed: str) -> None:
    """Refuse with `PermissionDenied` unless `user` has `needed` or a higher role. `None` is the
    installation without accounts (the laptop demo): everyone is admin, so it passes."""
    _role(needed)
    if user is not None and not can(user.role, needed):
        raise PermissionDenied(Message("users.error.permission", {
            "login": user.login, "role": Message(f"users.role.{user.role}"),
            "needed": Message(f"users.role.{needed}")}))


def allow(store: Store, needed: str) -> None:
    """Refuse with `PermissionDenied` unless the user acting on `store` (`Store.act_as`) has
    `needed` or more: every write of the core calls it, whatever button (or script) called it."""
    acting = store.acting()
    require_role(acting if isinstance(acting, User) else None, needed)


def acting_name(store: Store) -> str:
    """Who is writing, for the audit: the signed-in user's login, else the account running the process."""
    acting = store.acting()
    return acting.login if isinstance(acting, User) else getpass.getuser()


def _login(login: str) -> str:
    name = login.strip() if isinstance(login, str) else ""
    if not name:
        raise MessageError(Message("users.error.no_login"))
    return name


def _email(email: str | None) -> str | None:
    if email is None or not email.strip():
        return None
    address = email.strip().lower()
    local, at, domain = address.partition("@")
    if not (local and at and domain) or "@" in domain or any(c.isspace() for c in address):
        raise MessageError(Message("users.error.bad_email", {"email": email}))
    return address


def _password_hash(password: str | None) -> str | None:
    if password is None:
        return None
    if len(password) < MIN_PASSWORD_LENGTH:
        raise MessageError(Message("users.error.short_password", {"min": MIN_PASSWORD_LENGTH}))
    return _hasher().hash(password)


def _admins(cur: duckdb.DuckDBPyConnection) -> tuple[int, int]:
    """How many accounts there are, and how many of them are admins."""
    accounts, admins = cur.execute("SELECT count(*), count(*) FILTER (WHERE role = 'admin') FROM users").fetchall()[0]
    return int(accounts), int(admins)


def add_user(store: Store, login: str, password: str | None, role: str, display_name: str | None = None,
             email: str | None = None, by: str | None = None, now: dt.datetime | None = None) -> User:
    """Create the account `login` with `role`; `password` None: an account without one (it logs in
    through the identity provider, by its e-mail). The first account must be an admin."""
    name, role, address = _login(login), _role(role), _email(email)
    shown = (display_name or "").strip() or name
    hashed = _password_hash(password)
    with store.transaction() as cur:
        if cur.execute("SELECT 1 FROM users WHERE login = ?", [name]).fetchall():
            raise MessageError(Message("users.error.duplicate", {"login": name}))
        if address and cur.execute("SELECT 1 FROM users WHERE email = ?", [address]).fetchall():
            raise MessageError(Message("users.error.duplicate_email", {"email": address}))
        if _admins(cur)[0] == 0 and role != "admin":
            raise MessageError(Message("users.error.first_admin", {"login": name}))
        cur.execute("INSERT INTO users (login, display_name, email, role, password_hash, created_at, created_by) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?)", [name, shown, address, role, hashed, _now(now), by])
    return User(name, shown, role, address)


def _existing_role(cur: duckdb.DuckDBPyConnection, login: str) -> str:
    found = cur.execute("SELECT role FROM users WHERE login = ?", [login]).fetchall()
    if not found:
        raise MessageError(Message("users.error.unknown_user", {"login": login}))
    return str(found[0][0])


def remove_user(store: Store, login: str) -> None:
    """Delete the account `login` (and its failed logins). The last admin goes only with the last
    account: removing every account is going back to the installation without accounts."""
    name = _login(login)
    with store.transaction() as cur:
        role = _existing_role(cur, name)
        accounts, admins = _admins(cur)
        if role == "admin" and admins == 1 and accounts > 1:
            raise MessageError(Message("users.error.last_admin", {"login": name}))
        cur.execute("DELETE FROM users WHERE login = ?", [name])
        cur.execute("DELETE FROM login_failures WHERE login = ?", [name])


def set_role(store: Store, login: str, role: str) -> User:
    """Give the account `login` the role `role` (the last admin stays one)."""
    name, role = _login(login), _role(role)
    with store.transaction() as cur:
        if _existing_role(cur, name) == "admin" and role != "admin" and _admins(cur)[1] == 1:
            raise MessageError(Message("users.error.last_admin", {"login": name}))
        cur.execute("UPDATE users SET role = ? WHERE login = ?", [role, name])
        row = cur.execute("SELECT login, display_name, role, email FROM users WHERE login = ?", [name]).fetchall()[0]
    return _user(row)


def list_users(store: Store) -> pd.DataFrame:
    """Every account by login: login, display_name, email, role, has_password, created_at,
    created_by. Never the password hash."""
    return store.query("SELECT login, display_name, email, role, password_hash IS NOT NULL AS has_password, "
                       "created_at, created_by FROM users ORDER BY login")[USER_COLUMNS]


def accounts_configured(store: Store) -> bool:
    """Whether the installation has accounts (else it is open, everyone admin: the laptop demo)."""
    return bool(store.scalar("SELECT count(*) FROM users"))


def _user(row: tuple[object, ...]) -> User:
    login, display_name, role, email = row
    return User(str(login), str(display_name or login), str(role), None if email is None else str(email))


def user_by_email(store: Store, email: str) -> User | None:
    """The account of `email` (any case), for an identity provider's login; None when none has it."""
    address = (email or "").strip().lower()
    if not address:
        return None
    row = store.row("SELECT login, display_name, role, email FROM users WHERE email = ?", [address])
    return _user(row) if row else None


def _locked_until(cur: duckdb.DuckDBPyConnection, login: str, now: dt.datetime) -> dt.datetime | None:
    """When `login` may try again, if `MAX_FAILURES` of its failures fall within `LOCK_WINDOW` and
    the last of them is less than `LOCK_WINDOW` ago; else None."""
    times = [row[0] for row in cur.execute(
        "SELECT failed_at FROM login_failures WHERE login = ? AND failed_at > ? AND failed_at <= ? ORDER BY failed_at",
        [login, now - 2 * LOCK_WINDOW, now]).fetchall()]
    ends = [times[i] + LOCK_WINDOW for i in range(MAX_FAILURES - 1, len(times))
            if times[i] - times[i - MAX_FAILURES + 1] <= LOCK_WINDOW]
    until = max(ends, default=None)
    return until if until is not None and now < until else None


def _verified(stored: str | None, password: str) -> bool:
    """Whether `password` is the one `stored` was hashed from; with no hash, the decoy is verified
    (and fails) all the same."""
    try:
        return _hasher().verify(stored or _decoy_hash(), password) and stored is not None
    except (VerificationError, InvalidHashError):
        return False


def check_login(store: Store, login: str, password: str, now: dt.datetime | None = None) -> User:
    """The account of `login` if `password` is its password; else `LoginError`, the same for an
    unknown login, a wrong password and an account without a password. A login locked by its
    failures is refused whatever the password, saying when to try again."""
    moment = now or dt.datetime.now()
    name = login.strip() if isinstance(login, str) else ""
    with store.transaction() as cur:
        until = _locked_until(cur, name, moment)
        if until is not None:
            shown = until + (dt.timedelta(minutes=1) if until.second or until.microsecond else dt.timedelta())
            raise LoginError(Message("users.error.locked", {"login": name, "day": shown.date(),
                                                             "time": f"{shown:%H:%M}",
                                                             "minutes": LOCK_WINDOW // dt.timedelta(minutes=1)}))
        found = cur.execute("SELECT login, display_name, role, email, password_hash FROM users WHERE login = ?",
                            [name]).fetchall() if name else []
        stored = str(found[0][4]) if found and found[0][4] is not None else None
        verified = _verified(stored, password if isinstance(password, str) else "")
        if not verified or stored is None:
            cur.execute("DELETE FROM login_failures WHERE failed_at <= ?", [moment - 2 * LOCK_WINDOW])
            cur.execute("INSERT INTO login_failures VALUES (?, ?)", [name, moment])
        else:
            cur.execute("DELETE FROM login_failures WHERE login = ?", [name])
            if _hasher().check_needs_rehash(stored):  # hashed with older parameters: hashed again with today's
                cur.execute("UPDATE users SET password_hash = ? WHERE login = ?", [_hasher().hash(password), name])
            return _user(found[0][:4])
    raise LoginError(Message("users.error.login_failed"))


def _now(now: dt.datetime | None) -> dt.datetime:
    return (now or dt.datetime.now()).replace(microsecond=0)
