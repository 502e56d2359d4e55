"""Local accounts: the password is kept as an Argon2 hash, a refusal says nothing of which logins
exist, five failures lock a login for fifteen minutes, roles nest, and bad inputs say how to fix them."""

from __future__ import annotations

import datetime as dt

import pytest
from argon2 import PasswordHasher

from sop_core.common import Message, MessageError
from sop_core.data import (
    ROLES,
    LoginError,
    PermissionDenied,
    Store,
    User,
    accounts_configured,
    add_user,
    can,
    check_login,
    list_users,
    remove_user,
    require_role,
    set_role,
    user_by_email,
)

NOON = dt.datetime(2026, 11, 21, 12, 0)
PASSWORD = "correct horse battery"


def _claire(store: Store) -> User:
    return add_user(store, "claire", PASSWORD, "admin", display_name="Claire Martin", email="Claire@Example.FR",
                    by="setup", now=NOON)


def test_the_password_is_kept_as_an_argon2_hash_that_verifies(store: Store) -> None:
    assert not accounts_configured(store)
    assert _claire(store) == User("claire", "Claire Martin", "admin", "claire@example.fr")
    assert accounts_configured(store)
    (stored,) = store.row("SELECT password_hash FROM users WHERE login = 'claire'")
    assert stored != PASSWORD and PASSWORD not in stored and stored.startswith("$argon2id$")
    assert PasswordHasher().verify(stored, PASSWORD)
    assert check_login(store, "claire", PASSWORD, now=NOON) == User("claire", "Claire Martin", "admin",
                                                                    "claire@example.fr")


def test_the_list_never_shows_the_hash(store: Store) -> None:
    _claire(store)
    add_user(store, "sso-only", None, "viewer", email="paul@example.fr", now=NOON)
    users = list_users(store)
    assert list(users.columns) == ["login", "display_name", "email", "role", "has_password", "created_at",
                                   "created_by"]
    assert list(users["login"]) == ["claire", "sso-only"] and list(users["has_password"]) == [True, False]
    assert list(users["display_name"]) == ["Claire Martin", "sso-only"]
    assert users.loc[0, "created_at"] == NOON and users.loc[0, "created_by"] == "setup"
    assert not users.astype(str).apply(lambda column: column.str.contains("argon2")).any().any()


def test_a_wrong_password_and_an_unknown_login_are_the_same_refusal(store: Store) -> None:
    _claire(store)
    add_user(store, "sso-only", None, "viewer", now=NOON)
    refusals = []
    for login, password in (("claire", "wrong password"), ("nobody", PASSWORD), ("sso-only", ""), ("", PASSWORD)):
        with pytest.raises(LoginError) as refused:
            check_login(store, login, password, now=NOON)
        refusals.append(refused.value.message)
    assert refusals == [Message("users.error.login_failed")] * 4
    assert str(refused.value) == "Wrong login or password."
    assert refused.value.render("fr") == "Identifiant ou mot de passe incorrect."


def _fail(store: Store, login: str, at: dt.datetime) -> None:
    with pytest.raises(LoginError, match="Wrong login or password"):
        check_login(store, login, "wrong password", now=at)


def test_five_failures_lock_the_login_for_fifteen_minutes(store: Store) -> None:
    _claire(store)
    for minute in range(5):  # 12:00 to 12:04
        _fail(store, "claire", NOON + dt.timedelta(minutes=minute))
    sixth = NOON + dt.timedelta(minutes=5)
    with pytest.raises(LoginError) as locked:  # the right password, refused all the same
        check_login(store, "claire", PASSWORD, now=sixth)
    assert locked.value.message.key == "users.error.locked"
    assert str(locked.value) == ("Too many failed attempts for claire: logins are blocked for 15 minutes, "
                                 "try again on 21 Nov 2026 from 12:19.")
    assert "réessayez le 21/11/2026 à partir de 12:19" in locked.value.render("fr")
    with pytest.raises(LoginError, match="try again"):  # a second before the end of the lock
        check_login(store, "claire", PASSWORD, now=NOON + dt.timedelta(minutes=18, seconds=59))
    unlocked = NOON + dt.timedelta(minutes=4 + 15)  # fifteen minutes after the fifth failure
    assert check_login(store, "claire", PASSWORD, now=unlocked).login == "claire"
    assert store.scalar("SELECT count(*) FROM login_failures WHERE login = 'claire'") == 0


def test_a_success_clears_the_failures_and_spread_failures_do_not_lock(store: Store) -> None:
    _claire(store)
    for minute in range(4):
        _fail(store, "claire", NOON + dt.timedelta(minutes=minute))
    assert check_login(store, "claire", PASSWORD, now=NOON + dt.timedelta(minutes=4)).login == "claire"
    for minute in range(4):  # four more: eight since noon, but only four since the success
        _fail(store, "claire", NOON + dt.timedelta(minutes=5 + minute))
    assert check_login(store, "claire", PASSWORD, now=NOON + dt.timedelta(minutes=9)).login == "claire"
    for minute in (0, 4, 8, 12, 16, 20):  # six failures, never five within fifteen minutes
        _fail(store, "claire", NOON + dt.timedelta(hours=1, minutes=minute))
    assert check_login(store, "claire", PASSWORD, now=NOON + dt.timedelta(hours=1, minutes=21)).login == "claire"


