"""The command line as scripts use it: output, JSON shape, exit codes, one-sentence errors."""

import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from tests.conftest import PASSPHRASE, add_fixture_note, cli

ROOT = Path(__file__).resolve().parents[2]

JSON_KEYS = {"id", "kind", "author", "questions", "outcomes", "judgement", "title", "text",
             "revision", "created_at", "updated_at", "conflict"}


@pytest.fixture
def file(inspection):
    inspection.close()  # created with cheap KDF costs so each command opens fast
    return inspection.path


def add(file, *extra, text="Parents describe long waits after the two-year check."):
    args = ["add", file, "--kind", "meeting", "--question", "A", "--outcome", "identification",
            "--judgement", "development", "--text", text, *extra]
    return cli(*args, check=0).stdout.strip()


def test_new_prints_the_recovery_key_once_and_it_opens_the_file(tmp_path):
    path = tmp_path / "northmoor.inspection"
    out = cli("new", path, "--area", "Northmoor", "--inspector", "Sam Lead", check=0).stdout
    recovery = out.split("Recovery key")[1].split(": ")[1].splitlines()[0]
    assert len(recovery) == 39
    assert out.index("Recovery key") < out.index("Created")  # shown before the file is there
    cli("list", path, passphrase=recovery, check=0)
    assert cli("new", path, "--area", "X", "--inspector", "Y", check=2).stderr.count("\n") == 1


def test_add_prints_only_the_new_id_and_show_finds_it(file):
    note_id = add(file, "--title", "Waits after the two-year check")
    assert len(note_id) == 36 and "\n" not in note_id
    shown = cli("show", file, note_id[:8], check=0).stdout
    assert "Waits after the two-year check" in shown and "Meeting" in shown
    [note] = json.loads(cli("show", file, note_id, "--json", check=0).stdout)
    assert JSON_KEYS <= set(note) and note["id"] == note_id and note["conflict"] is False


def test_list_filters_and_json_shape(file):
    first = add(file)
    second = cli("add", file, "--kind", "visit", "--question", "C", "--question", "B",
                 "--outcome", "pfa-employment", "--judgement", "strength",
                 "--text", "Three of five interns in paid work.", check=0).stdout.strip()
    notes = json.loads(cli("list", file, "--json", check=0).stdout)
    assert {n["id"] for n in notes} == {first, second}
    assert all(JSON_KEYS <= set(n) for n in notes)
    only_c = json.loads(cli("list", file, "--question", "C", "--json", check=0).stdout)
    assert [n["id"] for n in only_c] == [second]
    assert only_c[0]["questions"] == ["B", "C"]
    strengths = json.loads(cli("list", file, "--judgement", "strength", "--json").stdout)
    assert [n["id"] for n in strengths] == [second]
    assert json.loads(cli("list", file, "--kind", "document", "--json").stdout) == []


def test_search_edit_delete_round_trip(file):
    note_id = add(file)
    assert json.loads(cli("search", file, "two-year check", "--json").stdout)[0]["id"] == note_id
    cli("edit", file, note_id, "--text", "Revised: waits of nine months.", "--outcome",
        "needs-met", check=0)
    [note] = json.loads(cli("show", file, note_id, "--json").stdout)
    assert note["revision"] == 2 and note["outcomes"] == ["needs-met"]
    assert json.loads(cli("search", file, "nine months", "--json").stdout)[0]["id"] == note_id
    cli("delete", file, note_id, check=0)
    assert json.loads(cli("list", file, "--json").stdout) == []
    assert "OK" in cli("verify", file, check=0).stdout


def test_case_review_shows_the_statutory_timescales(file):
    note_id = cli("add", file, "--kind", "case-review", "--question", "B", "--outcome",
                  "statutory-timescales", "--judgement", "development", "--child", "Child A",
                  "--field", "ehc_request=2024-01-08", "--field", "ehc_final=2024-07-15",
                  "--text", "Final plan issued in week 27.", check=0).stdout.strip()
    shown = cli("show", file, note_id, check=0).stdout
    assert "27 weeks, BREACHED" in shown
    assert "Child A" in cli("child", "list", file, check=0).stdout


