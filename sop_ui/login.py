"""Who uses the dashboard: the sign-in (a local account, or the company's identity provider through
Streamlit's `st.login` when `.streamlit/secrets.toml` has an `[auth]` block), the signed-in user
shown in the sidebar, and what their role lets the page offer.

Without any account (the laptop demo) nobody signs in and everyone may do everything; the sidebar
says so. With accounts, nothing of a page runs before its reader has signed in, and the core checks
the reader's role on every write (`Store.act_as`), whatever the page shows.
"""

from __future__ import annotations

import streamlit as st

from sop_core.common import LANGUAGES, SaidError
from sop_core.data import Store, User, accounts_configured, can, check_login, user_by_email
from sop_ui.text import lang, t

USER_KEY = "signed_in"


def _identity_provider() -> bool:
    """Whether the company's identity provider is configured (`[auth]` in secrets.toml)."""
    try:
        return "auth" in st.secrets
    except (FileNotFoundError, KeyError, AttributeError, st.errors.StreamlitSecretNotFoundError):
        return False


def _from_provider(store: Store) -> User | None:
    """The account whose e-mail the identity provider vouched for; None (and said) without one."""
    if not (_identity_provider() and st.user.is_logged_in):
        return None
    user = user_by_email(store, str(st.user.get("email") or ""))
    if user is None:
        st.error(t("login.unknown_email", email=str(st.user.get("email") or "")))
        st.button(t("login.sign_out"), key="login_provider_out", on_click=st.logout)
        st.stop()
    return user


def _sign_in_form(store: Store) -> None:
    st.title("🔐 " + t("login.title"))
    with st.form("login"):
        login = st.text_input(t("login.login"), key="login_name")
        password = st.text_input(t("login.password"), type="password", key="login_password")
        if st.form_submit_button(t("login.submit"), type="primary", key="login_submit"):
            try:
                _welcome(store, check_login(store, login, password))
                st.rerun()
            except SaidError as exc:
                st.error(exc.render(lang()))
    if _identity_provider():
        st.button(t("login.with_provider"), key="login_provider", on_click=st.login)


def sign_in(store: Store) -> User | None:
    """The signed-in user of this session (None without accounts), made the one acting on the
    store for this run; with accounts and nobody signed in, the sign-in form and nothing else."""
    if not accounts_configured(store):
        store.act_as(None)
        return None
    user = signed_in()
    if user is None and (user := _from_provider(store)) is not None:
        _welcome(store, user)
    if user is None:
        store.act_as(None)
        _sign_in_form(store)
        st.stop()
    store.act_as(user)
    return user


def _preference_key(user: User, name: str) -> str:
    return f"ui.user.{user.login}.{name}"  # ui.*: a reader's preference changes no figure


def _welcome(store: Store, user: User) -> None:
    """Sign `user` in for this session, in the language they chose last time (unless the address says one)."""
    st.session_state[USER_KEY] = user
    chosen = store.get_setting(_preference_key(user, "lang"))
    if chosen in LANGUAGES and "lang" not in st.query_params:
        st.session_state["lang"] = chosen


def remember_for_user(store: Store, name: str, value: str) -> None:
    """Keep a preference of the signed-in reader for their next sessions (nothing without accounts:
    the session and the address keep it)."""
    user = signed_in()
    if user is not None:
        store.set_setting(_preference_key(user, name), value)


def signed_in() -> User | None:
    user = st.session_state.get(USER_KEY)
    return user if isinstance(user, User) else None


def may(role: str) -> bool:
    """Whether this session's reader may do `role`'s work (always, without accounts)."""
    user = signed_in()
    return user is None or can(user.role, role)


def user_name() -> str:
    """The name recorded with what the signed-in reader does ("" without accounts: typed then)."""
    user = signed_in()
    return "" if user is None else (user.display_name or user.login)


def _sign_out() -> None:
    st.session_state.pop(USER_KEY, None)
    if _identity_provider() and st.user.is_logged_in:
        st.logout()


def account_box() -> None:
    """In the sidebar: who is signed in, as what, and the way out; or that access is open."""
    user = signed_in()
    if user is None:
        st.caption(t("login.open_access"))
        return
    st.caption(t("login.signed_in_as", name=user.display_name or user.login, role=t(f"users.role.{user.role}")))
    st.button(t("login.sign_out"), key="login_out", on_click=_sign_out)