def test_an_unknown_login_locks_too_and_another_login_is_not_locked(store: Store) -> None:
    """Were unknown logins never locked, the lock would tell which logins exist."""
    _claire(store)
    for minute in range(5):
        _fail(store, "nobody", NOON + dt.timedelta(minutes=minute))
    with pytest.raises(LoginError, match="Too many failed attempts for nobody"):
        check_login(store, "nobody", PASSWORD, now=NOON + dt.timedelta(minutes=5))
    assert check_login(store, "claire", PASSWORD, now=NOON + dt.timedelta(minutes=5)).login == "claire"


def test_roles_nest_in_order() -> None:
    assert ROLES == ("viewer", "planner", "admin")
    allowed = {(role, needed) for role in ROLES for needed in ROLES if can(role, needed)}
    assert allowed == {("viewer", "viewer"), ("planner", "viewer"), ("planner", "planner"),
                       ("admin", "viewer"), ("admin", "planner"), ("admin", "admin")}
    with pytest.raises(MessageError, match="Unknown role boss"):
        can("boss", "viewer")


def test_require_role_names_the_role_needed_and_lets_the_demo_through() -> None:
    viewer = User("paul", "Paul", "viewer")
    require_role(None, "admin")  # no accounts configured: everyone is admin
    require_role(viewer, "viewer")
    require_role(User("claire", "Claire", "admin"), "planner")
    with pytest.raises(PermissionDenied) as denied:
        require_role(viewer, "planner")
    assert str(denied.value) == ("Your role (viewer) does not allow this: it takes the role planner. "
                                 "Ask an admin for it.")
    assert denied.value.render("fr") == ("Votre rôle (lecteur) ne permet pas cette action : il faut le rôle "
                                         "planificateur. Demandez-le à un administrateur.")
    assert isinstance(denied.value, MessageError)


@pytest.mark.parametrize(("login", "password", "role", "email", "said"), [
    ("  ", PASSWORD, "admin", None, "Give a non-empty account login."),
    ("claire", PASSWORD, "superuser", None, "Unknown role superuser: use one of viewer, planner, admin."),
    ("claire", "1234567", "admin", None, "The password is too short: choose one of at least 8 characters."),
    ("claire", PASSWORD, "admin", "claire.example.fr", "claire.example.fr is not an e-mail address"),
    ("claire", PASSWORD, "viewer", None, "The first account must be an admin"),
])
def test_bad_inputs_say_how_to_fix_them(store: Store, login: str, password: str, role: str, email: str | None,
                                        said: str) -> None:
    with pytest.raises(MessageError) as refused:
        add_user(store, login, password, role, email=email)
    assert str(refused.value).startswith(said)
    assert refused.value.render("fr") != str(refused.value)
    assert not accounts_configured(store)


def test_a_login_or_an_email_is_one_account_only(store: Store) -> None:
    _claire(store)
    with pytest.raises(MessageError) as twice:
        add_user(store, " claire ", "another password", "viewer")
    assert str(twice.value) == ("Account claire already exists: choose another login, or change its role "
                                "(python -m sop_core users role claire ROLE).")
    assert twice.value.render("fr").startswith("Le compte claire existe déjà : choisissez un autre identifiant")
    with pytest.raises(MessageError, match="already belongs to another account"):
        add_user(store, "claire2", PASSWORD, "viewer", email="claire@example.fr ")
    assert list(list_users(store)["login"]) == ["claire"]


def test_roles_change_accounts_go_and_the_last_admin_stays(store: Store) -> None:
    _claire(store)
    add_user(store, "paul", PASSWORD, "viewer", email="paul@example.fr")
    assert set_role(store, "paul", "planner") == User("paul", "paul", "planner", "paul@example.fr")
    assert user_by_email(store, " PAUL@example.fr") == User("paul", "paul", "planner", "paul@example.fr")
    assert user_by_email(store, "nobody@example.fr") is None
    with pytest.raises(MessageError, match="claire is the last admin"):
        set_role(store, "claire", "viewer")
    with pytest.raises(MessageError, match="claire is the last admin"):
        remove_user(store, "claire")
    with pytest.raises(MessageError, match="No account nobody"):
        remove_user(store, "nobody")
    with pytest.raises(MessageError, match="No account nobody"):
        set_role(store, "nobody", "admin")
    set_role(store, "paul", "admin")
    set_role(store, "claire", "viewer")
    remove_user(store, "claire")
    with pytest.raises(LoginError, match="Wrong login or password"):
        check_login(store, "claire", PASSWORD)
    remove_user(store, "paul")  # the last account, admin or not: back to the open demo
    assert not accounts_configured(store)
