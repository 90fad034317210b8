"""Every command and option explains itself, and the version is one option away."""

import argparse

import pytest

import claims
from claims.cli import _parser, main


def _parsers(parser: argparse.ArgumentParser, name: str = "claims"):
    yield name, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub_name, sub in action.choices.items():
                yield from _parsers(sub, f"{name} {sub_name}")


def test_every_command_and_option_has_plain_help_text():
    parser = _parser()
    commands = {a.dest: a.help for a in parser._subparsers._group_actions[0]._choices_actions}
    assert {"run", "extract", "sentences", "tag", "evaluate", "review"} <= set(commands)
    assert all(commands.values()), commands
    for name, command in _parsers(parser):
        assert command.description is None or "``" not in command.description, name
        for action in command._actions:
            if isinstance(action, argparse._SubParsersAction):
                continue
            label = f"{name} {'/'.join(action.option_strings) or action.dest}"
            assert action.help and action.help.strip(), f"{label} has no help"
            assert "``" not in action.help, f"{label}: literal code marks in {action.help!r}"


def test_version(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0
    assert capsys.readouterr().out.strip() == f"claims {claims.__version__}"