@pytest.mark.parametrize(
    "args, code, words",
    [
        (["add", "{f}", "--kind", "meeting", "--question", "D", "--outcome", "identification",
          "--judgement", "strength", "--text", "x"], 2, "Unknown question 'D'"),
        (["add", "{f}", "--kind", "chat", "--question", "A", "--outcome", "identification",
          "--judgement", "strength", "--text", "x"], 2, "Unknown kind"),
        (["add", "{f}", "--kind", "meeting", "--question", "A", "--outcome", "happiness",
          "--judgement", "strength", "--text", "x"], 2, "Unknown outcome"),
        (["add", "{f}", "--kind", "meeting", "--question", "A", "--outcome", "identification",
          "--judgement", "good", "--text", "x"], 2, "Unknown judgement"),
        (["add", "{f}", "--kind", "meeting", "--question", "A", "--outcome", "identification",
          "--judgement", "strength", "--text", "  "], 2, "text is empty"),
        (["show", "{f}", "0000dead"], 2, "no note"),
        (["edit", "{f}", "0000dead", "--text", "x"], 2, "no note"),
        (["delete", "{f}", "0000dead"], 2, "no note"),
        (["list", "{missing}"], 2, "no inspection file"),
        (["list", "{text}"], 2, "not an inspection file"),
    ],
)
def test_bad_input_is_one_sentence_and_exit_2(file, tmp_path, args, code, words):
    text = tmp_path / "notes.txt"
    text.write_text("just some text, not an inspection\n" * 50)
    paths = {"f": file, "missing": tmp_path / "nope.inspection", "text": text}
    result = cli(*[a.format(**paths) for a in args], check=code)
    assert words in result.stderr
    assert result.stderr.startswith("inspector-app: ") and result.stderr.count("\n") == 1
    assert result.stdout == ""


def test_wrong_passphrase_is_exit_3(file):
    result = cli("list", file, passphrase="not the passphrase", check=3)
    assert "passphrase" in result.stderr and "not the passphrase" not in result.stderr


def test_no_passphrase_and_no_terminal_says_how_to_give_one(file):
    result = cli("list", file, passphrase=None, check=2)
    assert "INSPECTOR_APP_PASSPHRASE" in result.stderr


