"""`users`: the local accounts and their roles from a script (the dashboard has no screen for them yet).

    python -m sop_core users add LOGIN --role viewer|planner|admin [--name NAME] [--email EMAIL] [--password-stdin]
    python -m sop_core users remove LOGIN
    python -m sop_core users list [--json]
    python -m sop_core users role LOGIN ROLE

`add` asks the password twice without echoing it, or reads it from the first line of standard input
with `--password-stdin` (for scripts: never on the command line, where `ps` and the shell's history
would show it). A bad login, role, e-mail or password is a usage error (exit 2), said in `--lang`.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import Any

from sop_core.cli.common import EXIT_OK, emit, padded, records, say
from sop_core.common import Message, MessageError
from sop_core.data import Store, add_user, list_users, remove_user, set_role


def users_parsers(commands: Any, common: argparse.ArgumentParser) -> None:
    users = commands.add_parser("users", parents=[common], help="local accounts and their roles")
    actions = users.add_subparsers(dest="action", required=True)
    adding = actions.add_parser("add", parents=[common], help="create an account")
    adding.add_argument("login", help="the account's login")
    # The role is checked by the core, not by `choices`, so that a wrong one is said in --lang.
    adding.add_argument("--role", required=True, help="viewer, planner or admin")
    adding.add_argument("--name", default=None, help="the name shown (default: the login)")
    adding.add_argument("--email", default=None, help="the e-mail an identity provider logs this account in by")
    adding.add_argument("--password-stdin", action="store_true",
                        help="read the password from the first line of standard input (default: ask twice)")
    removing = actions.add_parser("remove", parents=[common], help="delete an account")
    removing.add_argument("login", help="the account's login")
    actions.add_parser("list", parents=[common], help="the accounts, their roles and e-mails (never a password)")
    role = actions.add_parser("role", parents=[common], help="change an account's role")
    role.add_argument("login", help="the account's login")
    role.add_argument("role", help="viewer, planner or admin")


def _password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    try:
        first = getpass.getpass(say(args.lang, "cli.users.password"))
        again = getpass.getpass(say(args.lang, "cli.users.password_again"))
    except EOFError:  # nobody to ask: standard input is not a terminal and is empty
        print(file=sys.stderr)  # ends the prompt's line
        raise MessageError(Message("cli.users.no_password")) from None
    if again != first:
        raise MessageError(Message("cli.users.password_mismatch"))
    return first


def _add(args: argparse.Namespace, store: Store) -> int:
    user = add_user(store, args.login, _password(args), args.role, display_name=args.name, email=args.email,
                    by=getpass.getuser())
    emit(args, {"login": user.login, "display_name": user.display_name, "role": user.role, "email": user.email},
         say(args.lang, "cli.users.added", login=user.login, role=Message(f"users.role.{user.role}")))
    return EXIT_OK


def _remove(args: argparse.Namespace, store: Store) -> int:
    remove_user(store, args.login)
    emit(args, {"login": args.login.strip(), "removed": True}, say(args.lang, "cli.users.removed", login=args.login))
    return EXIT_OK


def _role(args: argparse.Namespace, store: Store) -> int:
    user = set_role(store, args.login, args.role)
    emit(args, {"login": user.login, "role": user.role},
         say(args.lang, "cli.users.role_set", login=user.login, role=Message(f"users.role.{user.role}")))
    return EXIT_OK


def _list(args: argparse.Namespace, store: Store) -> int:
    users = list_users(store)
    if users.empty:
        emit(args, {"users": []}, say(args.lang, "cli.users.none"))
        return EXIT_OK
    logins = padded(users["login"])
    names = padded(users["display_name"])
    roles = padded(say(args.lang, f"users.role.{role}") for role in users["role"])
    lines = [say(args.lang, "cli.users.heading", count=len(users))]
    lines += [say(args.lang, "cli.users.line", login=login, name=name, role=role,
                  email=user.email if isinstance(user.email, str) else "–",
                  password=Message("cli.users.with_password" if user.has_password else "cli.users.without_password"))
              for login, name, role, user in zip(logins, names, roles, users.itertuples(), strict=True)]
    frame = users.assign(created_at=users["created_at"].dt.strftime("%Y-%m-%dT%H:%M:%S"))
    emit(args, {"users": records(frame)}, "\n".join(lines))
    return EXIT_OK


def _users(args: argparse.Namespace, store: Store) -> int:
    return {"add": _add, "remove": _remove, "list": _list, "role": _role}[args.action](args, store)


USER_COMMANDS = {"users": _users}
