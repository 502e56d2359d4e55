"""`python -m sop_core users`: add with the password on standard input, list without the hash,
change a role, remove, and usage errors said in --lang with exit 2."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from sop_core.cli.main import EXIT_OK, EXIT_USAGE, main
from sop_core.data import Store, check_login

PASSWORD = "correct horse battery"


def _stdin(monkeypatch: pytest.MonkeyPatch, text: str) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(text))


def test_the_users_commands(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                            capsys: pytest.CaptureFixture[str]) -> None:
    db = str(tmp_path / "users.duckdb")
    assert main(["users", "list", "--db", db, "--lang", "en"]) == EXIT_OK
    assert capsys.readouterr().out.startswith("No accounts: the dashboard is open to everyone, as admin")
    _stdin(monkeypatch, PASSWORD + "\n")
    assert main(["users", "add", "claire", "--role", "admin", "--name", "Claire Martin", "--email",
                 "claire@example.fr", "--password-stdin", "--db", db]) == EXIT_OK
    assert capsys.readouterr().out == "Compte claire créé, rôle administrateur.\n"
    _stdin(monkeypatch, "another password\r\n")
    assert main(["users", "add", "paul", "--role", "viewer", "--password-stdin", "--db", db, "--json"]) == EXIT_OK
    assert json.loads(capsys.readouterr().out) == {"login": "paul", "display_name": "paul", "role": "viewer",
                                                   "email": None}
    with Store(db) as store:  # the line read, without its line ending, is the password
        assert check_login(store, "claire", PASSWORD).display_name == "Claire Martin"
        assert check_login(store, "paul", "another password").role == "viewer"

    assert main(["users", "list", "--json", "--db", db]) == EXIT_OK
    out = capsys.readouterr().out
    listed = json.loads(out)["users"]
    assert [(u["login"], u["display_name"], u["email"], u["role"], u["has_password"]) for u in listed] == [
        ("claire", "Claire Martin", "claire@example.fr", "admin", True), ("paul", "paul", None, "viewer", True)]
    assert "argon2" not in out and "hash" not in out and PASSWORD not in out

    assert main(["users", "role", "paul", "planner", "--db", db, "--lang", "en"]) == EXIT_OK
    assert capsys.readouterr().out == "Account paul: role planner.\n"
    assert main(["users", "list", "--db", db]) == EXIT_OK
    assert capsys.readouterr().out.splitlines() == [
        "2 comptes :",
        "  claire  Claire Martin  administrateur  claire@example.fr  mot de passe",
        "  paul    paul           planificateur   –  mot de passe"]

    assert main(["users", "remove", "paul", "--db", db]) == EXIT_OK
    assert capsys.readouterr().out == "Compte paul supprimé.\n"
    assert main(["users", "list", "--json", "--db", db]) == EXIT_OK
    assert [u["login"] for u in json.loads(capsys.readouterr().out)["users"]] == ["claire"]


@pytest.mark.parametrize(("command", "stdin", "lang", "said"), [
    (["add", "bob", "--role", "boss", "--password-stdin"], PASSWORD, "en",
     "Error: Unknown role boss: use one of viewer, planner, admin."),
    (["add", "bob", "--role", "viewer", "--password-stdin"], "short\n", "fr",
     "Erreur : Le mot de passe est trop court : choisissez-en un d'au moins 8 caractères."),
    (["add", "claire", "--role", "viewer", "--password-stdin"], PASSWORD, "en",
     "Error: Account claire already exists: choose another login, or change its role "
     "(python -m sop_core users role claire ROLE)."),
    (["add", "bob", "--role", "viewer", "--email", "bob", "--password-stdin"], PASSWORD, "fr",
     "Erreur : bob n'est pas une adresse e-mail : écrivez-la nom@domaine, sans espace."),
    (["add", "bob", "--role", "viewer"], "", "en",  # no terminal to ask, nothing on standard input
     "Error: No password typed: run the command in a terminal, or pass the password on standard input "
     "with --password-stdin."),
    (["role", "claire", "viewer"], "", "en",
     "Error: claire is the last admin: give the role admin to another account first "
     "(python -m sop_core users role LOGIN admin)."),
    (["role", "nobody", "admin"], "", "fr",
     "Erreur : Aucun compte nobody : python -m sop_core users list montre les comptes."),
    (["remove", "nobody"], "", "en", "Error: No account nobody: python -m sop_core users list shows the accounts."),
])
@pytest.mark.filterwarnings("ignore::getpass.GetPassWarning")  # the prompt with no terminal to hide the typing
def test_usage_errors_exit_2_with_the_message_in_lang(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                      capsys: pytest.CaptureFixture[str], command: list[str],
                                                      stdin: str, lang: str, said: str) -> None:
    db = str(tmp_path / "users.duckdb")
    _stdin(monkeypatch, PASSWORD + "\n")
    assert main(["users", "add", "claire", "--role", "admin", "--password-stdin", "--db", db]) == EXIT_OK
    capsys.readouterr()
    _stdin(monkeypatch, stdin)
    assert main(["users", *command, "--db", db, "--lang", lang]) == EXIT_USAGE
    assert capsys.readouterr().err.splitlines()[-1] == said
    assert main(["users", "list", "--json", "--db", db]) == EXIT_OK
    assert [(u["login"], u["role"]) for u in json.loads(capsys.readouterr().out)["users"]] == [("claire", "admin")]


def test_the_password_prompt_asks_twice(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    db = str(tmp_path / "users.duckdb")
    typed = iter([PASSWORD, "a different one"])
    monkeypatch.setattr("getpass.getpass", lambda prompt: next(typed))
    assert main(["users", "add", "claire", "--role", "admin", "--db", db, "--lang", "en"]) == EXIT_USAGE
    assert capsys.readouterr().err == "Error: The two passwords typed differ: run the command again.\n"
    typed = iter([PASSWORD, PASSWORD])
    assert main(["users", "add", "claire", "--role", "admin", "--db", db, "--lang", "en"]) == EXIT_OK
    with Store(db) as store:
        assert check_login(store, "claire", PASSWORD).role == "admin"