def test_passphrase_file_is_read(file, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text(PASSPHRASE + "\n")
    cli("list", file, "--passphrase-file", secret, passphrase=None, check=0)


def test_passwd_changes_the_passphrase(file):
    add(file)
    cli("passwd", file, env={"INSPECTOR_APP_NEW_PASSPHRASE": "a new long passphrase"}, check=0)
    cli("list", file, check=3)
    assert len(json.loads(cli("list", file, "--json", passphrase="a new long passphrase",
                              check=0).stdout)) == 1


def test_passwd_refuses_the_current_passphrase_as_the_new_one(file):
    result = cli("passwd", file, env={"INSPECTOR_APP_NEW_PASSPHRASE": PASSPHRASE}, check=2)
    assert result.stderr.strip() == (
        "inspector-app: The new passphrase is the current one; choose another."
    )


def test_child_register_hides_real_names_unless_revealed(file):
    cli("child", "add", file, "--ref", "Child B", "--name", "Jordan Realname", check=0)
    assert "Jordan Realname" not in cli("child", "list", file, check=0).stdout
    assert "Jordan Realname" in cli("child", "list", file, "--reveal", check=0).stdout


def test_child_add_keeps_a_real_name_unless_told_to_replace_it(file):
    cli("child", "add", file, "--ref", "Child B", "--name", "Jordan Realname", check=0)
    again = cli("child", "add", file, "--ref", "Child B", check=0).stdout
    assert again == "Child B is already in the register; nothing changed.\n"
    refused = cli("child", "add", file, "--ref", "Child B", "--name", "Other Name", check=2)
    assert refused.stderr == ("inspector-app: Child B already has a different real name in the "
                              "register, and it was kept; if that one is wrong, run again with "
                              "--replace.\n")  # one sentence
    assert "Jordan Realname" in cli("child", "list", file, "--reveal", check=0).stdout
    cli("child", "add", file, "--ref", "Child B", "--name", "Other Name", "--replace", check=0)
    listed = cli("child", "list", file, "--reveal", check=0).stdout
    assert "Other Name" in listed and "Jordan Realname" not in listed


def test_usage_errors_are_exit_2(file):
    assert cli("add", file, "--kind", "meeting", check=2).stderr.startswith("usage:")
    assert cli("frobnicate", check=2).returncode == 2


def test_version_is_the_one_in_pyproject():
    version = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    assert cli("--version", check=0).stdout == f"inspector-app {version}\n"


def test_an_edit_with_a_bad_photo_changes_nothing(file, tmp_path):
    note_id = add(file)
    broken = tmp_path / "broken.jpg"
    broken.write_text("not really a photo")
    result = cli("edit", file, note_id, "--text", "Changed text.", "--photo", broken, check=2)
    assert "broken.jpg" in result.stderr
    [note] = json.loads(cli("show", file, note_id, "--json", check=0).stdout)
    assert note["revision"] == 1 and note["text"].startswith("Parents describe")


@pytest.mark.parametrize("command", [["card"], ["bundle", "export"], ["report"]])
def test_an_export_never_writes_over_an_inspection_or_into_a_folder_name(pair, tmp_path,
                                                                         command):
    lead, member = pair
    add_fixture_note(member)
    for inspection in pair:
        inspection.close()
    file = member.path
    kept = file.read_bytes()
    (tmp_path / "photo.jpg").write_bytes(b"\xff\xd8")
    for out, why in ((file, "is a database"), (lead.path, "is a database"),
                     (Path(f"{file}-wal"), "belongs to the inspection mo.inspection"),
                     (Path(f"{lead.path}-journal"), "belongs to the inspection"),
                     (tmp_path, "is a folder"), (tmp_path / "nowhere" / "x", "does not exist"),
                     (tmp_path / "photo.jpg" / "x", "photo.jpg is a file, not a folder"),
                     (tmp_path / ("a" * 300), "File name too long")):
        result = cli(*command, file, "--out", out, check=2)
        assert why in result.stderr and result.stderr.count("\n") == 1
    assert file.read_bytes() == kept  # not even a bundle number was taken
    assert cli("verify", lead.path, check=0).returncode == 0


def test_mistakes_in_paths_and_passphrases_are_named_for_what_they_are(file, tmp_path):
    missing = cli("new", tmp_path / "no such folder" / "x.inspection", "--area", "A",
                  "--inspector", "B", check=2).stderr
    assert "folder" in missing and "does not exist" in missing and "read-only" not in missing
    (tmp_path / "notes.txt").write_text("not a folder")
    not_folder = cli("new", tmp_path / "notes.txt" / "x.inspection", "--area", "A",
                     "--inspector", "B", check=2).stderr
    assert "notes.txt is a file, not a folder" in not_folder
    for command in (["new", "--area", "A", "--inspector", "B"], ["list"], ["verify"]):
        too_long = cli(command[0], tmp_path / ("a" * 300 + ".inspection"), *command[1:],
                       check=2).stderr
        assert "File name too long" in too_long and too_long.count("\n") == 1
    device = cli("add", file, "--kind", "meeting", "--question", "A", "--outcome",
                 "identification", "--judgement", "context", "--text", "Seen.",
                 "--photo", "/dev/zero", check=2).stderr
    assert "'zero' is not a file" in device
    folder = cli("add", file, "--kind", "meeting", "--question", "A", "--outcome",
                 "identification", "--judgement", "context", "--text", "Seen.",
                 "--photo", tmp_path, check=2).stderr
    assert "is a folder, not a photo" in folder
    no_new = cli("passwd", file, check=2).stderr
    assert "INSPECTOR_APP_NEW_PASSPHRASE" in no_new and "No new passphrase" in no_new


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="displays are named on Linux")
def test_without_a_display_the_app_says_so_instead_of_aborting(tmp_path):
    environment = {k: v for k, v in os.environ.items()
                   if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    ran = subprocess.run([sys.executable, "-m", "inspector_app"], env=environment, cwd=tmp_path,
                         capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
    assert ran.returncode == 2
    assert ran.stderr.startswith("inspector-app: there is no display")
    assert ran.stderr.count("\n") == 1


def test_a_terminal_that_is_not_utf8_gets_a_sentence_not_a_garbled_name_or_a_traceback(file):
    not_utf8 = {"LC_ALL": "C", "PYTHONUTF8": "0", "PYTHONCOERCECLOCALE": "0"}
    refused = cli("child", "add", file, "--ref", "Child A", "--name", "Chloé", env=not_utf8,
                  check=2)
    assert "--name holds bytes that are not valid text" in refused.stderr
    assert "Traceback" not in refused.stderr
    assert "Child A" not in cli("child", "list", file, check=0).stdout  # nothing kept
    # Printing "—" to a terminal that cannot show it: a "?", not a traceback.
    note_id = add(file)
    cli("edit", file, note_id, "--title", "Northmoor — East", check=0)
    shown = cli("show", file, note_id, env={"PYTHONIOENCODING": "latin-1"}, check=0)
    assert "Northmoor ? East" in shown.stdout and shown.stderr == ""


def test_a_path_too_long_for_sqlite_is_named_as_such_not_as_a_read_only_folder(tmp_path):
    deep = tmp_path.joinpath(*["d" * 100] * 5)
    deep.mkdir(parents=True)
    for path in (deep / "x.inspection", tmp_path / ("n" * 239 + ".inspection")):  # 250 bytes
        made = cli("new", path, "--area", "Northmoor", "--inspector", "Sam Lead", check=2)
        assert "too long for SQLite" in made.stderr and "read-only" not in made.stderr
        assert not path.exists()


def test_show_gives_times_on_this_computers_clock_as_the_app_does(file, monkeypatch):
    import re
    import time

    from inspector_app.core.models import local_stamp

    note_id = add(file)
    shown = cli("show", file, note_id, env={"TZ": "America/Los_Angeles"}, check=0).stdout
    assert re.search(r"created: +\d{1,2} [A-Z][a-z]{2} \d{4} \d\d:\d\d +updated:", shown)
    assert "+00:00" not in shown
    monkeypatch.setenv("TZ", "America/Los_Angeles")
    time.tzset()
    try:  # 06:30 UTC on the 28th is still the 27th in Los Angeles
        assert local_stamp("2026-03-28T06:30:00+00:00") == "27 Mar 2026 23:30"
    finally:
        monkeypatch.undo()
        time.tzset()


def test_a_path_with_terminal_control_codes_is_named_without_them(tmp_path):
    hostile = tmp_path / "notes\x1b]0;PWNED\x07\x1b[2J\u202eexe.inspection"
    result = cli("show", hostile, "00000000", check=2)
    assert "\x1b" not in result.stderr and "\x07" not in result.stderr
    assert "\u202e" not in result.stderr and "notes]0;PWNED[2Jexe.inspection" in result.stderr


def test_what_the_command_line_says_it_wrote_is_named_without_control_codes(tmp_path):
    """Messages on success echo the path given too: they drive no terminal either."""
    hostile = tmp_path / "esc\x1b[31mred\u202e.inspection"
    made = cli("new", hostile, "--area", "Northmoor", "--inspector", "Sam Lead", check=0,
               env={"INSPECTOR_APP_NEW_PASSPHRASE": PASSPHRASE})
    card = tmp_path / "c\x1b]0;pwned\x07.card"
    written = cli("card", hostile, "--out", card, check=0)
    for said in (made.stdout, written.stdout):
        assert not any(c in said for c in "\x1b\x07\u202e"), said
    assert "esc[31mred.inspection" in made.stdout and "c]0;pwned.card" in written.stdout


def test_json_for_a_terminal_that_is_not_utf8_keeps_every_letter(file):
    add(file, text="Zoë said “fine” – 0–5 weeks.")
    result = cli("list", file, "--json", env={"PYTHONIOENCODING": "cp1252"}, check=0)
    [note] = json.loads(result.stdout)
    assert note["text"] == "Zoë said “fine” – 0–5 weeks." and "?" not in result.stdout


def test_ctrl_d_at_the_passphrase_prompt_is_one_sentence_and_exit_2(file):
    import pty

    environment = {k: v for k, v in os.environ.items() if not k.startswith("INSPECTOR_APP")}
    pid, fd = pty.fork()
    if pid == 0:  # the child: the command line in a terminal, with no passphrase given
        os.execve(sys.executable, [sys.executable, "-m", "inspector_app", "list", str(file)],
                  environment)
    said = b""
    while b"assphrase" not in said:
        said += os.read(fd, 1024)
    os.write(fd, b"\x04")  # Ctrl+D
    while True:
        try:
            chunk = os.read(fd, 1024)
        except OSError:  # the terminal closed with the command
            break
        if not chunk:
            break
        said += chunk
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 2
    text = said.decode()
    assert "No passphrase was typed; nothing was changed." in text and "Traceback" not in text


def test_new_whose_key_cannot_be_shown_makes_no_file(tmp_path):
    """A key printed into a pipe nobody reads was never seen: no file is made for it."""
    target = tmp_path / "northmoor.inspection"
    read, write = os.pipe()
    os.close(read)  # the reader has gone before the key is printed
    environment = {k: v for k, v in os.environ.items() if not k.startswith("INSPECTOR_APP")}
    environment["INSPECTOR_APP_PASSPHRASE"] = PASSPHRASE
    try:
        ran = subprocess.run(
            [sys.executable, "-m", "inspector_app", "new", target, "--area", "Northmoor",
             "--inspector", "Sam Lead"],
            stdout=write, stderr=subprocess.PIPE, text=True, env=environment, timeout=60,
        )  # fmt: skip
    finally:
        os.close(write)
    assert ran.returncode == 2, ran.stderr
    assert ran.stderr.strip() == (
        "inspector-app: The recovery key could not be shown, so no file was made; run the "
        "command again where its output can be read."
    )
    assert list(tmp_path.iterdir()) == []


def test_a_key_printed_for_a_file_that_could_not_take_its_name_is_said_to_open_nothing(
    tmp_path, capsys, cheap_kdf
):
    from inspector_app.cli.common import showing_the_key
    from inspector_app.core.errors import InvalidInput
    from inspector_app.core.store import Inspection

    target = tmp_path / "northmoor.inspection"

    def make(ready):
        def printed_then_taken(inspection, key):
            ready(inspection, key)
            target.write_bytes(b"another program's file, made meanwhile")
        return Inspection.create(target, PASSPHRASE, area="Northmoor", inspector="Sam Lead",
                                 kdf=cheap_kdf, ready=printed_then_taken)

    with pytest.raises(InvalidInput) as caught:
        showing_the_key(make)
    assert "Recovery key" in capsys.readouterr().out
    assert str(caught.value) == (f"{target} already exists; choose another name; the recovery "
                                 "key printed above opens nothing.")
    assert target.read_bytes() == b"another program's file, made meanwhile"
